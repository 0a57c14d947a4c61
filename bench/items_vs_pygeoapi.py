"""Benchmark: OGC API - Features items requests per second — Xenagos vs pygeoapi serving the same PostGIS table.

Data: the jittered Pleiades places of bench/export_vs_ogr2ogr.py in a throwaway database (created on
DATABASE_URL's cluster, dropped at the end). pygeoapi (its PostgreSQL provider on table xgis_place) is installed
into its own virtual environment under var/bench/pygeoapi-venv — not a project dependency. Both are served by
gunicorn with the same number of sync workers and driven by the same load generator (wrk, Debian package) with the
same bbox, limit and connections. Prints both rates and their ratio (target ≥ 1.0). Never pass/fail.

The raw limit: the SQL statements that our items endpoint runs for that request (the page of features and
numberMatched), read at run time from the endpoint itself (Django's test client in a child process, queries
captured with CaptureQueriesContext, those on the places' tables kept), replayed by PostgreSQL's ``pgbench``
(``-f`` script, ``-c`` the same connections, ``-j 2`` threads like wrk's, ``-T`` the same seconds, ``-n``) on the
same table: one pgbench transaction = one items request's SQL. Prints our items rate / pgbench's (target ≥ 0.5).

    export SECRET_KEY=x DATABASE_URL=$(scripts/pg.sh url)
    .venv/bin/python bench/items_vs_pygeoapi.py [--points 500000] [--workers 2] [--seconds 15]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from export_vs_ogr2ogr import ROOT, bench_database, django_env, free_port, gunicorn, out, seed

VENV = ROOT / "var" / "bench" / "pygeoapi-venv"
BBOX = "23.60,37.90,23.80,38.10"  # around Athens
LIMIT = 100


def pygeoapi_venv() -> Path:
    """The throwaway virtual environment with pygeoapi (made on first use)."""
    python = VENV / "bin" / "python"
    if not (VENV / "bin" / "pygeoapi").exists():
        out("installing pygeoapi into var/bench/pygeoapi-venv …")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "-q",
                "pygeoapi",
                "psycopg2-binary",
                "SQLAlchemy",
                "GeoAlchemy2",
                "gunicorn",
            ],
            check=True,
        )
    return python


def pygeoapi_config(url: str, port: int, workdir: Path) -> tuple[Path, Path]:
    """pygeoapi's configuration (one collection: table xgis_place) and its generated OpenAPI document."""
    parts = urlsplit(url)
    config = {
        "server": {
            "bind": {"host": "127.0.0.1", "port": port},
            "url": f"http://127.0.0.1:{port}",
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "languages": ["en-US"],
            "cors": False,  # flask-cors is not installed; CORS does not matter to the load generator
            "pretty_print": False,
            "limits": {"default_items": LIMIT, "max_items": 10000},
            "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": "OpenStreetMap"},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {
                "title": "bench",
                "description": "bench",
                "keywords": ["bench"],
                "keywords_type": "theme",
                "terms_of_service": "https://example.org",
                "url": "https://example.org",
            },
            "license": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
            "provider": {"name": "bench", "url": "https://example.org"},
            "contact": {"name": "bench", "email": "bench@example.org"},
        },
        "resources": {
            "places": {
                "type": "collection",
                "title": "Places",
                "description": "Places",
                "keywords": ["places"],
                "links": [],
                "extents": {
                    "spatial": {"bbox": [19, 34, 30, 42.5], "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}
                },
                "providers": [
                    {
                        "type": "feature",
                        "name": "PostgreSQL",
                        "data": {
                            "host": parts.hostname,
                            "port": parts.port or 5432,
                            "dbname": parts.path.lstrip("/"),
                            "user": parts.username,
                            "password": parts.password,
                            "search_path": ["public"],
                        },
                        "id_field": "id",
                        "table": "xgis_place",
                        "geom_field": "location",
                    }
                ],
            }
        },
    }
    config_path = workdir / "pygeoapi.yml"
    config_path.write_text(json.dumps(config))  # JSON is YAML
    openapi = workdir / "pygeoapi-openapi.yml"
    subprocess.run(
        [str(VENV / "bin" / "pygeoapi"), "openapi", "generate", str(config_path), "--output-file", str(openapi)],
        check=True,
        capture_output=True,
    )
    return config_path, openapi


