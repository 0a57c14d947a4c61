"""Background tasks of the gis app (Django Tasks API; the worker is `manage.py db_worker`)."""

from django.conf import settings
from django.db import connection
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
