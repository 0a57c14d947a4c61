"""manage.py import_routes: load a file's routes into a dataset (or show what would change with --dry-run)."""

import tomllib
from pathlib import Path

from django.core.management.base import CommandError, CommandParser, no_translations

from importers.routes import ROUTE_FIELDS, routes_import

from ..importing import ImportCommand


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


class Command(ImportCommand):
    help = (
        "Import routes from a GPX file (one route per track, named after it; no mapping needed) or the lines of a "
        "KML, GeoJSON or GeoPackage file in any CRS (with --mapping) into DATASET, keyed on the source id: creates, "
        "updates, leaves unchanged, withdraws what is missing; measures each written route."
    )
    path_help = "the file (.gpx, .kml, .geojson, .gpkg, or a .zip of one)"
    dataset_help = "dataset slug, e.g. nafplio-routes"
    layer_help = "layer to read (GeoPackage, KML)"

    def add_kind_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--mapping",
            help='TOML file with a [fields] table: source_id = "...", name_el = "...", name_en = "..." '
            "(required except for GPX)",
        )
        parser.add_argument(
            "--stops-within",
            type=float,
            metavar="METRES",
            help="a GPX waypoint becomes a stop of a new route when a public place lies this close (default: off)",
        )

    @no_translations  # the command line speaks English; the admin speaks its user's language
    def handle(self, *args, **options) -> None:
        municipality = self.municipality(options)
        fields = mapping_fields(options["mapping"]) if options["mapping"] else {}
        if not fields and Path(options["path"]).suffix.lower() != ".gpx":
            raise CommandError("only a GPX file needs no --mapping: name source_id and name_el in a TOML [fields]")
        self.run(
            lambda progress: routes_import(
                path=options["path"],
                dataset=self.dataset(options),
                fields=fields,
                municipality=municipality,
                layer=options["layer"],
                srid=options["srid"],
                encoding=options["encoding"],
                stops_within_m=options["stops_within"],
                dry_run=options["dry_run"],
                progress=progress,
            )
        )
