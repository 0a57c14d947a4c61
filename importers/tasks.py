"""Background tasks of the importers (Django Tasks API; the database backend's worker is `manage.py db_worker`).

This module imports the run services and tells them how to hand work to the worker (``queues_register``); the
services never import it. The app loads it from ``ImportersConfig.ready``.
"""

from django_tasks import task

from .harvest_runs import harvest_run_execute
from .runs import import_run_execute, import_run_inspect, queues_register


@task()
def import_run_task(run_id: int, dry_run: bool) -> dict:
    """Run an admin import (or its dry run); returns its status and counts."""
    run = import_run_execute(run_id=run_id, dry_run=dry_run)
    report = run.dry_run_report if dry_run else run.report
    return {"status": run.status, "counts": (report or {}).get("counts", {}), "message": run.message}


@task()
def import_run_inspect_task(run_id: int) -> dict:
    """Unpack (once) and inspect an admin upload; returns its status and message."""
    run = import_run_inspect(run_id=run_id)
    return {"status": run.status, "message": run.message}


@task()
def harvest_run_task(run_id: int) -> dict:
    """Run an admin harvest of a HarvestSource (importers.harvest_runs); returns its status and counts."""
    run = harvest_run_execute(run_id=run_id)
    return {"status": run.status, "counts": (run.report or {}).get("counts", {}), "message": run.message}


queues_register(run=import_run_task.enqueue, inspect=import_run_inspect_task.enqueue, harvest=harvest_run_task.enqueue)