@contextmanager
def pygeoapi_server(url: str, workers: int, workdir: Path):
    """pygeoapi's Flask app under gunicorn; yields its base URL."""
    port = free_port()
    config, openapi = pygeoapi_config(url, port, workdir)
    env = {"PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi), "PATH": f"{VENV / 'bin'}:/usr/bin:/bin"}
    process = subprocess.Popen(
        [
            str(VENV / "bin" / "gunicorn"),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "pygeoapi.flask_app:APP",
        ],
        env=env,
        cwd=workdir,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/conformance?f=json", timeout=2):  # noqa: S310 (local)
                    break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def check(url: str) -> int:
    """Fetch once: the page must be a FeatureCollection of LIMIT features; returns numberMatched."""
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (local)
        data = json.loads(response.read())
    assert data["type"] == "FeatureCollection" and len(data["features"]) == LIMIT, (url, len(data["features"]))
    return data.get("numberMatched", -1)


def wrk(url: str, seconds: int, connections: int) -> float:
    """Requests per second that wrk measures (2 threads)."""
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    )
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    assert not errors, result.stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


# (Child process, on the benchmark database) the SQL that the items endpoint runs for the request in argv[1]:
# every statement on the places' tables, with its parameters bound, as a pgbench script (one per line set).
ITEMS_SQL = """
import json, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from gis.models import Place
with CaptureQueriesContext(connection) as captured:
    response = Client().get(sys.argv[1])
assert response.status_code == 200, response.status_code
table = Place._meta.db_table
print(json.dumps([query["sql"] for query in captured.captured_queries if table in query["sql"]]))
"""


def pgbench_path() -> str:
    """pgbench (Debian's postgresql-client), on PATH or in /usr/lib/postgresql/*/bin."""
    found = shutil.which("pgbench") or next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))), None)
    if not found:
        sys.exit("pgbench is needed: apt-get install postgresql-client (scripts/system-deps.sh)")
    return str(found)


def items_statements(url: str, path: str) -> list[str]:
    """The SQL statements (parameters bound) that our items endpoint runs for ``path``, read from the endpoint."""
    env = {**django_env(url), "ALLOWED_HOSTS": "*"}
    result = subprocess.run(
        [sys.executable, "-c", ITEMS_SQL, path], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def pgbench(url: str, statements: list[str], *, seconds: int, connections: int, workdir: Path) -> float:
    """Transactions per second of pgbench replaying ``statements`` (one transaction: all of them), no vacuum."""
    script = workdir / "items.pgbench.sql"
    script.write_text("".join(statement.rstrip().rstrip(";") + ";\n" for statement in statements))
    parts = urlsplit(url)
    env = {**os.environ, "PGPASSWORD": parts.password or ""}
    command = [
        pgbench_path(), "-n", "-f", str(script), "-c", str(connections), "-j", "2", "-T", str(seconds),
        "-h", parts.hostname or "localhost", "-p", str(parts.port or 5432), "-U", parts.username or "",
        parts.path.lstrip("/"),
    ]  # fmt: skip
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    failed = re.search(r"number of failed transactions: (\d+)", result.stdout)
    assert not failed or failed.group(1) == "0", result.stdout
    return float(re.search(r"tps = ([\d.]+)", result.stdout).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=500_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    pygeoapi_venv()
    query = f"bbox={BBOX}&limit={LIMIT}&f=json"
    with bench_database() as url:
        seed(url, args.points)
        workdir = ROOT / "var" / "bench"
        with gunicorn(url, workers=args.workers) as (base, _master):
            target = f"{base}/api/features/collections/places/items?{query}"
            matched = check(target)
            wrk(target, 3, args.connections)  # warm-up
            ours = wrk(target, args.seconds, args.connections)
        statements = items_statements(url, f"/api/features/collections/places/items?{query}")
        pgbench(url, statements, seconds=3, connections=args.connections, workdir=workdir)  # warm-up
        raw = pgbench(url, statements, seconds=args.seconds, connections=args.connections, workdir=workdir)
        with pygeoapi_server(url, args.workers, workdir) as base:
            target = f"{base}/collections/places/items?{query}"
            peer_matched = check(target)
            wrk(target, 3, args.connections)
            peer = wrk(target, args.seconds, args.connections)
    out(
        f"bbox {BBOX}, limit {LIMIT}: numberMatched ours {matched:,}, pygeoapi {peer_matched:,}; "
        f"{args.workers} gunicorn workers each, wrk -t2 -c{args.connections} -d{args.seconds}s"
    )
    out(f"ours {ours:,.1f} req/s, pygeoapi {peer:,.1f} req/s -> ours is {ours / peer:.2f}x pygeoapi (target >= 1.0x)")
    shapes = ", ".join(f"{statement.split()[0]} of {len(statement):,} characters" for statement in statements)
    out(
        f"raw limit: pgbench -c{args.connections} -j2 -T{args.seconds} replaying the endpoint's "
        f"{len(statements)} SQL statements ({shapes}): {raw:,.1f} tps "
        f"-> ours is {ours / raw:.2f}x the raw limit (target >= 0.5x)"
    )


if __name__ == "__main__":
    main()
