"""Background work goes through Django's Tasks API; the database backend's worker runs it."""

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus, task_backends

from gis.models import Place
from tests.gis.reassign_tasks import places_reassign


@pytest.mark.django_db(transaction=True)
def test_database_backend_worker_runs_a_task(database_tasks, athens):
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


@pytest.mark.django_db(transaction=True)
def test_a_places_import_queues_the_download_cache_fill_and_the_worker_runs_it(database_tasks):
    from gis.models import PlaceFeature
    from importers.mapping import Mapping
    from importers.services import places_import
    from tests.factories import DatasetFactory
    from tests.importers.helpers import PLEIADES

    PlaceFeature.objects.all().delete()
    dataset = DatasetFactory(slug="more-pleiades", title="Pleiades", licence="CC BY 3.0", attribution="Pleiades")
    mapping = Mapping(fields={"source_id": "pleiades_id", "name_el": "title"})
    places_import(path=PLEIADES, dataset=dataset, mapping=mapping)
    assert not PlaceFeature.objects.exists()  # queued at commit, not run: the import does not wait for it

    call_command("db_worker", "--batch", "--no-startup-delay", "-v", "0")
    published = Place.objects.filter(withdrawn=False, municipality__isnull=False).count()
    for language in ("el", "en"):
        assert PlaceFeature.objects.filter(language=language).count() == published > 18  # the demo's and the file's
