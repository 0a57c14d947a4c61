"""manage.py import_routes: load a file's routes into a dataset (or show what would change with --dry-run)."""

import tomllib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from gis.models import Municipality
from gis.services import GisError
from importers.errors import ImporterError
from importers.report import report_text
from importers.routes import ROUTE_FIELDS, routes_import

from .import_places import Command as PlacesCommand
from .import_places import ProgressBar


def mapping_fields(path: str) -> dict[str, str]:
    """The ``[fields]`` table of a TOML mapping file (source_id, name_el, name_en = source field names)."""
    try:
        fields = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("fields", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CommandError(f"{path}: cannot be read as a TOML mapping: {error}") from error
    unknown = sorted(set(fields) - set(ROUTE_FIELDS))
    if unknown or not all(isinstance(value, str) for value in fields.values()):
        raise CommandError(f"{path}: [fields] takes {', '.join(ROUTE_FIELDS)} = source field names; not {unknown}")
    return fields


class Command(BaseCommand):
    help = (
        "Import routes from a GPX file (one route per track, named after it; no mapping needed) or the lines of a "
        "KML, GeoJSON or GeoPackage file in any CRS (with --mapping) into DATASET, keyed on the source id: creates, "
        "updates, leaves unchanged, withdraws what is missing; measures each written route."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the file (.gpx, .kml, .geojson, .gpkg, or a .zip of one)")
        parser.add_argument("--dataset", required=True, help="dataset slug, e.g. nafplio-routes")
        parser.add_argument("--layer", help="layer to read (GeoPackage, KML)")
        parser.add_argument(
            "--mapping",
            help='TOML file with a [fields] table: source_id = "...", name_el = "...", name_en = "..." '
            "(required except for GPX)",
        )
        parser.add_argument("--srid", type=int, help="EPSG code of a file without a CRS (or to override it)")
        parser.add_argument("--encoding", help="text encoding of the attributes, e.g. windows-1253 (default: detect)")
        parser.add_argument("--municipality", help="Kallikratis code: withdraw and check only within it")
        parser.add_argument(
            "--stops-within",
            type=float,
            metavar="METRES",
            help="a GPX waypoint becomes a stop of a new route when a public place lies this close (default: off)",
        )
        parser.add_argument("--dry-run", action="store_true", help="report what would change; change nothing")
        parser.add_argument("--title", help="title of a new dataset")
        parser.add_argument("--licence", help="licence of a new dataset, e.g. CC BY 4.0")
        parser.add_argument("--attribution", help="attribution of a new dataset")

    @no_translations  # the command line speaks English; the admin speaks its user's language
    def handle(self, *args, **options) -> None:
        municipality = None
        if options["municipality"]:
            municipality = Municipality.objects.filter(code=options["municipality"]).first()
            if municipality is None:
                raise CommandError(f"no municipality with code {options['municipality']}")
        fields = mapping_fields(options["mapping"]) if options["mapping"] else {}
        if not fields and Path(options["path"]).suffix.lower() != ".gpx":
            raise CommandError("only a GPX file needs no --mapping: name source_id and name_el in a TOML [fields]")
        progress = ProgressBar(self.stdout)
        try:
            dataset = PlacesCommand._dataset(self, options)  # type: ignore[arg-type]  # the same rule as places
            report = routes_import(
                path=options["path"],
                dataset=dataset,
                fields=fields,
                municipality=municipality,
                layer=options["layer"],
                srid=options["srid"],
                encoding=options["encoding"],
                stops_within_m=options["stops_within"],
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
