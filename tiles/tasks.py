"""Background tasks of the tiles app (Django Tasks API; the database backend's worker is `manage.py db_worker`)."""

from django.db import transaction
from django_tasks import task

from .models import RasterLayer
from .services import layer_build, layer_mark_queued


@task()
def layer_build_task(layer_id: int) -> dict:
    """Build a registered layer's pyramid; returns its status, tile count and message."""
    outcome = layer_build(layer_id=layer_id)
    return {"status": outcome.layer.status, "tiles": outcome.layer.tile_count, "message": outcome.layer.message}


def layer_build_schedule(*, layer: RasterLayer) -> None:
    """Mark ``layer`` waiting and enqueue its build once the current transaction commits."""
    layer_mark_queued(layer=layer)
    transaction.on_commit(lambda: layer_build_task.enqueue(layer.pk))
