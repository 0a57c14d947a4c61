"""Benchmark: the routes map's data endpoint (``/<lang>/map/routes/``, gis.views.routes) with 1,000 routes against
the same endpoint with 10, in the same run (issue 14: response size and p95 at 1,000 ≤ 2 × those at 10).

Not part of the test suite; it decides nothing. Input, made here in a throw-away database ``xenagos_bench_routes``
(dropped and created on the project's cluster, migrated and loaded with the demo, dropped again at the end; never
the dev or the test database): N routes of Athens, each a seeded random walk of ``--vertices`` vertices (200),
a vertex every 20 m (about 4 km), turning by up to ±0.5 rad at each, starting at a point drawn inside Athens'
boundary by PostGIS (``ST_GeneratePoints``, seeded), each with a live Greek ``RoutePage`` under Athens' places
index (so that it is listed: the endpoint only serves routes whose page is published). The first 10 routes are
measured, then the other 990 are added and all 1,000 are measured.

Each figure is the endpoint over the whole municipality (no bbox) at zooms 12, 14 and 16 (Athens fills a screen at
about 13), through Django's test client in this process (base settings, DEBUG off, page cache off so every request
runs the query): --repeat requests each (30), after one warm-up; p50/p95 in ms and the body's size (as sent,
before gzip, and gzipped as ``xenagos.compression`` would send it).

    export XENAGOS_PGPORT=54343 SECRET_KEY=x   # your cluster's port
    .venv/bin/python bench/routes_map_1000.py [--routes 1000] [--vertices 200] [--repeat 30]
"""

import argparse
import gzip
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import django_env, local_database_url, manage, recreate_database, with_database  # noqa: E402

DATABASE = "xenagos_bench_routes"
STEP_M = 20.0
ZOOMS = (12, 14, 16)
# a phone (390 x 844 CSS pixels) at street zoom, as gis/routes-layer.js asks from viewFromZoom on: the view padded by
# half its size and widened to whole tiles of the zoom (``view=``)
PHONE_PX = (390, 844)
VIEW_ZOOMS = (14, 16)


def phone_view(*, lon: float, lat: float, zoom: int) -> str:
    """The ``view`` gis/routes-layer.js sends for a phone centred on (lon, lat) at ``zoom`` (morecantile's tiles)."""
    import morecantile

    tms = morecantile.tms.get("WebMercatorQuad")
    centre = tms.xy(lon, lat)
    metres_per_px = tms.matrix(zoom).cellSize  # mercator metres per pixel of a 256-pixel tile
    half_w, half_h = (PHONE_PX[0] * 1.0 * metres_per_px, PHONE_PX[1] * 1.0 * metres_per_px)  # padded by half: 2 x
    west, south = tms.lnglat(centre.x - half_w, centre.y - half_h)
    east, north = tms.lnglat(centre.x + half_w, centre.y + half_h)
    first, last = tms.tile(west, north, zoom), tms.tile(east, south, zoom)
    box_west, _s, _e, box_north = tms.bounds(first)
    _w, box_south, box_east, _n = tms.bounds(last)
    return f"{box_west:.6f},{box_south:.6f},{box_east:.6f},{box_north:.6f}"


def walk(rng: random.Random, start: tuple[float, float], vertices: int) -> list[tuple[float, float]]:
    """A random walk of ``vertices`` vertices STEP_M apart from ``start`` (lon, lat in EPSG:4326 degrees)."""
    lon, lat = start
    heading = rng.uniform(0, 2 * math.pi)
    coords = []
    for _ in range(vertices):
        coords.append((round(lon, 7), round(lat, 7)))
        heading += rng.uniform(-0.5, 0.5)
        lat += STEP_M * math.cos(heading) / 111_320
        lon += STEP_M * math.sin(heading) / (111_320 * math.cos(math.radians(lat)))
    return coords


