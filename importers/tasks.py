"""Background tasks of the importers (Django Tasks API; the database backend's worker is `manage.py db_worker`)."""

from django_tasks import task

from .runs import import_run_execute


@task()
def import_run_task(run_id: int, dry_run: bool) -> dict:
    """Run an admin import (or its dry run); returns its status and counts."""
    run = import_run_execute(run_id=run_id, dry_run=dry_run)
    report = run.dry_run_report if dry_run else run.report
    return {"status": run.status, "counts": (report or {}).get("counts", {}), "message": run.message}
