"""Database outages: which errors are one, and a per-process "down since" state so that an outage costs one log
line when it starts and one when it ends, instead of a traceback per request.

The state is per process (each gunicorn worker and the task worker log their own pair of lines). A logging filter
(``DatabaseOutageFilter``, installed on every handler in ``settings.LOGGING``) drops the tracebacks of outage
errors wherever they are logged and notes the outage instead; a successful new connection (Django's
``connection_created`` signal, connected in ``XenagosConfig.ready``) ends it.
"""

import logging
import threading
import time

from django.db import InterfaceError, OperationalError

logger = logging.getLogger("xenagos.outage")

DATABASE_ERRORS = (OperationalError, InterfaceError)
# SQLSTATEs meaning "the server is gone or not accepting connections" (class 08 and the shutdown codes).
_OUTAGE_SQLSTATE_PREFIXES = ("08", "57P01", "57P02", "57P03")


def database_error(error: BaseException | None) -> BaseException | None:
    """The Django database error (OperationalError/InterfaceError) in ``error``'s cause chain, or None."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DATABASE_ERRORS):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def is_outage(error: BaseException | None) -> bool:
    """True when ``error`` (or its cause) says the database cannot be reached, not that one query failed.

    A lost or refused connection has no SQLSTATE (psycopg raises it client-side) or one of class 08; a server
    shutting down says 57P01-57P03. A statement timeout or a deadlock is an OperationalError too, but not an outage:
    those keep their traceback in the log.
    """
    found = database_error(error)
    if found is None:
        return False
    if isinstance(found, InterfaceError):
        return True
    sqlstate = getattr(found.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(_OUTAGE_SQLSTATE_PREFIXES)


def summary(error: BaseException) -> str:
    """The first line of an error's message (for the log only: it may name hosts and ports)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class _State:
    lock = threading.Lock()
    down_since: float | None = None


def database_unavailable(error: BaseException) -> None:
    """Note that the database cannot be reached; only the first call of an outage writes a (one-line) log."""
    with _State.lock:
        if _State.down_since is not None:
            return
        _State.down_since = time.monotonic()
    logger.error("database unavailable: %s", summary(error))


def database_available() -> None:
    """Note that the database answered; ends an outage with one log line saying how long it lasted."""
    if _State.down_since is None:
        return
    with _State.lock:
        since, _State.down_since = _State.down_since, None
    if since is not None:
        logger.warning("database back after %.1f s", time.monotonic() - since)


def on_connection_created(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: a new connection succeeded, so any outage is over."""
    database_available()


class DatabaseOutageFilter(logging.Filter):
    """Drop log records that carry an outage error's traceback, noting the outage (one line) instead; while the
    database is down, also drop Django's line per 503 response (the outage's own answers, e.g. /healthz)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and is_outage(error):
            database_unavailable(database_error(error) or error)
            return False
        if record.name == "django.request" and getattr(record, "status_code", None) == 503:
            return _State.down_since is None
        return True
