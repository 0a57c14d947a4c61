"""gunicorn settings of bench/load.py: each worker, once it has loaded the application and before its first request,
leaves a file named by its pid in ``XENAGOS_BENCH_READY_DIR``, so that the benchmark reads its memory then."""

import os
from pathlib import Path


def post_worker_init(worker) -> None:
    """Called by gunicorn in the worker right after it has loaded the WSGI application."""
    Path(os.environ["XENAGOS_BENCH_READY_DIR"], str(worker.pid)).touch()
