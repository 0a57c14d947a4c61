"""Background tasks of the gis app (Django Tasks API; the worker is `manage.py db_worker`)."""

from django_tasks import task

from .services import places_reassign_municipality


@task()
def places_reassign() -> int:
    """Re-derive every place's municipality from the boundaries; returns how many places moved."""
    return places_reassign_municipality()
