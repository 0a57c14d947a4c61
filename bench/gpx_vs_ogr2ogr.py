"""Benchmark: one route's GPX download (ours, over HTTP from gunicorn) against GDAL's ``ogr2ogr -f GPX`` writing
the same line from the same PostGIS table, in the same run.

Not part of the test suite; it decides nothing. Input: one route of N points (10,000 by default) made here: a
walk that starts at Syntagma square, Athens, and turns by a random angle (seeded) every 2 m, with an elevation
per point, so the file carries a track of N points with ``ele``; stored in a throw-away database
``xenagos_bench_gpx`` (dropped and created on the project's cluster, migrated) — never the dev or the test database.

  ours     GET /routes/<uid>.gpx from gunicorn (1 sync worker, base settings): gpxpy writes GPX 1.1 with the
           route's track (elevations), stops and metadata (gis.route_formats). Timed from request to last byte.
  ogr2ogr  ``ogr2ogr -f GPX /vsistdout/ PG:… -sql "SELECT geometry FROM xgis_route WHERE uid = …" -nlt
           MULTILINESTRING -lco FORCE_GPX_TRACK=YES``: the same line, without elevations, stops or metadata
           (GDAL's GPX writer takes 2D lines from PostGIS), process start included, as a user would run it.

Each side runs --repeat times (default 20); the medians are printed with the ratio ogr2ogr seconds / ours
(speed; target >= 1) and both files' sizes.

    export SECRET_KEY=x DATABASE_URL=$(scripts/pg.sh url)   # or let the script start the project's cluster
    .venv/bin/python bench/gpx_vs_ogr2ogr.py [--points 10000] [--repeat 20]
"""

import argparse
import math
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402  (bench/ is not a package)
    PYTHON,
    VAR,
    django_env,
    free_port,
    local_database_url,
    manage,
    recreate_database,
    server,
)

DATABASE = "xenagos_bench_gpx"
START = (23.7348, 37.9755)  # Syntagma square, Athens (lon, lat)
STEP_M = 2.0


def walk(points: int) -> tuple[list[tuple[float, float]], list[float]]:
    """A seeded random walk of ``points`` points, STEP_M apart, from START, with a smooth elevation (m)."""
    rng = random.Random(14)  # noqa: S311 (benchmark input, not security)
    lon, lat = START
    heading = 0.0
    coords, heights = [], []
    for index in range(points):
        coords.append((round(lon, 7), round(lat, 7)))
        heights.append(round(100 + 40 * math.sin(index / 500), 1))
        heading += rng.uniform(-0.3, 0.3)
        lat += STEP_M * math.cos(heading) / 111_320
        lon += STEP_M * math.sin(heading) / (111_320 * math.cos(math.radians(lat)))
    return coords, heights


def seed(url: str, points: int) -> str:
    """The benchmark's municipality (a box around Attica) and route; returns the route's uid."""
    import psycopg
    from psycopg.types.json import Jsonb

    coords, heights = walk(points)
    line = "MULTILINESTRING((" + ",".join(f"{x} {y}" for x, y in coords) + "))"
    with psycopg.connect(url) as connection:
        (municipality,) = connection.execute(
            "INSERT INTO xgis_municipality (code, slug, name_el, name_en, boundary, boundary_source, licence, dem) "
            "VALUES ('bench', 'attica', 'Αττική', 'Attica', "
            "ST_Multi(ST_MakeEnvelope(23.3, 37.6, 24.2, 38.3, 4326)), '', 'CC BY 4.0', '') RETURNING id"
        ).fetchone()
        (uid,) = connection.execute(
            "INSERT INTO xgis_route (uid, municipality_id, geometry, name_el, name_en, mode, circular, difficulty, "
            "step_free, seasons, track_elevations_m, profile, profile_source, profile_partial, suggested_difficulty, "
            "source_id, source_attributes, withdrawn, created_at, updated_at) VALUES (gen_random_uuid(), %s, "
            "ST_GeomFromText(%s, 4326), 'Διαδρομή μετροπρόγραμμα', 'Benchmark walk', 'walk', false, '', '', '{}', "
            "%s, '[]', '', false, '', '', '{}', false, now(), now()) RETURNING uid",
            [municipality, line, Jsonb([heights])],
        ).fetchone()
    return str(uid)


def fetch(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 (our own local server)
        body = response.read()
    return time.perf_counter() - started, len(body)


def ogr2ogr(url: str, uid: str, target: Path) -> float:
    target.unlink(missing_ok=True)
    command = [
        "ogr2ogr", "-f", "GPX", str(target), f"PG:{url}",
        "-sql", f"SELECT geometry FROM xgis_route WHERE uid = '{uid}'",  # our own uuid  # noqa: S608
        "-nlt", "MULTILINESTRING", "-lco", "FORCE_GPX_TRACK=YES",
    ]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def pg_source(url: str) -> str:
    """libpq's key=value form of ``url`` (GDAL's PG: driver reads it)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    fields = {
        "host": parts.hostname,
        "port": parts.port,
        "dbname": parts.path.lstrip("/"),
        "user": parts.username,
        "password": parts.password,
    }
    return " ".join(f"{key}={value}" for key, value in fields.items() if value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL") or local_database_url()
    url = recreate_database(base, DATABASE)
    env = {**django_env(url), "DEBUG": "false"}
    print(f"load before: {Path('/proc/loadavg').read_text().strip()}")
    print(f"benchmark database: {DATABASE} (dropped and created); migrating…", flush=True)
    manage(env, "migrate", "--noinput", "-v", "0")
    uid = seed(url, args.points)
    print(f"input: one route of {args.points:,} points (a seeded random walk from Syntagma, {STEP_M:g} m steps)")
    port = free_port()
    gunicorn = [str(PYTHON.parent / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}", "xenagos.wsgi:application"]
    with server(gunicorn, env=env, port=port, ready_path="/healthz", log=VAR / "gpx_gunicorn.log"):
        address = f"http://127.0.0.1:{port}/routes/{uid}.gpx"
        fetch(address)  # the first request of a worker imports gpxpy and fills caches: not counted
        ours = [fetch(address) for _ in range(args.repeat)]
    target = VAR / "gpx_ogr2ogr.gpx"
    theirs = [ogr2ogr(pg_source(url), uid, target) for _ in range(args.repeat)]
    ours_s = statistics.median(seconds for seconds, _size in ours)
    theirs_s = statistics.median(theirs)
    print(f"ours, GET {address.split(str(port))[1]}: median {ours_s * 1000:.1f} ms over {args.repeat} "
          f"({ours[0][1]:,} bytes: track with elevations, metadata)")  # fmt: skip
    print(f"ogr2ogr -f GPX: median {theirs_s * 1000:.1f} ms over {args.repeat} "
          f"({target.stat().st_size:,} bytes: the line alone)")  # fmt: skip
    print(f"ratio ogr2ogr time / ours (speed): {theirs_s / ours_s:.2f}   (target >= 1)")
    print(f"load after:  {Path('/proc/loadavg').read_text().strip()}")
    recreate_database(base, DATABASE)  # leave it empty


if __name__ == "__main__":
    main()
