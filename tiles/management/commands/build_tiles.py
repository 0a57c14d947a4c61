"""manage.py build_tiles: a GeoTIFF to an XYZ tile pyramid (PMTiles archive or folder), for a registered layer."""

from typing import cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiles.build import BuildResult, build_pyramid, parse_zoom_range
from tiles.errors import TilesError
from tiles.selectors import municipalities_under
from tiles.services import layer_upsert_from_file, parse_bands


class Command(BaseCommand):
    help = (
        "Build the Web Mercator XYZ tile pyramid of a GeoTIFF in any CRS (geotransform, rotated or ground control "
        "points). Without --out the layer SLUG is created or updated in the registry and its PMTiles archive "
        "stored; with --out the pyramid is only written to PATH. An unchanged source rebuilds nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="the GeoTIFF (for --hillshade, the elevation model)")
        parser.add_argument("--layer", required=True, help="the layer's short name (slug), e.g. nafplio-1890")
        parser.add_argument("--zoom", help="MIN-MAX zoom levels, e.g. 12-17 (default: from the pixel size)")
        parser.add_argument("--format", default="png", choices=["png", "webp"], help="tile format (default png)")
        parser.add_argument("--out", help="write to this .pmtiles file (or folder, with --folder) instead")
        parser.add_argument("--folder", action="store_true", help="with --out: a {z}/{x}/{y} folder, not PMTiles")
        parser.add_argument("--hillshade", action="store_true", help="the source is a DEM: shade it first")
        parser.add_argument("--bands", help="the bands to show, 1 or 3 of them, e.g. 3,2,1")
        parser.add_argument("--workers", type=int, help="processes (default: one per core)")

    def handle(self, *args, **options) -> None:
        if options["folder"] and not options["out"]:
            raise CommandError("--folder needs --out PATH")
        shown = [-1]

        def progress(done: int, total: int) -> None:
            step = 100 * done // max(total, 1) // 10
            if step > shown[0]:
                shown[0] = step
                self.stdout.write(f"  {100 * done // max(total, 1):3d}%  {done}/{total} tiles at the deepest zoom")

        try:
            zooms = parse_zoom_range(options["zoom"]) if options["zoom"] else None
            common = {
                "hillshade": options["hillshade"],
                "zooms": zooms,
                "tile_format": options["format"],
                "bands": parse_bands(options["bands"] or ""),
                "workers": options["workers"],
                "progress": progress,
            }
            self.stdout.write(f"Building {options['source']} …")
            if options["out"]:
                result = build_pyramid(
                    options["source"], options["out"], folder=options["folder"], name=options["layer"], **common
                )
            else:
                build = layer_upsert_from_file(slug=options["layer"], source=options["source"], **common)
                result = cast(BuildResult, build.result)  # set: a failed build raises TilesError
        except TilesError as error:
            raise CommandError(str(error)) from error
        if result.skipped:
            self.stdout.write(self.style.SUCCESS(f"{options['layer']}: up to date, nothing rebuilt."))
            return
        west, south, east, north = result.lnglat_bounds
        if not options["out"] and not municipalities_under(bounds=result.lnglat_bounds):
            self.stderr.write(
                self.style.WARNING(
                    f"{options['layer']}: its extent lies outside every municipality, so it appears on no map; "
                    "check the file's georeferencing and coordinate system."
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{options['layer']}: {result.tiles_written} tiles, zoom {result.zooms[0]}–{result.zooms[1]}, "
                f"{result.tile_format}, extent {west:.5f},{south:.5f},{east:.5f},{north:.5f} (EPSG:4326) "
                f"in {result.seconds:.1f} s -> {result.path if options['out'] else 'tile storage'}"
            )
        )
