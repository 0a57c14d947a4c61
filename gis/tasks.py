"""Background tasks of the gis app (Django Tasks API; the worker is `manage.py db_worker`)."""

from django.conf import settings
from django.db import connection, transaction
from django_tasks import task
from psycopg import sql

from .api.feature_cache import CACHE, feature_cache_fill


@task()
def feature_cache_fill_task(language: str | None = None) -> int:
    """Store the open-data feature of every published place that lacks one, in ``language`` or every language;
    returns how many were stored (see gis.api.feature_cache)."""
    languages = [language] if language else [code for code, _name in settings.LANGUAGES]
    written = sum(feature_cache_fill(language=code) for code in languages)
    if written and not connection.in_atomic_block:  # VACUUM cannot run in a transaction (the tests' immediate tasks)
        with connection.cursor() as cursor:
            # sets the new rows' hint bits and visibility map now, so the next downloads' checks are index-only
            cursor.execute(sql.SQL("VACUUM (ANALYZE) {}").format(CACHE))
    return written


@task()
def route_profile_task(route_id: int) -> str:
    """Store route ``route_id``'s profile and the facts measured from it (gis.routes.route_profile_store: its
    keeper's DEM, else its track's elevations, else none); returns the profile's source ("" for none)."""
    from .models import Route
    from .routes import route_profile_store  # numpy, pyproj and rasterio: the worker's, not a web worker's start

    if not Route.objects.filter(pk=route_id).exists():  # deleted before the worker came to it
        return ""
    return route_profile_store(route_id=route_id).profile_source


@task()
def municipality_route_profiles_task(municipality_id: int) -> int:
    """Store again the profile of every route that municipality ``municipality_id`` keeps (its DEM was set,
    replaced or removed); returns how many."""
    from .models import Route
    from .routes import route_profile_store

    route_ids = list(Route.objects.filter(municipality_id=municipality_id).values_list("pk", flat=True))
    for route_id in route_ids:
        route_profile_store(route_id=route_id)
    return len(route_ids)


def route_profile_schedule(*, route_id: int) -> None:
    """Once the current transaction commits: enqueue route_profile_task if the route's keeper has a DEM (without
    one, the profile gis.routes.route_measure stored from the track stands)."""
    from .models import Route

    def enqueue() -> None:
        if Route.objects.filter(pk=route_id).exclude(municipality__dem="").filter(municipality__isnull=False).exists():
            route_profile_task.enqueue(route_id)

    transaction.on_commit(enqueue)


def municipality_route_profiles_schedule(*, municipality_id: int) -> None:
    """Enqueue municipality_route_profiles_task once the current transaction commits."""
    transaction.on_commit(lambda: municipality_route_profiles_task.enqueue(municipality_id))
