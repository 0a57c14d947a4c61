"""Background tasks of the tiles app (Django Tasks API; the database backend's worker is `manage.py db_worker`)."""

from django_tasks import task

from .services import layer_build


@task()
def layer_build_task(layer_id: int) -> dict:
    """Build a registered layer's pyramid; returns its status, tile count and message."""
    outcome = layer_build(layer_id=layer_id)
    return {"status": outcome.layer.status, "tiles": outcome.layer.tile_count, "message": outcome.layer.message}
