"""Benchmark: export places to GeoJSON — Xenagos' streamed download vs GDAL's ogr2ogr reading the same PostGIS table.

The points are the real Pleiades places in Greece (/work/shared/data/places/pleiades_in_greece.geojson, 3,256
points) repeated and jittered by up to ±0.01° to reach the wanted count, each with Greek and English texts, a
category and one or two periods. Everything happens in a throwaway database created on the cluster named by
DATABASE_URL (``xenagos_bench_<pid>``) and dropped at the end — never the dev or the test database.

Ours: gunicorn (1 sync worker, base settings) serves /api/features/collections/places/download.geojson and the
file is fetched over HTTP: first "cold", right after the places were added in SQL (features are built as they
stream and storing them is queued, as after an import; see gis/api/feature_cache.py), then the task worker
(`manage.py db_worker`, as `make run` starts it) stores them, then "warm" (best of two). The web worker's peak
resident memory (VmHWM) is read from /proc after 50,000 and after 500,000 points, each in a fresh server.
Peer: ``ogr2ogr -f GeoJSON -lco RFC7946=YES`` from ``PG:`` on table xgis_place. Prints the times, the warm and
cold ratios (target ≥ 5×) and the memory ratio (target ≤ 1.2). Never pass/fail.

    export SECRET_KEY=x DATABASE_URL=$(scripts/pg.sh url)
    .venv/bin/python bench/export_vs_ogr2ogr.py [--points 500000] [--small 50000]
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PLEIADES = Path("/work/shared/data/places/pleiades_in_greece.geojson")
JITTER_DEG = 0.01


def out(text: str) -> None:
    """Progress and results on stdout."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def database_url(base: str, name: str) -> str:
    """``base`` with its database replaced by ``name``."""
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def bench_database():
    """A fresh database on DATABASE_URL's cluster, migrated; dropped afterwards. Yields its URL."""
    base = os.environ["DATABASE_URL"]
    name = f"xenagos_bench_{os.getpid()}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = database_url(base, name)
    try:
        out(f"created database {name}; migrating…")
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
            env=django_env(url),
            check=True,
            cwd=ROOT,
        )
        yield url
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        out(f"dropped database {name}")


