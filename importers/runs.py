"""Writes for the admin's import runs: keep the upload, inspect it once, queue the (dry) run, run it in the background
with progress, and delete the upload once the run is over.

Uploads live in the import work folder (settings.XENAGOS_IMPORT_ROOT, default ``var/imports``), one folder per run,
never under MEDIA_ROOT (they are not public). The background inspection unpacks a zip once into the run's folder
(and deletes the zip) and keeps what the admin's pages show (facts, first rows, preview features) on the run, so no
request unpacks or reads the file. A rejected, failed, imported or cancelled run's folder is deleted; abandoned ones
are purged by ``manage.py purge_uploads``. Only a run's own folder is ever deleted; the run (the history) stays.
Progress is written through a second database connection so that the admin sees it while the import's own
transaction is still open.

The admin's screens import this module for its writes; the readers and import services (pyogrio, shapely, pandas)
are imported by what the worker runs (a target's inspection and its plan and apply), and stay out of a web process.
"""

import logging
import shutil
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from gis.models import Dataset, Municipality

from .errors import ImporterError, UnreadableFile, UnsafeInput, paths_hidden
from .history import import_run_record
from .models import ImportRun
from .report import ImportReport
from .sources import run_source
from .targets import ImportJob, InspectJob, Progress, target_get, targets_offered

RUN_TABLE = ImportRun._meta.db_table
# The run is over: its files are no longer needed (a checked dry run still needs them for the import).
OVER = (ImportRun.Status.SUCCEEDED, ImportRun.Status.FAILED, ImportRun.Status.CANCELLED)
# The worker is using the files.
BUSY = (ImportRun.Status.INSPECTING, ImportRun.Status.CHECKING, ImportRun.Status.QUEUED, ImportRun.Status.RUNNING)
# Errors of a file that no option (layer, CRS, encoding) can fix: the upload is rejected and deleted.
REJECTED = (UnsafeInput, UnreadableFile)
logger = logging.getLogger(__name__)


# Hands a run to the background worker, called with keywords (run_id, and dry_run for a run); importers.tasks
# registers the two that Django Tasks run.
Enqueue = Callable[..., object]
_QUEUES: dict[str, Enqueue] = {}


def queues_register(*, run: Enqueue, inspect: Enqueue, harvest: Enqueue | None = None) -> None:
    """Say how runs, inspections and harvests (importers.harvest_runs) are handed to the worker (called by
    importers.tasks, which the app loads)."""
    _QUEUES.update(run=run, inspect=inspect)
    if harvest is not None:
        _QUEUES["harvest"] = harvest


def queue_get(name: str) -> Enqueue:
    """The registered way of handing work ``name`` ("run", "inspect", "harvest") to the worker."""
    return _QUEUES[name]


def import_root() -> Path:
    """The folder holding uploads (one sub-folder per run)."""
    return Path(getattr(settings, "XENAGOS_IMPORT_ROOT", settings.BASE_DIR / "var" / "imports"))


def run_folder(run: ImportRun) -> Path:
    """The run's own work folder (named by its uid), whatever its ``file_path`` says."""
    return import_root() / str(run.uid)


def message_public(error: BaseException) -> str:
    """What a run's message says of ``error``: an importer's explanation without any server folder, or a plain
    sentence for anything unexpected (whose details go to the log)."""
    if not isinstance(error, ImporterError):
        return _("the file could not be processed because of an unexpected error; the operator has the details")
    hide = {str(import_root().resolve()): "", str(import_root()): "", tempfile.gettempdir(): ""}
    return paths_hidden(str(error), hide=hide)


def _touch(run_id: int, **fields) -> None:
    """Update the run's ``fields`` and its last activity."""
    ImportRun.objects.filter(pk=run_id).update(**fields, updated_at=timezone.now())


def run_folder_delete(*, run: ImportRun) -> bool:
    """Delete the run's own folder in the import work folder, nothing else (not a link, not outside the work
    folder); whether there was one."""
    folder = run_folder(run)
    if folder.is_dir() and not folder.is_symlink() and folder.resolve().parent == import_root().resolve():
        shutil.rmtree(folder)
        return True
    return False


def import_run_files_delete(*, run: ImportRun) -> bool:
    """Delete the run's own folder in the import work folder (nothing else) and forget its path; the run stays.
    Whether anything was deleted."""
    deleted = run_folder_delete(run=run)
    if run.file_path:
        _touch(run.pk, file_path="")
        run.file_path = ""
    return deleted


