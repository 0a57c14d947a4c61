"""Harvests started from the admin: "Harvest now" on a ``HarvestSource`` makes an ``ImportRun`` (kind archive,
``options["source"] = "harvest"``) and hands it to the background worker, which runs
``importers.archive_harvest.archive_harvest`` with the run's progress written after each page (pages, records,
cursor and completeListSize are also on the source). An error becomes the run's message and the source's
``last_error``, written in the language of the admin who started it. Services here never import the tasks, and
the archive import services (numpy, through the readers) only in the worker.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, override

from gis.services import municipalities_editable_by

from .errors import ImporterError
from .models import HarvestSource, ImportRun
from .oai import HarvestPage
from .runs import BUSY, message_public, queue_get


def harvest_sources_for(*, user) -> QuerySet[HarvestSource]:
    """The harvest sources ``user`` may see and run: their municipalities' (all for a superuser)."""
    sources = HarvestSource.objects.select_related("municipality", "dataset").order_by("municipality__name_el", "pk")
    if user.is_superuser:
        return sources
    return sources.filter(municipality__in=municipalities_editable_by(user))


def harvest_runs_of(*, source: HarvestSource) -> QuerySet[ImportRun]:
    """The import runs of ``source``'s harvests, newest first."""
    return ImportRun.objects.filter(options__source="harvest", options__harvest_source=source.pk).order_by(
        "-created_at"
    )


@transaction.atomic
def harvest_source_run_queue(*, source: HarvestSource, user) -> ImportRun:
    """Queue a harvest of ``source`` by ``user`` (one at a time: a run of it still queued or running is returned
    instead); the worker gets it once this transaction commits."""
    HarvestSource.objects.select_for_update().get(pk=source.pk)
    running = harvest_runs_of(source=source).filter(status__in=BUSY).first()
    if running is not None:
        return running
    run = ImportRun.objects.create(
        kind=ImportRun.Kind.ARCHIVE,
        dataset=source.dataset,
        municipality=source.municipality,
        user=user,
        file_name=source.base_url[:255],
        status=ImportRun.Status.QUEUED,
        options={"source": "harvest", "harvest_source": source.pk, "format": "oai", "language": get_language()},
    )
    transaction.on_commit(lambda: queue_get("harvest")(run_id=run.pk))
    return run


def harvest_run_execute(*, run_id: int) -> ImportRun:
    """Run a queued admin harvest (see the module) and record its outcome on the run."""
    from .archive_harvest import archive_harvest  # the worker's: the import services load numpy, not the web

    run = ImportRun.objects.select_related("dataset", "municipality", "user").get(pk=run_id)
    language = (run.options or {}).get("language") or settings.LANGUAGE_CODE
    source = HarvestSource.objects.select_related("municipality", "dataset").get(pk=run.options["harvest_source"])
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, updated_at=timezone.now())

    def page_done(page: HarvestPage, harvested: HarvestSource) -> None:
        ImportRun.objects.filter(pk=run.pk).update(
            stage=f"page {harvested.pages_done}",
            progress_done=harvested.records_done,
            progress_total=page.complete_list_size or harvested.records_done,
            updated_at=timezone.now(),
        )

    try:
        with override(language):
            archive_harvest(source=source, user=run.user, run=run, progress=page_done)
    except Exception as error:
        with override(language):
            message = message_public(error)
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED, message=message, finished_at=timezone.now(), updated_at=timezone.now()
        )
        if not isinstance(error, ImporterError):
            raise
    run.refresh_from_db()
    return run
