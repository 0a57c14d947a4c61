"""The database task worker, made to survive: it waits with backoff while the database is away or failing (never exits
on a database error), and hands back the tasks of workers that died mid-run (kill -9, a crash, a lost machine).

Liveness is a PostgreSQL session advisory lock per worker id, held on the worker's own connection for as long as the
process lives: the server drops it the moment that process dies, so a task left RUNNING under a worker id whose lock
is free has no worker. Such a task (and one interrupted by an outage) goes back to the queue until it has had
``XENAGOS_TASK_MAX_ATTEMPTS`` attempts, then is marked failed; nothing is left "running" forever.
"""

import contextlib
import logging
import time
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from xenagos import outage

logger = logging.getLogger("xenagos.worker")

LOCK_NAMESPACE = 0x58454E  # "XEN": first key of pg_advisory_lock(int, int); the second is hashtext(worker id)


class TaskInterrupted(Exception):
    """Recorded on a task whose worker died or lost the database while it ran."""


def _owner(result: DBTaskResult) -> str | None:
    return result.worker_ids[-1] if result.worker_ids else None


def task_requeue_or_fail(*, result: DBTaskResult, reason: str) -> str:
    """Put an interrupted task back in the queue, or mark it failed after its last attempt; returns the new status."""
    attempts = len(result.worker_ids)
    if attempts < settings.XENAGOS_TASK_MAX_ATTEMPTS:
        result.status = "READY"
        result.started_at = None
        result.save(update_fields=["status", "started_at"])
    else:
        result.status = "FAILED"
        result.finished_at = timezone.now()
        result.exception_class_path = f"{TaskInterrupted.__module__}.{TaskInterrupted.__qualname__}"
        result.traceback = f"{TaskInterrupted.__qualname__}: {reason} (attempt {attempts} of {attempts})\n"
        result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
    logger.warning("task id=%s %s: %s", result.id, "requeued" if result.status == "READY" else "failed", reason)
    return result.status


class WorkerLock:
    """A session advisory lock that says "worker <id> is alive", on a connection of its own (Django's may be closed
    between tasks); also answers whether another worker's lock is free."""

    def __init__(self, *, worker_id: str, using: str = "default"):
        self.worker_id = worker_id
        self.using = using
        self._conn: Any = None

    def _connect(self) -> Any:
        wrapper = connections[self.using]
        conn = wrapper.get_new_connection(wrapper.get_connection_params())
        conn.autocommit = True
        return conn

    def hold(self) -> None:
        """Take (or, after the database restarted, take again) this worker's lock; psycopg's errors come out as
        Django's (an outage is an OperationalError)."""
        with connections[self.using].wrap_database_errors:
            self._hold()

    def _hold(self) -> None:
        if self._conn is not None and not self._conn.closed:
            try:
                self._conn.execute("SELECT 1")
                return
            except Exception:  # noqa: BLE001 - the server dropped the connection, and the lock with it
                self.release()
        self._conn = self._connect()
        self._conn.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [LOCK_NAMESPACE, self.worker_id])

    def is_free(self, worker_id: str) -> bool:
        """True when no live session holds ``worker_id``'s lock (that worker is gone)."""
        with connections[self.using].wrap_database_errors:
            row = self._conn.execute(
                "SELECT pg_try_advisory_lock(%s, hashtext(%s))", [LOCK_NAMESPACE, worker_id]
            ).fetchone()
            if row[0]:
                self._conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", [LOCK_NAMESPACE, worker_id])
        return bool(row[0])

    def release(self) -> None:
        """Close the lock's connection (which releases the lock)."""
        if self._conn is not None:
            with contextlib.suppress(Exception):  # already gone
                self._conn.close()
        self._conn = None


def stale_tasks_reap(*, lock: WorkerLock, backend_name: str) -> int:
    """Requeue or fail the RUNNING tasks whose worker is gone; returns how many."""
    reaped = 0
    with transaction.atomic():
        running = DBTaskResult.objects.running().filter(backend_name=backend_name)
        for result in running.select_for_update(skip_locked=True):
            owner = _owner(result)
            if owner == lock.worker_id or (owner is not None and not lock.is_free(owner)):
                continue
            task_requeue_or_fail(result=result, reason=f"worker {owner} stopped while the task ran")
            reaped += 1
    return reaped


class ResilientWorker(Worker):
    """django_tasks_db's worker; an outage makes it wait and retry, and at start it reaps dead workers' tasks."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.lock = WorkerLock(worker_id=self.worker_id)
        self.current_id: Any = None
        self.max_backoff_s = settings.XENAGOS_WORKER_MAX_BACKOFF_S

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run a task, remembering which one, so that an outage mid-task can hand it back."""
        self.current_id = db_task_result.id
        super().run_task(db_task_result)
        self.current_id = None

    def _recover(self) -> None:
        """After the database came back: hold the lock again, hand back an interrupted task, reap dead workers'."""
        self.lock.hold()
        if self.current_id is not None:
            with transaction.atomic():
                result = DBTaskResult.objects.select_for_update().filter(id=self.current_id, status="RUNNING").first()
                if result is not None:
                    task_requeue_or_fail(result=result, reason="the database became unavailable while the task ran")
            self.current_id = None
        reaped = stale_tasks_reap(lock=self.lock, backend_name=self.backend_name)
        if reaped:
            logger.warning("handed back %d task(s) of stopped workers", reaped)

    def run(self) -> None:
        """Process tasks until stopped (or, with --batch / --max-tasks, until done), whatever the database does."""
        backoff = 1.0
        try:
            while self.running:
                try:
                    self._recover()
                    backoff = 1.0
                    super().run()
                    return
                except outage.DATABASE_ERRORS as error:
                    if outage.is_outage(error):
                        outage.database_unavailable(error)  # one line per outage
                    else:  # e.g. a deadlock or a statement timeout: worth a traceback, not worth dying for
                        logger.exception("database error in the worker; trying again in %.0f s", backoff)
                    close_old_connections()
                    self.running_task = False
                    time.sleep(backoff)  # SIGTERM during the wait exits at once (Worker.shutdown)
                    backoff = min(backoff * 2, self.max_backoff_s)
        finally:
            self.lock.release()
