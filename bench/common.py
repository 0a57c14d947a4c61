"""Shared plumbing for the benchmark scripts: a throw-away benchmark database on the project's PostgreSQL,
servers started and stopped around a measurement, and wrk runs that report p50/p95 and requests/s.

Benchmarks are not tests: they print our figure, the peer's figure and the ratio, and decide nothing.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "bench"
PYTHON = ROOT / ".venv" / "bin" / "python"


def local_database_url() -> str:
    """The project-local cluster's URL (scripts/pg.sh starts it when needed)."""
    subprocess.run([ROOT / "scripts" / "pg.sh", "start"], check=True)
    return subprocess.run(
        [ROOT / "scripts" / "pg.sh", "url"], check=True, capture_output=True, text=True
    ).stdout.strip()


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` instead."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(url: str, name: str) -> str:
    """Drop and create database ``name`` on the server of ``url``; returns its URL."""
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return with_database(url, name)


def drop_database(url: str, name: str) -> None:
    """Close this process's Django connections and drop database ``name`` on the server of ``url``."""
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def django_env(database_url: str, settings: str = "xenagos.settings.base") -> dict[str, str]:
    """Environment for manage.py / gunicorn on the benchmark database."""
    secret = (ROOT / "var" / "secret_key").read_text().strip() if (ROOT / "var" / "secret_key").exists() else "bench"
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings,
        "SECRET_KEY": os.environ.get("SECRET_KEY", secret),
        "ALLOWED_HOSTS": "*",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, ROOT / "manage.py", *args], env=env, check=True, cwd=ROOT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def server(command: list[str], *, env: dict[str, str], port: int, ready_path: str, log: Path):
    """Run ``command`` (listening on ``port``) until the block ends; waits until ``ready_path`` answers 200."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start; see {log}")
            time.sleep(0.3)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


WRK_DONE = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %f\\n", latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.requests, summary.duration / 1e6))
  io.write(string.format("ERRORS %d %d %d\\n", summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout))
end
"""
# wrk's Lua: a GET of the URL (with the Host header in WRK_HOST, if set), and the summary that wrk() parses.
WRK_SCRIPT = (
    """
local host = os.getenv("WRK_HOST")
request = function()
  return wrk.format("GET", nil, host and {["Host"] = host} or nil)
end
"""
    + WRK_DONE
)


def wrk(url: str, *, connections: int, seconds: int, host: str | None = None, script: str = WRK_SCRIPT) -> dict:
    """Drive ``url`` with wrk (one thread); returns p50/p95/p99 latency (ms), requests/s, non-2xx/3xx answers,
    socket errors and timeouts. A custom ``script`` defines its own ``request`` and ends with WRK_DONE."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed for this benchmark: apt-get install wrk")
    VAR.mkdir(parents=True, exist_ok=True)
    lua = VAR / "wrk.lua"
    lua.write_text(script)
    env = {**os.environ, **({"WRK_HOST": host} if host else {})}
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(lua), url],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = next(line for line in output.splitlines() if line.startswith("RESULT")).split()
    errors = next(line for line in output.splitlines() if line.startswith("ERRORS")).split()
    p50_us, p95_us, p99_us, requests = int(result[1]), int(result[2]), int(result[3]), int(result[4])
    return {
        "p50_ms": p50_us / 1000,
        "p95_ms": p95_us / 1000,
        "p99_ms": p99_us / 1000,
        "rps": requests / float(result[5]),
        "requests": requests,
        "non_2xx": int(errors[1]),
        "socket_errors": int(errors[2]),
        "timeouts": int(errors[3]),
    }


@contextlib.contextmanager
def django_bench_database(name: str):
    """A throw-away database ``name`` on the project's cluster (dropped and created, migrated), with Django set up
    on it in this process; dropped again afterwards, whatever happens. Never the dev or the test database."""
    base_url = local_database_url()
    env = django_env(recreate_database(base_url, name))
    try:
        manage(env, "migrate", "--verbosity", "0")
        os.environ.update({key: env[key] for key in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY")})
        import django

        django.setup()
        yield
    finally:
        drop_database(base_url, name)


def bench_municipality(*, code: str, slug: str):
    """A municipality made from the tests' Kastoria boundary (far from the demo's), in the Django database set up."""
    import json

    from django.contrib.gis.geos import GEOSGeometry, MultiPolygon

    from gis.models import Municipality

    path = ROOT / "tests" / "importers" / "data" / "kallikratis_kastoria.geojson"
    boundary = GEOSGeometry(json.dumps(json.loads(path.read_text())["features"][0]["geometry"]), srid=4326)
    return Municipality.objects.create(
        code=code,
        slug=slug,
        name_el="Δήμος",
        name_en="Bench",
        boundary=MultiPolygon(boundary, srid=4326) if boundary.geom_type == "Polygon" else boundary,
    )
