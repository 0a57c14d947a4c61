"""Run a command with its output written to size-rotated log files (what `make run` uses for var/log).

    python -m xenagos.logpipe --stderr var/log/server.log [--stdout var/log/access.log] -- gunicorn ...

One writer per file, so rotation is safe however many processes the command forks (gunicorn's workers share its
pipes). Files rotate at XENAGOS_LOG_MAX_MB (default 10) megabytes, keeping XENAGOS_LOG_KEEP (default 5) old ones.
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
from typing import IO


def _handler(path: str) -> logging.Handler:
    max_bytes = int(float(os.environ.get("XENAGOS_LOG_MAX_MB", "10")) * 1024 * 1024)
    keep = int(os.environ.get("XENAGOS_LOG_KEEP", "5"))
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=max_bytes, backupCount=keep, encoding="utf-8")
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
