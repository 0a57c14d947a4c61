"""The admin's import runs in the background worker (database backend) and feeds the progress bar."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tasks import task_backends

from gis.models import Place
from gis.services import dataset_upsert
from importers.mapping import Mapping
from importers.models import ImportRun
from importers.runs import import_run_create, import_run_queue, import_run_update

from .helpers import PLEIADES


@pytest.mark.django_db(transaction=True)
def test_dry_run_then_import_through_the_database_worker(database_tasks, settings, tmp_path, athens):
    settings.XENAGOS_IMPORT_ROOT = tmp_path
    assert type(task_backends["default"]).__name__ == "DatabaseBackend"
    editor = get_user_model().objects.get(username="editor-athens")
    dataset = dataset_upsert(slug="pleiades-worker", title="Pleiades", licence="CC BY 3.0", attribution="Pleiades")
    upload = SimpleUploadedFile("pleiades.geojson", PLEIADES.read_bytes())
    run = import_run_create(upload=upload, dataset=dataset, municipality=athens, user=editor)
    assert run.file_path.startswith(str(tmp_path))
    mapping = Mapping(fields={"source_id": "pleiades_id", "name_el": "title"})
    import_run_update(run=run, mapping=mapping.to_dict())

    run = import_run_queue(run=run, dry_run=True)
    assert run.status == ImportRun.Status.CHECKING  # nothing runs until the worker does
    call_command("db_worker", "--batch", "--no-startup-delay", "-v", "0")
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED
    in_athens = run.dry_run_report["counts"]["create"]
    assert in_athens == 40 and run.dry_run_report["counts"]["rejected"] == 9  # the editor edits Athens only
    assert (run.progress_done, run.progress_total) == (49, 49)  # written by the task as it read
    assert not Place.objects.filter(dataset=dataset).exists()

    import_run_queue(run=run, dry_run=False)
    call_command("db_worker", "--batch", "--no-startup-delay", "-v", "0")
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED and run.stage == "done"
    assert Place.objects.filter(dataset=dataset, municipality=athens).count() == in_athens
