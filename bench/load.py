"""Benchmark: public pages under load — requests/s, p50/p99 latency, errors and timeouts for the home page, the map
page, a place page, the map data endpoint and the OGC API items endpoint, beside a static file served by the same
gunicorn (WhiteNoise: the ceiling), at 16 and 64 connections.

The server is what `make run` starts: gunicorn with 2 workers x 4 threads, base settings, DEBUG off, on a loopback
port, against a throw-away database made on DATABASE_URL's cluster and loaded with the demo (dropped at the end).
Load comes from wrk (Debian: apt-get install wrk), one thread, bounded by --seconds per URL and level, with wrk's
default 2 s timeout (a slower answer counts as a timeout). The target: place and home pages at least half the
static file's rate, and no error or timeout at 64 connections. Prints the figures and each page's ratio to the
static file; decides nothing.

    export SECRET_KEY=x DATABASE_URL=$(scripts/pg.sh url)
    .venv/bin/python bench/load.py [--seconds 10] [--connections 16,64] [--page-cache on|off] [--cache file|db]
        [--memory-only]

``--page-cache off`` measures the same server without the page cache; ``--cache db`` uses Django's database cache
instead of the file cache; ``--root DIR`` serves another checkout with this one's virtual environment, e.g. the
commit before the page cache for before/after figures (``git archive COMMIT | tar -x -C DIR``, and a link to
this checkout's node_modules in DIR).
"""

import argparse
import contextlib
import itertools
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import PYTHON, ROOT, VAR, free_port, recreate_database, with_database
from common import wrk as common_wrk

HOST = "athens.localhost"
BBOX = "23.70,37.96,23.76,38.00"  # central Athens
TARGETS = [
    ("static file (ceiling)", "/static/xenagos/css/site.css"),
    ("home page", "/el/"),
    ("map page", "/el/map/"),
    ("place page", "/el/places/akropoli-athinon/"),
    ("map data", f"/el/map/places/?bbox={BBOX}&zoom=15"),
    ("OGC items", f"/api/features/collections/places/items?bbox={BBOX}&limit=100"),
]
PAGES = [(label, path) for label, path in TARGETS if not label.startswith("static")]
MEMORY_REQUESTS = 1_000
MEMORY_TARGET_MB = 150
READY = VAR / "load-workers"  # each gunicorn worker writes its pid here once it has loaded the application
ROW = "{:>4}  {:<22} {:>8} {:>8} {:>8} {:>8} {:>7} {:>6} {:>8} {:>8}"


def out(text: str) -> None:
    """Progress and results on stdout."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def bench_env(database_url: str, *, page_cache: bool, cache: str, root: Path) -> dict[str, str]:
    """Environment of manage.py and gunicorn: base settings (as `make run`) on the benchmark database."""
    cache_dir = VAR / "load-cache"
    shutil.rmtree(cache_dir, ignore_errors=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "xenagos.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only"),
        "ALLOWED_HOSTS": "*",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(VAR / "load-static"),
        "MEDIA_ROOT": str(VAR / "load-media"),
        "XENAGOS_PAGE_CACHE_SECONDS": "600" if page_cache else "0",
        "CACHE_URL": "db://xenagos_bench_cache" if cache == "db" else (cache_dir / "default").as_uri(),
        "PYTHONPATH": f"{root}:{root / 'site'}",  # before the editable install of this checkout
        "XENAGOS_BENCH_ROOT": str(root),
    }
    return env


def manage(env: dict[str, str], *args: str) -> None:
    """Run a management command on the benchmark database."""
    root = Path(env["XENAGOS_BENCH_ROOT"])
    subprocess.run([str(PYTHON), str(root / "manage.py"), *args], env=env, check=True, cwd=root)


@contextlib.contextmanager
def demo_database():
    """A fresh database with the demo on DATABASE_URL's cluster; dropped afterwards. Yields its URL."""
    base = os.environ["DATABASE_URL"]
    name = f"xenagos_load_{os.getpid()}"
    url = recreate_database(base, name)
    try:
        yield url
    finally:
        import psycopg

        with psycopg.connect(with_database(base, "postgres"), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        out(f"dropped database {name}")


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, memory: dict[int, list[float]]):
    """gunicorn as `make run` starts it (2 workers x 4 threads) on a loopback port; yields its base URL. Each
    worker's memory right after it loaded the application, before any request, is put in ``memory`` (pid -> MB)."""
    port = free_port()
    log = VAR / "load-gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(READY, ignore_errors=True)
    READY.mkdir(parents=True)
    with log.open("w") as stream:
        process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "--config",
                str(ROOT / "bench" / "gunicorn_ready.py"),
                "xenagos.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--log-level",
                "warning",
            ],
            env={**env, "XENAGOS_BENCH_READY_DIR": str(READY)},
            cwd=env["XENAGOS_BENCH_ROOT"],
            stdout=stream,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while len(list(READY.iterdir())) < 2:  # both workers have loaded the application; none has had a request
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"gunicorn did not start; see {log}")
            time.sleep(0.1)
        for ready in READY.iterdir():
            memory[int(ready.name)] = [rss_mb(int(ready.name))]
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310 (loopback)
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"gunicorn did not start; see {log}")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB (VmRSS in /proc/<pid>/status)."""
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def requests_spread(base: str, *, count: int) -> None:
    """``count`` GETs over the public pages in turn, eight at a time (so both workers serve some); each must be 200."""

    def get(path: str) -> None:
        request = urllib.request.Request(base + path, headers={"Host": HOST})  # noqa: S310 (loopback)
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback)
            response.read()
            if response.status != 200:
                sys.exit(f"{path}: HTTP {response.status}")

    paths = itertools.islice(itertools.cycle(path for _label, path in PAGES), count)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(get, paths))


def memory_report(memory: dict[int, list[float]], stages: list[str]) -> None:
    """Each worker's memory at each of ``stages``, beside the target."""
    out(f"\nweb worker memory (VmRSS, MB; target ≤ {MEMORY_TARGET_MB} MB after {MEMORY_REQUESTS:,} requests)")
    out("  worker  " + "".join(f"{stage:>26}" for stage in stages))
    for pid, figures in sorted(memory.items()):
        out(f"  {pid:>6}  " + "".join(f"{figure:>26.1f}" for figure in figures))


