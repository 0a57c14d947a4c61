"""manage.py import_places: load a GIS file's places into a dataset (or show what would change with --dry-run)."""

from django.core.management.base import CommandError, CommandParser, no_translations

from gis.models import Dataset
from importers.mapping import NAMES, Mapping, Matches, mapping_guess_file, mapping_load
from importers.report import ImportReport
from importers.selectors import mapping_for
from importers.services import places_import

from ..importing import ImportCommand, ProgressBar


class Command(ImportCommand):
    help = (
        "Import places from a shapefile (or a zip of one), GeoPackage, GeoJSON, CSV, KML or GPX file in any CRS "
        "into DATASET, keyed on the source id: creates, updates, leaves unchanged, withdraws what is missing. "
        "Without --mapping it uses the dataset's stored mapping, or guesses one as the admin does "
        "(--show-mapping prints it as TOML, to edit and pass back with --mapping)."
    )

    path_help = "the file (.shp, .zip, .gpkg, .geojson, .csv, .kml, .gpx)"
    dataset_help = "dataset slug, e.g. athens-monuments"
    layer_help = "layer to read (GeoPackage, KML, GPX, or a zip of several files)"

    def add_kind_arguments(self, parser: CommandParser) -> None:
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
        municipality = self.municipality(options)

        def work(progress: ProgressBar) -> ImportReport | None:
            mapping, origin = self._mapping(options)
            if options["show_mapping"]:
                self.stdout.write(f"# mapping {origin}\n{mapping.to_toml()}", ending="")
                return None
            missing = [target for target in ("source_id",) if target not in mapping.fields]
            if not any(target in mapping.fields for target in NAMES):
                missing.append(" or ".join(NAMES))
            if missing:
                raise CommandError(
                    f"the mapping ({origin}) names no source field for {', '.join(missing)}; "
                    "write one with --show-mapping > mapping.toml, edit it, and give --mapping mapping.toml"
                )
            self.stdout.write(f"Mapping {origin}: {', '.join(f'{k} = {v}' for k, v in mapping.fields.items())}")
            return places_import(
                path=options["path"],
                dataset=self.dataset(options),
                mapping=mapping,
                municipality=municipality,
                layer=options["layer"],
                srid=options["srid"],
                encoding=options["encoding"],
                dry_run=options["dry_run"],
                progress=progress,
            )

        self.run(work)
