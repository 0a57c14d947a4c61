"""manage.py import_places: load a GIS file's places into a dataset (or show what would change with --dry-run)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from gis.models import Dataset, Municipality
from gis.services import GisError, dataset_upsert
from importers.errors import ImporterError
from importers.mapping import NAMES, Mapping, Matches, mapping_guess_file, mapping_load
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
        "into DATASET, keyed on the source id: creates, updates, leaves unchanged, withdraws what is missing. "
        "Without --mapping it uses the dataset's stored mapping, or guesses one as the admin does "
        "(--show-mapping prints it as TOML, to edit and pass back with --mapping)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the file (.shp, .zip, .gpkg, .geojson, .csv, .kml, .gpx)")
        parser.add_argument("--dataset", required=True, help="dataset slug, e.g. athens-monuments")
        parser.add_argument("--layer", help="layer to read (GeoPackage, KML, GPX, or a zip of several files)")
        parser.add_argument(
            "--mapping", help="TOML mapping file; default: the mapping stored with the dataset, else a guess"
        )
        parser.add_argument(
            "--show-mapping",
            action="store_true",
            help="print the mapping that would be used (given, stored or guessed) as TOML and import nothing",
        )
        parser.add_argument(
            "--matches",
            choices=Matches.CHOICES,
            help="a new feature with the Wikidata/Pleiades id of an existing place of the municipality: link it to "
            "that place, import it as new (create) or skip it; default: the mapping's option, else link",
        )
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

    def _mapping(self, options) -> tuple[Mapping, str]:
        """The mapping to use and where it comes from: --mapping, the dataset's stored one, or a guess."""
        if options["mapping"]:
            mapping, origin = mapping_load(options["mapping"]), options["mapping"]
        else:
            dataset = Dataset.objects.filter(slug=options["dataset"]).first()
            stored = mapping_for(dataset=dataset) if dataset else None
            if dataset is not None and stored is not None:
                mapping, origin = stored, f"stored with dataset '{dataset.slug}'"
            else:
                mapping = mapping_guess_file(
                    options["path"], layer=options["layer"], srid=options["srid"], encoding=options["encoding"]
                )
                origin = "guessed from the file's fields, as the admin does"
        if options["matches"]:
            mapping.matches = options["matches"]
        return mapping, origin

    @no_translations  # the command line speaks English; the admin speaks its user's language
    def handle(self, *args, **options) -> None:
        municipality = None
        if options["municipality"]:
            municipality = Municipality.objects.filter(code=options["municipality"]).first()
            if municipality is None:
                raise CommandError(f"no municipality with code {options['municipality']}")
        progress = ProgressBar(self.stdout)
        try:
            mapping, origin = self._mapping(options)
            if options["show_mapping"]:
                self.stdout.write(f"# mapping {origin}\n{mapping.to_toml()}", ending="")
                return
            missing = [target for target in ("source_id",) if target not in mapping.fields]
            if not any(target in mapping.fields for target in NAMES):
                missing.append(" or ".join(NAMES))
            if missing:
                raise CommandError(
                    f"the mapping ({origin}) names no source field for {', '.join(missing)}; "
                    "write one with --show-mapping > mapping.toml, edit it, and give --mapping mapping.toml"
                )
            self.stdout.write(f"Mapping {origin}: {', '.join(f'{k} = {v}' for k, v in mapping.fields.items())}")
            dataset = self._dataset(options)
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
