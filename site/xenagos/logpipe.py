"""Run a command with its output written to size-rotated log files (what `make run` uses for var/log).

    python -m xenagos.logpipe --stderr var/log/server.log [--stdout var/log/access.log] -- gunicorn ...

One writer per file, so rotation is safe however many processes the command forks (gunicorn's workers share its
pipes). Files rotate at XENAGOS_LOG_MAX_MB (default 10) megabytes and at the first line of each new day, keeping
XENAGOS_LOG_KEEP (default 14) old ones, and none older than XENAGOS_LOG_RETENTION_DAYS (default 14, the retention
the privacy page states): older rotated files are deleted at start and at each rotation.
SIGTERM/SIGINT/SIGHUP are passed to the command; this process ends when the command does, with its exit status.
Standard library only. In production, services log to stderr and journald keeps and rotates the logs instead.
"""

import argparse
import logging
import logging.handlers
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import IO


class RetainingFileHandler(logging.handlers.RotatingFileHandler):
    """Rotates at a size and at the first record of a new day; deletes rotated files older than ``retention_s``."""

    def __init__(self, path: str, *, max_bytes: int, keep: int, retention_s: float):
        super().__init__(path, maxBytes=max_bytes, backupCount=keep, encoding="utf-8")
        self.retention_s = retention_s
        self.day = self._file_day()
        self.prune()

    def _file_day(self) -> date:
        try:
            return date.fromtimestamp(os.stat(self.baseFilename).st_mtime)
        except FileNotFoundError:
            return date.today()

    def shouldRollover(self, record: logging.LogRecord) -> bool:  # noqa: N802 (logging's name)
        if date.today() != self.day and os.path.exists(self.baseFilename) and os.path.getsize(self.baseFilename):
            return True
        return bool(super().shouldRollover(record))

    def doRollover(self) -> None:  # noqa: N802 (logging's name)
        super().doRollover()
        self.day = date.today()
        self.prune()

    def prune(self) -> None:
        """Delete this log's rotated files (name.1, name.2, ...) last written more than the retention ago."""
        base = Path(self.baseFilename)
        cutoff = time.time() - self.retention_s
        for old in base.parent.glob(base.name + ".*"):
            if old.name[len(base.name) + 1 :].isdigit() and old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)


def _handler(path: str) -> logging.Handler:
    max_bytes = int(float(os.environ.get("XENAGOS_LOG_MAX_MB", "10")) * 1024 * 1024)
    keep = int(os.environ.get("XENAGOS_LOG_KEEP", "14"))
    retention_s = float(os.environ.get("XENAGOS_LOG_RETENTION_DAYS", "14")) * 86400
    handler = RetainingFileHandler(path, max_bytes=max_bytes, keep=keep, retention_s=retention_s)
    handler.terminator = ""  # lines keep their own newline
    return handler


def _copy(stream: IO[bytes], handler: logging.Handler) -> None:
    for line in iter(stream.readline, b""):
        handler.emit(logging.makeLogRecord({"msg": line.decode("utf-8", "replace")}))
    handler.close()


def main(argv: list[str] | None = None) -> int:
    """Start the command, copy its stdout/stderr into rotating files, return its exit status."""
    parser = argparse.ArgumentParser(prog="python -m xenagos.logpipe", description=__doc__.splitlines()[0])
    parser.add_argument("--stderr", required=True, help="log file for standard error (and output, without --stdout)")
    parser.add_argument("--stdout", help="log file for standard output")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("name the command to run after --")
    err_handler = _handler(args.stderr)
    out_handler = _handler(args.stdout) if args.stdout else None
    child = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if out_handler else subprocess.STDOUT,
    )

    def forward(signum: int, frame: object) -> None:
        if child.poll() is None:
            child.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, forward)
    copiers = [threading.Thread(target=_copy, args=(child.stdout, out_handler or err_handler), daemon=True)]
    if out_handler:
        copiers.append(threading.Thread(target=_copy, args=(child.stderr, err_handler), daemon=True))
    for copier in copiers:
        copier.start()
    status = child.wait()
    for copier in copiers:
        copier.join(timeout=5)
    return status


if __name__ == "__main__":
    sys.exit(main())