def django_env(url: str) -> dict:
    """Environment of a Django process on the benchmark database (base settings, DEBUG off)."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "xenagos.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only"),
        "LOG_LEVEL": "WARNING",
    }


def seed(url: str, count: int) -> None:
    """Add ``count`` jittered Pleiades places (with texts, category, periods) in a child Django process."""
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--seed", str(count)], env=django_env(url), check=True, cwd=ROOT)
    out(f"seeded {count:,} places in {time.perf_counter() - started:.1f} s")


def seed_here(count: int) -> None:
    """(Child process) the seeding itself, through Django's connection."""
    import django

    django.setup()
    from django.contrib.gis.geos import MultiPolygon, Polygon
    from django.db import connection, transaction

    from gis.models import Category, Municipality, Period
    from gis.services import dataset_upsert, vocabularies_ensure

    points = [
        (
            index,
            *feature["geometry"]["coordinates"],
            feature["properties"]["title"],
            feature["properties"]["pleiades_id"],
        )
        for index, feature in enumerate(json.loads(PLEIADES.read_text())["features"])
    ]
    with transaction.atomic():
        vocabularies_ensure()
        greece = MultiPolygon(Polygon.from_bbox((19.0, 34.0, 30.0, 42.5)), srid=4326)
        municipality, _ = Municipality.objects.get_or_create(
            code="bench", defaults={"slug": "greece", "name_el": "Ελλάδα", "name_en": "Greece", "boundary": greece}
        )
        dataset = dataset_upsert(
            slug="pleiades-jittered",
            title="Pleiades places in Greece, jittered (benchmark)",
            licence="CC BY 3.0",
            attribution="Pleiades",
            source_url="https://pleiades.stoa.org/",
        )
        categories = list(Category.objects.filter(locale__language_code="el").values_list("id", flat=True))
        periods = list(Period.objects.filter(locale__language_code="el").values_list("id", flat=True))
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE src (n int, lon float8, lat float8, title text, pid text) ON COMMIT DROP")
            cursor.executemany("INSERT INTO src VALUES (%s, %s, %s, %s, %s)", points)
            cursor.execute("SELECT COALESCE(max(id), 0) FROM xgis_place")
            (before,) = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM xgis_place")
            (existing,) = cursor.fetchone()
            cursor.execute(
                """
                INSERT INTO xgis_place (uid, location, name_el, name_en, step_free, wikidata, pleiades, source_id,
                    source_attributes, withdrawn, created_at, updated_at, category_id, dataset_id, municipality_id)
                SELECT gen_random_uuid(),
                       ST_SetSRID(ST_MakePoint(s.lon + (random() - 0.5) * 2 * %(j)s,
                                               s.lat + (random() - 0.5) * 2 * %(j)s), 4326),
                       s.title || ' ' || i, s.title || ' ' || i, '', '', s.pid, 'b' || i, '{}', false, now(), now(),
                       (%(categories)s::bigint[])[1 + i %% %(nc)s], %(dataset)s, %(municipality)s
                FROM generate_series(%(first)s, %(last)s) i JOIN src s ON s.n = i %% %(np)s
                """,
                {
                    "j": JITTER_DEG,
                    "categories": categories,
                    "nc": len(categories),
                    "dataset": dataset.pk,
                    "municipality": municipality.pk,
                    "first": existing + 1,
                    "last": existing + count,
                    "np": len(points),
                },
            )
            cursor.execute(
                """INSERT INTO xgis_placetext (place_id, language, name, summary, url, image_url, image_alt, from_page)
                SELECT id, l, CASE WHEN l = 'el' THEN name_el ELSE name_en END, '', '', '', '', false
                FROM xgis_place, (VALUES ('el'), ('en')) v(l) WHERE id > %s""",
                [before],
            )
            cursor.execute(
                """INSERT INTO xgis_place_periods (place_id, period_id)
                SELECT id, (%(p)s::bigint[])[1 + id %% %(n)s] FROM xgis_place WHERE id > %(before)s
                UNION ALL
                SELECT id, (%(p)s::bigint[])[1 + (id + 3) %% %(n)s] FROM xgis_place
                WHERE id > %(before)s AND id %% 3 = 0""",
                {"p": periods, "n": len(periods), "before": before},
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(url: str, *, workers: int = 1, port: int | None = None):
    """Xenagos under gunicorn on the benchmark database; yields (base URL, master pid)."""
    port = port or free_port()
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "900",
            "--log-level",
            "warning",
            "xenagos.wsgi:application",
        ],
        env=django_env(url),
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310 (local)
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def workers_of(master: int) -> list[int]:
    """Pids of a gunicorn master's workers."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def peak_rss_mib(pid: int) -> float:
    """A process's peak resident set size (VmHWM), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def fetch(url: str, target: Path) -> float:
    """Download ``url`` to ``target``; seconds taken."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=900) as response, target.open("wb") as file:  # noqa: S310 (local)
        shutil.copyfileobj(response, file, 1 << 20)
    return time.perf_counter() - started


def missing_features(url: str) -> int:
    """Published places without a stored Greek feature (the download's cache, gis.PlaceFeature)."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM xgis_place WHERE NOT withdrawn AND municipality_id IS NOT NULL)"
            " - (SELECT count(*) FROM xgis_placefeature WHERE language = 'el')"
        ).fetchone()[0]


