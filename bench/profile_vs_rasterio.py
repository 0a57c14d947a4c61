"""Benchmark: a 20 km route's elevation profile from its municipality's DEM, end to end (ours), beside rasterio's
raw ``sample()`` of the same ~2,000 points on the same DEM (the floor), in the same run.

Not part of the test suite; it decides nothing. Input, made here:

  DEM    tests/tiles/data/elev_luxembourg.tif (SRTM-derived, EPSG:4326, Int16, nodata −32768, 95 × 90 px of
         0.00833°) resampled bilinearly by rasterio to SCALE × its resolution (default 16: 1,520 × 1,440 px of
         0.00052°, about 37 × 58 m), written as a tiled (256 × 256), DEFLATE-compressed GeoTIFF under var/bench/.
  route  a seeded random walk of 20 km from the centre of Luxembourg (6.13° E, 49.70° N), a vertex every 50 m
         turning by up to ±0.3 rad, kept by a municipality whose DEM is that file; in a throw-away database
         ``xenagos_bench_profile`` (dropped, created and migrated on the project's cluster; never the dev or the
         test database), with MEDIA_ROOT under var/bench/.

  ours   gis.routes.route_profile_store(route_id=…), the function route_profile_task runs: reads the route (a
         locked row), finds its stations every 10 m (geodesic), opens the stored DEM by the tiles app's safety
         rules, transforms the stations into its CRS, reads one window and interpolates bilinearly, measures ascent,
         descent, steepest gradient, duration and difficulty, and stores all of it (one UPDATE, committed).
  floor  ``rasterio.open(dem)`` and ``list(src.sample(points, indexes=1))`` of the same stations, already in the
         DEM's CRS (nearest pixel, no interpolation, nothing read from or written to the database).

Each side runs --repeat times (default 20) after one warm-up run each; the medians are printed with the ratio
ours / floor (time; target <= 1.5) and the load average before and after.

    export XENAGOS_PGPORT=54341   # your cluster's port (scripts/pg.sh); or set DATABASE_URL
    .venv/bin/python bench/profile_vs_rasterio.py [--repeat 20] [--scale 16] [--km 20]
"""

import argparse
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, VAR, django_env, local_database_url, manage, recreate_database  # noqa: E402

DATABASE = "xenagos_bench_profile"
SOURCE = ROOT / "tests" / "tiles" / "data" / "elev_luxembourg.tif"
START = (6.13, 49.70)  # the centre of Luxembourg (lon, lat)
STEP_M = 50.0


def make_dem(target: Path, scale: int) -> tuple[int, int]:
    """elev_luxembourg resampled bilinearly to ``scale`` times finer pixels, tiled and compressed; its size."""
    import rasterio
    from rasterio.enums import Resampling

    with rasterio.open(SOURCE) as src:
        width, height = src.width * scale, src.height * scale
        data = src.read(1, out_shape=(height, width), resampling=Resampling.bilinear, masked=True)
        profile = {
            **src.profile,
            "width": width,
            "height": height,
            "transform": src.transform * src.transform.scale(1 / scale, 1 / scale),
            "tiled": True,
            "blockxsize": 256,
            "blockysize": 256,
            "compress": "deflate",
        }
    with rasterio.open(target, "w", **profile) as dst:
        dst.write(data.filled(profile["nodata"]), 1)
    return width, height


def walk(km: float) -> list[tuple[float, float]]:
    """A seeded random walk of ``km`` kilometres from START, a vertex every STEP_M metres (lon, lat, EPSG:4326)."""
    rng = random.Random(14)  # noqa: S311 (benchmark input, not security)
    lon, lat = START
    heading, coords = 0.0, [(lon, lat)]
    for _ in range(round(km * 1000 / STEP_M)):
        heading += rng.uniform(-0.3, 0.3)
        lat += STEP_M * math.cos(heading) / 111_320
        lon += STEP_M * math.sin(heading) / (111_320 * math.cos(math.radians(lat)))
        coords.append((lon, lat))
    return coords


def timed(function, repeat: int) -> list[float]:
    function()  # warm-up: imports, GDAL's and PostgreSQL's caches
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--scale", type=int, default=16)
    parser.add_argument("--km", type=float, default=20.0)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL") or local_database_url()
    url = recreate_database(base, DATABASE)
    media = VAR / "profile-media"
    env = {**django_env(url), "MEDIA_ROOT": str(media)}
    print(f"load before: {Path('/proc/loadavg').read_text().strip()}")
    print(f"benchmark database: {DATABASE} (dropped and created); migrating…", flush=True)
    manage(env, "migrate", "--noinput", "-v", "0")
    os.environ.update(env)

    import django

    django.setup()
    import rasterio
    from django.contrib.gis.geos import LineString, MultiLineString, MultiPolygon, Polygon
    from django.core.files import File
    from pyproj import Transformer

    from gis.models import Municipality, Route
    from gis.routes import profile_stations, route_profile_store

    VAR.mkdir(parents=True, exist_ok=True)
    dem_path = VAR / f"luxembourg_x{args.scale}.tif"
    width, height = make_dem(dem_path, args.scale)
    municipality = Municipality.objects.create(
        code="bench",
        slug="luxembourg",
        name_el="Λουξεμβούργο",
        name_en="Luxembourg",
        boundary=MultiPolygon(Polygon.from_bbox((5.7, 49.4, 6.6, 50.2)), srid=4326),
    )
    with dem_path.open("rb") as handle:
        municipality.dem.save(dem_path.name, File(handle), save=True)
    coords = walk(args.km)
    route = Route.objects.create(
        municipality=municipality,
        name_el="Διαδρομή μετροπρόγραμμα",
        geometry=MultiLineString(LineString(coords), srid=4326),
    )
    route.refresh_from_db()
    parts = [coords]
    _distances, lon, lat = profile_stations(parts=parts)
    stored = Path(municipality.dem.path)
    with rasterio.open(stored) as src:
        x, y = Transformer.from_crs("EPSG:4326", src.crs.to_wkt(), always_xy=True).transform(lon, lat)
    points = list(zip(x, y, strict=True))
    print(
        f"input: DEM {width:,} × {height:,} px (elev_luxembourg × {args.scale}, bilinear, tiled 256, DEFLATE, "
        f"{stored.stat().st_size / 2**20:.1f} MB); route {route.length_m / 1000:.2f} km, {len(coords):,} vertices, "
        f"{len(points):,} stations"
    )

    def ours() -> None:
        route_profile_store(route_id=route.pk)

    def floor() -> None:
        with rasterio.open(stored) as src:
            list(src.sample(points, indexes=1))

    ours_s = timed(ours, args.repeat)
    floor_s = timed(floor, args.repeat)
    route.refresh_from_db()
    valued = sum(e is not None for _d, e in route.profile)
    print(
        f"ours:  median {statistics.median(ours_s) * 1000:.1f} ms (min {min(ours_s) * 1000:.1f}) over {args.repeat} "
        f"runs; profile from {route.profile_source!r}, {valued:,} of {len(route.profile):,} stations valued, "
        f"ascent {route.ascent_m} m, {route.lowest_m}–{route.highest_m} m"
    )
    print(
        f"floor: median {statistics.median(floor_s) * 1000:.1f} ms (min {min(floor_s) * 1000:.1f}) over "
        f"{args.repeat} runs (rasterio sample(), nearest)"
    )
    ratio = statistics.median(ours_s) / statistics.median(floor_s)
    print(f"ratio ours / floor (time): {ratio:.2f} × (target <= 1.5)")
    print(f"load after: {Path('/proc/loadavg').read_text().strip()}")


if __name__ == "__main__":
    main()