def add_routes(*, first: int, count: int, vertices: int) -> None:
    """Routes ``first`` .. ``first + count - 1`` of Athens, each with a live Greek page."""
    from django.contrib.gis.geos import LineString, MultiLineString
    from django.db import connection

    from content.models import PlaceIndexPage, RoutePage
    from gis.models import Municipality, Route

    athens = Municipality.objects.get(slug="athens")
    root = athens.branding.site.root_page
    index = PlaceIndexPage.objects.get(locale__language_code="el", path__startswith=root.path, depth=root.depth + 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(g), ST_Y(g) FROM ST_Dump(ST_GeneratePoints(%s::geometry, %s, %s)) AS d(path, g)",
            [athens.boundary.ewkt, count, 14 + first],
        )
        starts = cursor.fetchall()
    rng = random.Random(first)  # noqa: S311 (benchmark input)
    for number, start in enumerate(starts, start=first):
        line = MultiLineString(LineString(walk(rng, start, vertices), srid=4326), srid=4326)
        route = Route.objects.create(municipality=athens, geometry=line, name_el=f"Διαδρομή δοκιμής {number:04d}")
        route.municipalities.set([athens])
        index.add_child(
            instance=RoutePage(
                title=route.name_el, slug=f"bench-{number}", route_record=route, summary="Δοκιμή.", live=True
            )
        )


def measure(client, *, repeat: int, centre: tuple[float, float]) -> dict[str, dict[str, float]]:
    """p50/p95 (ms), features and sizes (bytes) of the endpoint at each of ZOOMS over the whole town, and at each of
    VIEW_ZOOMS for a phone's view centred on ``centre`` (lon, lat)."""
    figures = {}
    urls = {f"{zoom}": f"/el/map/routes/?zoom={zoom}" for zoom in ZOOMS}
    for zoom in VIEW_ZOOMS:
        view = phone_view(lon=centre[0], lat=centre[1], zoom=zoom)
        urls[f"{zoom} phone"] = f"/el/map/routes/?zoom={zoom}&view={view}"
    for zoom, url in urls.items():
        client.get(url, HTTP_HOST="athens.localhost")  # warm-up
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            response = client.get(url, HTTP_HOST="athens.localhost")
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
        body = response.content
        import json

        figures[zoom] = {
            "features": len(json.loads(body)["features"]),
            "p50": statistics.median(times),
            "p95": statistics.quantiles(times, n=20)[18],
            "bytes": len(body),
            "gzip": len(gzip.compress(body, 6)),
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--routes", type=int, default=1000)
    parser.add_argument("--vertices", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL") or local_database_url()
    url = recreate_database(base_url, DATABASE)
    env = {**django_env(url), "XENAGOS_PAGE_CACHE_SECONDS": "0"}
    try:
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "load_demo", "--verbosity", "0")
        os.environ.update(env)
        import django

        django.setup()
        from django.test import Client

        client = Client()
        from gis.models import Municipality

        point = Municipality.objects.get(slug="athens").boundary.point_on_surface
        centre = (point.x, point.y)
        print(f"phone views centred on {centre[1]:.5f} N, {centre[0]:.5f} E (a point inside Athens, PostGIS)")
        print(f"load before: {Path('/proc/loadavg').read_text().strip()}")
        add_routes(first=0, count=10, vertices=args.vertices)
        small = measure(client, repeat=args.repeat, centre=centre)
        began = time.perf_counter()
        add_routes(first=10, count=args.routes - 10, vertices=args.vertices)
        print(f"made {args.routes - 10} more routes and pages in {time.perf_counter() - began:.0f} s")
        large = measure(client, repeat=args.repeat, centre=centre)
        print(f"load after: {Path('/proc/loadavg').read_text().strip()}")
        print(f"routes: random walks of {args.vertices} vertices, {STEP_M:.0f} m apart, from points inside Athens")
        header = "      zoom  routes  features    p50 ms    p95 ms      bytes   gzip bytes"
        print(header)
        for zoom in small:
            for count, figures in ((10, small), (args.routes, large)):
                f = figures[zoom]
                print(
                    f"{zoom:>10}  {count:>6}  {f['features']:>8}  {f['p50']:>8.1f}  {f['p95']:>8.1f}"
                    f"  {f['bytes']:>9}  {f['gzip']:>11}"
                )
            ratio_p95 = large[zoom]["p95"] / small[zoom]["p95"]
            ratio_size = large[zoom]["bytes"] / small[zoom]["bytes"]
            print(f"      ratio {args.routes}/10: p95 {ratio_p95:.1f} x, size {ratio_size:.1f} x (target <= 2 x)")
    finally:
        from django.db import connections

        connections.close_all()
        import psycopg

        with psycopg.connect(with_database(base_url, "postgres"), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


if __name__ == "__main__":
    main()