def check(base: str, path: str) -> None:
    """One GET must answer 200 before the URL is measured."""
    request = urllib.request.Request(base + path, headers={"Host": HOST})  # noqa: S310 (loopback)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        if response.status != 200:
            sys.exit(f"{path}: HTTP {response.status}")


def drain(base: str) -> None:
    """Wait (at most 60 s) until the server has finished what an earlier run left queued: requests whose client
    wrk already closed are still rendered, and would slow the next measurement."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        started = time.monotonic()
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(base + "/static/xenagos/css/site.css", timeout=10):  # noqa: S310 (loopback)
                pass
            if time.monotonic() - started < 0.05:
                return
        time.sleep(0.5)


def wrk(url: str, *, connections: int, seconds: int) -> dict:
    """common.wrk on ``url`` with the demo's Host header."""
    return common_wrk(url, connections=connections, seconds=seconds, host=HOST)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="per URL and connection level (default 10)")
    parser.add_argument("--connections", default="16,64", help="comma-separated levels (default 16,64)")
    parser.add_argument("--page-cache", choices=["on", "off"], default="on")
    parser.add_argument("--cache", choices=["file", "db"], default="file", help="the cache backend (default file)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve (default: this one)")
    parser.add_argument("--memory-only", action="store_true", help="stop after the memory figures (no wrk runs)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed for this benchmark: apt-get install wrk")
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL (export DATABASE_URL=$(scripts/pg.sh url)).")
    levels = [int(level) for level in args.connections.split(",")]
    with demo_database() as url:
        env = bench_env(url, page_cache=args.page_cache == "on", cache=args.cache, root=args.root.resolve())
        out("migrating, collecting static files and loading the demo …")
        if args.cache == "db":
            manage(env, "createcachetable")  # before migrate: its writes already invalidate the page cache
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        manage(env, "load_demo")
        rows = []
        memory: dict[int, list[float]] = {}
        stages = ["at start-up", f"after {MEMORY_REQUESTS:,} requests"]
        with gunicorn(env, memory=memory) as base:
            requests_spread(base, count=MEMORY_REQUESTS)
            for pid, figures in memory.items():
                figures.append(rss_mb(pid))
            if args.memory_only:
                memory_report(memory, stages)
                return
            for _label, path in TARGETS:
                check(base, path)
                wrk(base + path, connections=4, seconds=1)  # warm-up: connections, caches, the first render
            for connections in levels:
                for label, path in TARGETS:
                    drain(base)
                    result = wrk(base + path, connections=connections, seconds=args.seconds)
                    rows.append((connections, label, result))
                    out(f"  {connections:>3} conn  {label:<22} {result['rps']:8.1f} req/s")
            for pid, figures in memory.items():
                figures.append(rss_mb(pid))
            stages.append("after the load runs")
    page_cache = f"page cache {args.page_cache}" + (f" ({args.cache} cache)" if args.page_cache == "on" else "")
    if args.root.resolve() != ROOT.resolve():
        page_cache = f"serving {args.root.resolve()} (its own page cache, if it has one)"
    out(f"\n{page_cache}; gunicorn 2 workers x 4 threads; wrk -t1 -d{args.seconds}s, 2 s timeout")
    out(ROW.format("conn", "URL", "answered", "req/s", "p50 ms", "p99 ms", "non-2xx", "errors", "timeouts", "x static"))
    static = {connections: result["rps"] for connections, label, result in rows if label.startswith("static")}
    for connections, label, result in rows:
        ratio = result["rps"] / static[connections] if static.get(connections) else float("nan")
        latency = (f"{result['p50_ms']:.1f}", f"{result['p99_ms']:.1f}") if result["requests"] else ("-", "-")
        figures = (result["requests"], f"{result['rps']:.1f}", *latency)
        errors = (result["non_2xx"], result["socket_errors"], result["timeouts"])
        out(ROW.format(connections, label, *figures, *errors, f"{ratio:.2f}"))
    out("target: home and place pages ≥ 0.50 × static; 0 errors and 0 timeouts at 64 connections")
    memory_report(memory, stages)


if __name__ == "__main__":
    main()
