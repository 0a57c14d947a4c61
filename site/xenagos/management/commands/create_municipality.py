"""manage.py create_municipality: a municipality with its site, pages, editor groups and boundary."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gis.services import GisError
from importers.errors import ImporterError
from xenagos.municipalities import municipality_create


class Command(BaseCommand):
    help = (
        "Create (or update) a municipality: boundary from a vector file in any CRS, a Wagtail site on HOSTNAME "
        "with Greek and English home pages, and editor/moderator groups limited to it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", required=True, help="Kallikratis code, e.g. 9186")
        parser.add_argument("--name-el", required=True, help="Greek name, e.g. Αθηναίων")
        parser.add_argument("--name-en", required=True, help="English name, e.g. Athens")
        parser.add_argument("--hostname", required=True, help="the site's domain, e.g. athens.example.gr")
        parser.add_argument("--port", type=int, default=80)
        parser.add_argument("--boundary", required=True, help="GeoJSON, GeoPackage or shapefile with the boundary")
        parser.add_argument("--where", help="FIELD=VALUE picking the municipality's feature(s) in the file")
        parser.add_argument("--srid", type=int, help="EPSG code of a file that declares no CRS")
        parser.add_argument("--default", action="store_true", help="answer requests for unknown hostnames")

    def handle(self, *args, **options) -> None:
        where = None
        if options["where"]:
            field, sep, value = options["where"].partition("=")
            if not sep:
                raise CommandError("--where must look like FIELD=VALUE")
            where = (field, value)
        try:
            result = municipality_create(
                code=options["code"],
                name_el=options["name_el"],
                name_en=options["name_en"],
                hostname=options["hostname"],
                port=options["port"],
                boundary_path=options["boundary"],
                where=where,
                srid=options["srid"],
                is_default=options["default"],
            )
        except (ImporterError, GisError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.site.site_name}: http://{result.site.hostname}/el/ · editors group '{result.editors.name}'"
            )
        )