def ours(url: str, workdir: Path, runs: int = 2) -> tuple[float, float, float, float, int]:
    """Downloads of the places collection as GeoJSON from a fresh server with its task worker, as `make run` has:
    the first download (cold: the new places' features are built as they stream, and their storing is queued),
    how long the worker took to store them, the best of ``runs`` downloads after that (warm), the web worker's
    peak RSS and the file's size."""
    target = workdir / "ours.geojson"
    address = "/api/features/collections/places/download.geojson"
    with gunicorn(url) as (base, master):
        cold = fetch(base + address, target)
        started = time.perf_counter()
        worker = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "db_worker", "--batch", "--no-startup-delay", "-v", "0"],
            env=django_env(url),
            cwd=ROOT,
        )
        worker.wait()
        fill = time.perf_counter() - started
        assert missing_features(url) == 0, "the task worker did not fill the feature cache"
        warm = min(fetch(base + address, target) for _ in range(runs))
        [web] = workers_of(master)
        peak = peak_rss_mib(web)
    with target.open("rb") as file:
        file.seek(-200, os.SEEK_END)
        assert file.read().rstrip().endswith(b"]}"), "incomplete GeoJSON"
    return cold, fill, warm, peak, target.stat().st_size


def ogr2ogr(url: str, workdir: Path, runs: int = 2) -> tuple[float, int]:
    """Best time of ``runs`` ogr2ogr exports of table xgis_place to RFC 7946 GeoJSON, and the file size."""
    parts = urlsplit(url)
    pg = (
        f"PG:host={parts.hostname} port={parts.port or 5432} dbname={parts.path.lstrip('/')} "
        f"user={parts.username} password={parts.password}"
    )
    target = workdir / "ogr2ogr.geojson"
    times = []
    for _ in range(runs):
        target.unlink(missing_ok=True)
        started = time.perf_counter()
        subprocess.run(
            ["ogr2ogr", "-f", "GeoJSON", "-lco", "RFC7946=YES", str(target), pg, "xgis_place"],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - started)
    return min(times), target.stat().st_size


def count_features(path: Path) -> int:
    """Features in a GeoJSON file (one per line in both outputs: cheap to count)."""
    with path.open("rb") as file:
        return sum(1 for line in file if b'"type":"Feature"' in line.replace(b'"type": "Feature"', b'"type":"Feature"'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=500_000)
    parser.add_argument("--small", type=int, default=50_000)
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        seed_here(args.seed)
        return
    with bench_database() as url, tempfile.TemporaryDirectory(prefix="xenagos-bench-") as tmp:
        workdir = Path(tmp)
        seed(url, args.small)
        small_cold, small_fill, small_time, small_peak, _size = ours(url, workdir)
        out(
            f"ours   {args.small:>9,} points: cold {small_cold:6.2f} s, cache fill by the worker {small_fill:6.2f} s,"
            f" warm {small_time:6.2f} s, web worker peak RSS {small_peak:6.1f} MiB"
        )
        seed(url, args.points - args.small)
        big_cold, big_fill, big_time, big_peak, big_size = ours(url, workdir)
        ours_count = count_features(workdir / "ours.geojson")
        out(
            f"ours   {args.points:>9,} points: cold {big_cold:6.2f} s, cache fill by the worker {big_fill:6.2f} s,"
            f" warm {big_time:6.2f} s, web worker peak RSS {big_peak:6.1f} MiB, {big_size / 2**20:.0f} MiB,"
            f" {ours_count:,} features"
        )
        peer_time, peer_size = ogr2ogr(url, workdir)
        peer_count = count_features(workdir / "ogr2ogr.geojson")
        out(
            f"ogr2ogr {args.points:>8,} points: {peer_time:6.2f} s, {peer_size / 2**20:.0f} MiB, "
            f"{peer_count:,} features"
        )
        out("")
        out(
            f"speed: ours {args.points / big_time:,.0f} features/s, ogr2ogr {args.points / peer_time:,.0f} features/s"
            f" -> ours is {peer_time / big_time:.2f}x ogr2ogr (target >= 5x)"
        )
        out(
            f"cold (first download after {args.points - args.small:,} places were added): "
            f"ours is {peer_time / big_cold:.2f}x ogr2ogr"
        )
        out(f"memory: peak at {args.points:,} / peak at {args.small:,} = {big_peak / small_peak:.3f} (target <= 1.2)")


if __name__ == "__main__":
    main()
