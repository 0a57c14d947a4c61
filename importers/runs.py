"""Writes for the admin's import runs: keep the upload, queue the (dry) run, run it in the background with progress.

Uploads live in the import work folder (settings.XENAGOS_IMPORT_ROOT, default ``var/imports``), one folder per run,
never under MEDIA_ROOT (they are not public). Progress is written through a second database connection so that the
admin sees it while the import's own transaction is still open.
"""

from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from gis.models import Dataset, Municipality

from .areas import areas_import
from .errors import ImporterError
from .mapping import AreaMapping, Mapping
from .models import ImportRun
from .report import ImportReport
from .services import Progress, places_import

RUN_TABLE = ImportRun._meta.db_table


def import_root() -> Path:
    """The folder holding uploads (one sub-folder per run)."""
    return Path(getattr(settings, "XENAGOS_IMPORT_ROOT", settings.BASE_DIR / "var" / "imports"))


@transaction.atomic
def import_run_create(
    *, upload, dataset: Dataset, municipality: Municipality | None, user, kind: str = ImportRun.Kind.PLACES
) -> ImportRun:
    """Keep an uploaded file in a new run's work folder and record the run (``kind``: places or protected areas)."""
    run = ImportRun(dataset=dataset, municipality=municipality, user=user, kind=kind)
    name = get_valid_filename(Path(upload.name).name) or "upload"
    folder = import_root() / str(run.uid)
    folder.mkdir(parents=True, exist_ok=False)
    target = folder / name
    with target.open("xb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    run.file_name, run.file_path = Path(upload.name).name[:255], str(target)
    run.save()
    return run


class ProgressWriter:
    """Writes a run's progress on its own connection (visible at once), at most once per percent step."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.connection = connections.create_connection("default")
        self.last: tuple[str, int] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        step = (stage, 100 * done // total if total else 100)
        if step == self.last:
            return
        self.last = step
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {RUN_TABLE} SET stage = %s, progress_done = %s, progress_total = %s WHERE id = %s",  # noqa: S608
                [stage, done, total, self.run_id],
            )

    def close(self) -> None:
        """Close the extra connection."""
        self.connection.close()


def _import(run: ImportRun, *, dry_run: bool, progress: Progress) -> ImportReport:
    """Call the import service for the run's kind of data."""
    options = run.options or {}
    common = {
        "path": run.file_path,
        "dataset": run.dataset,
        "user": run.user,
        "layer": options.get("layer") or None,
        "srid": options.get("srid") or None,
        "encoding": options.get("encoding") or None,
        "dry_run": dry_run,
        "progress": progress,
        "display_name": run.file_name,
        "run": run,
    }
    if run.kind == ImportRun.Kind.PLACES:
        return places_import(mapping=Mapping.from_dict(run.mapping), municipality=run.municipality, **common)
    if run.kind == ImportRun.Kind.AREAS:
        mapping = AreaMapping.from_dict(run.mapping)
        return areas_import(
            id_field=mapping.fields.get("source_id", ""),
            name_field=mapping.fields.get("name_el", ""),
            name_en_field=mapping.fields.get("name_en", ""),
            kind_field=mapping.fields.get("kind", ""),
            invalid=mapping.invalid,
            municipality=run.municipality,
            **common,
        )
    raise ImporterError(
        _("municipality boundaries are imported from the command line (manage.py import_areas)"), path=run.file_name
    )


def import_run_execute(*, run_id: int, dry_run: bool) -> ImportRun:
    """Run a queued import (or its dry run) of places or protected areas and record the outcome on the run; errors
    become its message. Messages are written in the language of the admin that queued the run."""
    run = ImportRun.objects.select_related("dataset", "municipality", "user").get(pk=run_id)
    if not dry_run:
        ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)
    progress = ProgressWriter(run.pk)
    try:
        with override((run.options or {}).get("language") or settings.LANGUAGE_CODE):
            report = _import(run, dry_run=dry_run, progress=progress)
    except Exception as error:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED, message=str(error), finished_at=timezone.now()
        )
        if not isinstance(error, ImporterError):
            raise
    else:
        if dry_run:
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportRun.Status.CHECKED, dry_run_report=report.to_dict(), message="", stage="checked"
            )
    finally:
        progress.close()
    run.refresh_from_db()
    return run


def import_run_queue(*, run: ImportRun, dry_run: bool) -> ImportRun:
    """Hand the run to the background worker (Django Tasks), which writes its messages in the active language."""
    from .tasks import import_run_task

    status = ImportRun.Status.CHECKING if dry_run else ImportRun.Status.QUEUED
    options = {**(run.options or {}), "language": get_language()}
    ImportRun.objects.filter(pk=run.pk).update(status=status, progress_done=0, stage="", message="", options=options)
    import_run_task.enqueue(run_id=run.pk, dry_run=dry_run)
    run.refresh_from_db()
    return run


@transaction.atomic
def import_run_update(*, run: ImportRun, **fields) -> ImportRun:
    """Save the given fields of ``run`` (options, source_info, mapping...)."""
    for name, value in fields.items():
        setattr(run, name, value)
    run.save(update_fields=list(fields))
    return run
