"""The IIIF background task (Django Tasks API; the worker is ``manage.py db_worker``) and its scheduling."""

from django.db import transaction
from django_tasks import task

from .services import archive_image_tiles_make, archive_image_tiles_pending


@task()
def archive_image_tiles_task(item_image_id: int) -> str:
    """Make and record the IIIF tile set of archive image ``item_image_id``; returns its state."""
    return archive_image_tiles_make(item_image_id=item_image_id)


def archive_image_tiles_schedule(*, item_image_id: int) -> None:
    """Mark the image pending now and enqueue its tiling once the current transaction commits."""
    archive_image_tiles_pending(item_image_id=item_image_id)
    transaction.on_commit(lambda: archive_image_tiles_task.enqueue(item_image_id))