@transaction.atomic
def import_run_create(
    *, upload, dataset: Dataset, municipality: Municipality | None, user, kind: str | None = None
) -> ImportRun:
    """Keep an uploaded file in a new run's work folder and record the run (``kind``: a registered target's key;
    default the first the admin offers, places)."""
    run = ImportRun(dataset=dataset, municipality=municipality, user=user, kind=kind or targets_offered()[0].key)
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


def import_run_inspect_queue(*, run: ImportRun) -> ImportRun:
    """Have the background worker unpack (once) and inspect the run's upload with its options; its messages are
    written in the active language."""
    options = {**(run.options or {}), "language": get_language()}
    _touch(
        run.pk,
        status=ImportRun.Status.INSPECTING,
        stage="",
        progress_done=0,
        progress_total=0,
        message="",
        options=options,
    )
    _QUEUES["inspect"](run_id=run.pk)  # as import_run_queue: the caller has saved the run
    run.refresh_from_db()
    return run


def _inspect(run: ImportRun, progress: "ProgressWriter") -> tuple[dict, dict]:
    """Prepare the run's source once (a zip upload's members that its target reads are unpacked into the run's
    folder, and the zip deleted) and read what the admin shows with the target's inspection."""
    options = run.options or {}
    target = target_get(run.kind)
    source = run_source(run)
    prepared = source.prepare(folder=run_folder(run), progress=progress, members=target.zip_members)
    notes = options.get("archive_notes") or []
    if prepared is not None:
        notes = prepared.notes
        options = {**options, "archive_notes": notes}
        _touch(run.pk, file_path=str(prepared.path), options=options)
        run.file_path = str(prepared.path)
        source = run_source(run)
    progress("inspect", 1, 2)
    with source.opened() as path:
        job = InspectJob(
            path=Path(path), display_name=run.file_name, options=options, notes=notes, reader=target.reader
        )
        return target.inspect(job)


def import_run_inspect(*, run_id: int) -> ImportRun:
    """Inspect a run's upload in the background: the facts, first rows and preview features are kept on the run.

    A file that no option can fix (unsafe, damaged, not a GIS file) is rejected: the run fails and its folder is
    deleted. A file that needs an option (a CRS, a layer, an encoding) keeps its files and says what to name."""
    run = ImportRun.objects.get(pk=run_id)
    progress = ProgressWriter(run.pk)
    try:
        with override((run.options or {}).get("language") or settings.LANGUAGE_CODE):
            try:
                info, preview = _inspect(run, progress)
            except REJECTED as error:
                _touch(
                    run.pk,
                    status=ImportRun.Status.FAILED,
                    message=message_public(error),
                    finished_at=timezone.now(),
                    source_info={},
                    source_preview={},
                )
                import_run_files_delete(run=run)
            except ImporterError as error:
                _touch(
                    run.pk,
                    status=ImportRun.Status.UPLOADED,
                    message=message_public(error),
                    stage="",
                    source_info={},
                    source_preview={},
                )
            except Exception as error:
                logger.exception("inspection of import run %s failed", run.pk)
                _touch(
                    run.pk, status=ImportRun.Status.FAILED, message=message_public(error), finished_at=timezone.now()
                )
                import_run_files_delete(run=run)
            else:
                run.refresh_from_db()
                options = {**(run.options or {}), "layer": info.get("layer")}
                _touch(
                    run.pk,
                    status=ImportRun.Status.UPLOADED,
                    message="",
                    stage="",
                    source_info=info,
                    source_preview=preview,
                    options=options,
                )
    finally:
        progress.close()
    run.refresh_from_db()
    return run


@transaction.atomic
def import_run_cancel(*, run: ImportRun) -> ImportRun:
    """Cancel a run that waits for the editor (not one the worker is busy with) and delete its upload."""
    if run.status in BUSY or run.status in OVER:
        raise ImporterError(_("this import cannot be cancelled now"), path=run.file_name)
    _touch(run.pk, status=ImportRun.Status.CANCELLED, finished_at=timezone.now(), stage="")
    import_run_files_delete(run=run)
    run.refresh_from_db()
    return run


