"""Background work goes through Django's Tasks API; the database backend's worker runs it."""

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus, task_backends

from gis.models import Place
from gis.tasks import places_reassign

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_database_backend_worker_runs_a_task(settings, athens):
    settings.TASKS = DATABASE_TASKS
    assert type(task_backends["default"]).__name__ == "DatabaseBackend"
    acropolis = Place.objects.get(name_en="Acropolis of Athens")
    Place.objects.filter(pk=acropolis.pk).update(municipality=None)  # as if imported before the boundary existed

    result = places_reassign.enqueue()
    assert result.status == TaskResultStatus.READY
    acropolis.refresh_from_db()
    assert acropolis.municipality is None  # nothing runs until the worker does

    call_command("db_worker", "--batch", "--no-startup-delay", "-v", "0")
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    acropolis.refresh_from_db()
    assert acropolis.municipality == athens
