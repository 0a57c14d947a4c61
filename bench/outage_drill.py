"""Outage drill against a running `make run`: requests keep coming while the project's PostgreSQL is stopped for
N seconds and started again; prints what visitors got, how fast pages came back and what the logs kept.

    XENAGOS_PGPORT=54329 .venv/bin/python bench/outage_drill.py [--port 8000] [--down 13] [--connections 8]

Loopback only, bounded (a few connections, about 2 x --down seconds in all). The peer figure is the issue's
measurement before this work (a 13 s outage: 1,368 bare 500s, 2,763 tracebacks, a dead worker). Not a test.
"""

import argparse
import collections
import http.client
import os
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "var" / "log"
PATHS = ["/el/", "/en/map/", "/el/map/places/?bbox=23.6,37.9,23.8,38.1&zoom=14", "/api/features/collections"]


def _get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": f"athens.localhost:{port}", "Accept-Language": "el"})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Retry-After") or ""
    except OSError:
        return 0, ""
    finally:
        conn.close()


def main() -> None:
    """Run the drill and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--down", type=float, default=13.0, help="seconds the database stays stopped")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()

    log_sizes = {
        name: (LOG / name).stat().st_size if (LOG / name).exists() else 0 for name in ("server.log", "worker.log")
    }
    results: list[tuple[float, str, int, str]] = []  # (time, phase, status, retry-after)
    phase = ["before"]
    stop = threading.Event()

    def visitor(n: int) -> None:
        i = n
        while not stop.is_set():
            status, retry_after = _get(args.port, PATHS[i % len(PATHS)])
            results.append((time.monotonic(), phase[0], status, retry_after))
            i += 1

    threads = [threading.Thread(target=visitor, args=(n,), daemon=True) for n in range(args.connections)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    phase[0] = "down"  # from the moment the stop begins (pg_ctl -m fast ends the sessions first)
    subprocess.run([str(ROOT / "scripts" / "pg.sh"), "stop"], check=True)
    time.sleep(args.down)
    subprocess.run([str(ROOT / "scripts" / "pg.sh"), "start"], check=True)
    restarted = time.monotonic()
    phase[0] = "after"
    time.sleep(max(5.0, args.down / 2))
    stop.set()
    for thread in threads:
        thread.join(timeout=35)

    by_phase = collections.defaultdict(collections.Counter)
    for _t, name, status, _ra in results:
        by_phase[name][status] += 1
    first_ok = min((t for t, name, status, _ra in results if name == "after" and status == 200), default=None)
    retry_after = sorted({ra for _t, name, status, ra in results if status == 503})
    print(f"requests: {len(results)} over {args.connections} connections, database down {args.down:.0f} s")
    for name in ("before", "down", "after"):
        print(f"  {name:6} " + ", ".join(f"{code or 'no answer'}: {n}" for code, n in sorted(by_phase[name].items())))
    print(f"  Retry-After on 503s: {retry_after or '-'}")
    print(f"  first 200 after the restart: {'never' if first_ok is None else f'{first_ok - restarted:.2f} s'}")
    after_ok = [status for t, name, status, _ra in results if name == "after" and first_ok and t > first_ok]
    print(f"  after the first 200: {len(after_ok)} requests, {sum(s >= 500 for s in after_ok)} 5xx")
    print(f"  500s in all: {sum(c[500] for c in by_phase.values())}")
    for name, before in log_sizes.items():
        with (LOG / name).open(errors="replace") as log:
            log.seek(before)
            text = log.read()
        print(
            f"  {name}: +{len(text.encode()) / 1024:.1f} KiB, {text.count('Traceback')} tracebacks, "
            f"{text.count('database unavailable: ')} 'database unavailable' lines, "
            f"{text.count('database back after')} 'database back' lines"
        )
    pid_file = ROOT / "var" / "run" / "worker.pid"
    try:
        os.kill(int(pid_file.read_text()), 0)
        print("  worker: alive")
    except (OSError, ValueError):
        print("  worker: NOT running")
    print("peer (the issue, before): 13 s down -> 1,368 x 500, 2,763 tracebacks (8.3 MB), worker dead for good")


if __name__ == "__main__":
    main()
