"""A task for the tests of the task queue: it re-derives places' municipalities, a write whose effect a test can see.
The gis app has no such task of its own (``municipality_upsert`` reassigns the places in its own transaction)."""

from django_tasks import task

from gis.services import places_reassign_municipality


@task()
def places_reassign() -> int:
    """Re-derive every place's municipality from the boundaries; returns how many places moved."""
    return places_reassign_municipality()
