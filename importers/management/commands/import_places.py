"""manage.py import_places: load a GIS file's places into a dataset (or show what would change with --dry-run)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from gis.models import Dataset, Municipality
from gis.services import GisError, dataset_upsert
from importers.errors import ImporterError
from importers.mapping import mapping_load
from importers.report import report_text
from importers.selectors import mapping_for
from importers.services import places_import

BAR = 30


class ProgressBar:
    """A one-line progress bar on the command's stdout, redrawn when the percentage moves."""

    def __init__(self, stdout):
        self.stdout = stdout
        self.shown: tuple[str, int] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        percent = min(100, 100 * done // total) if total else 100
        if self.shown == (stage, percent):
            return
        self.shown = (stage, percent)
        filled = BAR * percent // 100
        self.stdout.write(
            f"\r{stage:<8} [{'#' * filled}{'.' * (BAR - filled)}] {percent:3d}% ({done}/{total})", ending=""
        )
        self.stdout.flush()

    def end(self) -> None:
        """Finish the line."""
        if self.shown:
            self.stdout.write("")


class Command(BaseCommand):
    help = (
        "Import places from a shapefile (or a zip of one), GeoPackage, GeoJSON, CSV, KML or GPX file in any CRS "
        "into DATASET, keyed on the source id: creates, updates, leaves unchanged, withdraws what is missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the file (.shp, .zip, .gpkg, .geojson, .csv, .kml, .gpx)")
        parser.add_argument("--dataset", required=True, help="dataset slug, e.g. athens-monuments")
        parser.add_argument("--layer", help="layer to read (GeoPackage, KML, GPX, or a zip of several files)")
        parser.add_argument("--mapping", help="TOML mapping file; default: the mapping stored with the dataset")
        parser.add_argument("--srid", type=int, help="EPSG code of a file without a CRS (or to override it)")
        parser.add_argument("--encoding", help="text encoding of the attributes, e.g. windows-1253 (default: detect)")
        parser.add_argument("--municipality", help="Kallikratis code: withdraw and check only within it")
        parser.add_argument("--dry-run", action="store_true", help="report what would change; change nothing")
        parser.add_argument("--title", help="title of a new dataset")
        parser.add_argument("--licence", help="licence of a new dataset, e.g. CC BY 4.0")
        parser.add_argument("--attribution", help="attribution of a new dataset")

    def _dataset(self, options) -> Dataset:
        dataset = Dataset.objects.filter(slug=options["dataset"]).first()
        if dataset is not None:
            return dataset
        if not (options["licence"] and options["attribution"]):
            raise CommandError(
                f"no dataset '{options['dataset']}'; to create it give --licence and --attribution (and --title)"
            )
        return dataset_upsert(
            slug=options["dataset"],
            title=options["title"] or options["dataset"],
            licence=options["licence"],
            attribution=options["attribution"],
        )

    @no_translations  # the command line speaks English; the admin speaks its user's language
    def handle(self, *args, **options) -> None:
        municipality = None
        if options["municipality"]:
            municipality = Municipality.objects.filter(code=options["municipality"]).first()
            if municipality is None:
                raise CommandError(f"no municipality with code {options['municipality']}")
        progress = ProgressBar(self.stdout)
        try:
            mapping = mapping_load(options["mapping"]) if options["mapping"] else None
            dataset = self._dataset(options)
            mapping = mapping or mapping_for(dataset=dataset)
            if mapping is None:
                raise CommandError(f"dataset '{dataset.slug}' has no stored mapping yet; give --mapping FILE")
            report = places_import(
                path=options["path"],
                dataset=dataset,
                mapping=mapping,
                municipality=municipality,
                layer=options["layer"],
                srid=options["srid"],
                encoding=options["encoding"],
                dry_run=options["dry_run"],
                progress=progress,
            )
        except (ImporterError, GisError) as error:
            progress.end()
            raise CommandError(str(error)) from error
        progress.end()
        self.stdout.write(report_text(report))
        style = self.style.WARNING if report.dry_run or report.counts.get("rejected") else self.style.SUCCESS
        self.stdout.write(style("Dry run: nothing changed." if report.dry_run else "Import committed."))