def import_runs_purge(*, idle: timedelta) -> dict[str, int]:
    """Delete the uploads of runs that are over (whose folders a killed worker left) and of runs without activity
    for ``idle`` (marked cancelled, with a message); the runs stay in the history. Counts of both."""
    counts = {"over": 0, "abandoned": 0}
    for run in ImportRun.objects.exclude(file_path="").filter(status__in=OVER):
        import_run_files_delete(run=run)
        counts["over"] += 1
    cutoff = timezone.now() - idle
    for run in ImportRun.objects.exclude(file_path="").exclude(status__in=OVER).filter(updated_at__lt=cutoff):
        with override((run.options or {}).get("language") or settings.LANGUAGE_CODE):
            hours = idle.total_seconds() / 3600
            message = _("the upload was deleted after %(hours)s hours without activity") % {"hours": f"{hours:g}"}
        _touch(run.pk, status=ImportRun.Status.CANCELLED, finished_at=timezone.now(), message=message)
        import_run_files_delete(run=run)
        counts["abandoned"] += 1
    return counts


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
                f"UPDATE {RUN_TABLE} SET stage = %s, progress_done = %s, progress_total = %s, updated_at = now() "  # noqa: S608
                "WHERE id = %s",
                [stage, done, total, self.run_id],
            )

    def close(self) -> None:
        """Close the extra connection."""
        self.connection.close()


def _import(run: ImportRun, *, dry_run: bool, progress: Progress) -> ImportReport:
    """Plan (dry run) or apply the run with its target, reading its source."""
    options = run.options or {}
    target = target_get(run.kind)
    with run_source(run).opened() as path:
        if target.admin_refusal:
            raise ImporterError(str(target.admin_refusal), path=run.file_name)
        job = ImportJob(
            path=Path(path),
            display_name=run.file_name,
            dataset=run.dataset,
            mapping=run.mapping or {},
            reader=target.reader,
            municipality=run.municipality,
            user=run.user,
            layer=options.get("layer") or None,
            srid=options.get("srid") or None,
            encoding=options.get("encoding") or None,
            run=run,
            progress=progress,
        )
        return target.plan(job) if dry_run else target.apply(job)


def import_run_execute(*, run_id: int, dry_run: bool) -> ImportRun:
    """Run a queued import (or its dry run) with the run's target and record the outcome on the run; errors
    become its message. Messages are written in the language of the admin that queued the run. A failed run and an
    imported one no longer need the upload: it is deleted."""
    run = ImportRun.objects.select_related("dataset", "municipality", "user").get(pk=run_id)
    if not dry_run:
        _touch(run.pk, status=ImportRun.Status.RUNNING)
    progress = ProgressWriter(run.pk)
    try:
        with override((run.options or {}).get("language") or settings.LANGUAGE_CODE):
            report = _import(run, dry_run=dry_run, progress=progress)
    except Exception as error:
        with override((run.options or {}).get("language") or settings.LANGUAGE_CODE):
            message = message_public(error)
        _touch(run.pk, status=ImportRun.Status.FAILED, message=message, finished_at=timezone.now())
        import_run_files_delete(run=run)
        if not isinstance(error, ImporterError):
            raise
    else:
        if dry_run:
            _touch(
                run.pk, status=ImportRun.Status.CHECKED, dry_run_report=report.to_dict(), message="", stage="checked"
            )
        else:
            if not ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.SUCCEEDED).exists():
                import_run_record(report, run=run)  # a target whose apply does not record the history itself
            import_run_files_delete(run=run)
    finally:
        progress.close()
    run.refresh_from_db()
    return run


def import_run_queue(*, run: ImportRun, dry_run: bool) -> ImportRun:
    """Hand the run to the background worker (Django Tasks), which writes its messages in the active language."""
    status = ImportRun.Status.CHECKING if dry_run else ImportRun.Status.QUEUED
    options = {**(run.options or {}), "language": get_language()}
    _touch(run.pk, status=status, progress_done=0, stage="", message="", options=options)
    _QUEUES["run"](run_id=run.pk, dry_run=dry_run)
    run.refresh_from_db()
    return run


@transaction.atomic
def import_run_update(*, run: ImportRun, **fields) -> ImportRun:
    """Save the given fields of ``run`` (options, source_info, mapping...)."""
    for name, value in fields.items():
        setattr(run, name, value)
    run.save(update_fields=[*fields, "updated_at"])
    return run
