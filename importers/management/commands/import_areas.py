"""manage.py import_areas: archaeological zones (ProtectedArea) or municipality boundaries from a GIS file."""

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from gis.models import Dataset, Municipality
from gis.services import GisError, dataset_upsert
from importers.areas import areas_import, boundaries_import
from importers.errors import ImporterError
from importers.report import report_text


class Command(BaseCommand):
    help = (
        "Import areas from a shapefile (or zip), GeoPackage, GeoJSON or KML in any CRS: --into zones loads "
        "protected areas into DATASET keyed on --id-field; --into municipalities updates municipality boundaries "
        "keyed on the Kallikratis code in --id-field."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--into", choices=["zones", "municipalities"], required=True)
        parser.add_argument("--dataset", help="dataset slug (zones)")
        parser.add_argument("--id-field", required=True, help="stable id (zones) or Kallikratis code (municipalities)")
        parser.add_argument("--name-field", required=True, help="field with the Greek name")
        parser.add_argument("--name-en-field", default="", help="field with the English name")
        parser.add_argument("--kind-field", default="", help="field with the kind of zone (zones)")
        parser.add_argument("--layer")
        parser.add_argument("--srid", type=int)
        parser.add_argument("--encoding")
        parser.add_argument(
            "--municipality", help="Kallikratis code (zones): withdraw only within it; its editors see the run"
        )
        parser.add_argument("--reject-invalid", action="store_true", help="reject invalid geometries (default: repair)")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--licence", help="licence of a new dataset")
        parser.add_argument("--attribution", help="attribution of a new dataset")

    @no_translations  # the command line speaks English; the admin speaks its user's language
    def handle(self, *args, **options) -> None:
        common = {
            "path": options["path"],
            "layer": options["layer"],
            "srid": options["srid"],
            "encoding": options["encoding"],
            "dry_run": options["dry_run"],
        }
        try:
            if options["into"] == "municipalities":
                report = boundaries_import(
                    code_field=options["id_field"],
                    name_field=options["name_field"],
                    name_en_field=options["name_en_field"],
                    **common,
                )
            else:
                if not options["dataset"]:
                    raise CommandError("--dataset is needed for zones")
                dataset = Dataset.objects.filter(slug=options["dataset"]).first()
                if dataset is None:
                    if not (options["licence"] and options["attribution"]):
                        raise CommandError(f"no dataset '{options['dataset']}'; give --licence and --attribution")
                    dataset = dataset_upsert(
                        slug=options["dataset"],
                        title=options["dataset"],
                        licence=options["licence"],
                        attribution=options["attribution"],
                    )
                municipality = None
                if options["municipality"]:
                    municipality = Municipality.objects.filter(code=options["municipality"]).first()
                    if municipality is None:
                        raise CommandError(f"no municipality with code {options['municipality']}")
                report = areas_import(
                    dataset=dataset,
                    municipality=municipality,
                    id_field=options["id_field"],
                    name_field=options["name_field"],
                    name_en_field=options["name_en_field"],
                    kind_field=options["kind_field"],
                    invalid="reject" if options["reject_invalid"] else "repair",
                    **common,
                )
        except (ImporterError, GisError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report_text(report))
