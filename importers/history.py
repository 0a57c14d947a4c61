"""The import history: a finished import is recorded on the admin's run, or as a new run (the command line)."""

from django.utils import timezone

from gis.signals import public_data_changed

from .models import ImportRun
from .report import ImportReport


def import_run_record(report: ImportReport, *, run: ImportRun | None, **new_run) -> None:  # noqa: ANN003
    """Mark ``run`` (or a new run made of ``new_run``'s fields) as succeeded with ``report``."""
    read = report.counts.get("read", 0)
    fields = {
        "status": ImportRun.Status.SUCCEEDED,
        "report": report.to_dict(),
        "source_info": report.source,
        "mapping": report.mapping,
        "finished_at": timezone.now(),
        "updated_at": timezone.now(),
        "progress_done": read,
        "progress_total": read,
        "stage": "done",
        "message": "",
    }
    if run is not None:
        ImportRun.objects.filter(pk=run.pk).update(**fields)
    else:
        ImportRun.objects.create(file_name=report.file, **new_run, **fields)
    public_data_changed.send(sender=__name__)  # the bulk SQL of an import bypasses model signals
