"""Test fixtures: the project's own PostGIS (never SQLite), the demo municipalities, headless Chromium."""

import os

import pytest
from django.db import connection

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from that thread are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.browser import browser, live_server, page  # noqa: E402,F401  (fixtures)


@pytest.fixture(scope="session", autouse=True)
def static_files():
    """Static files collected as `make run` collects them (hashed names), before any test renders a page; skipped
    when the sources have not changed since the last run (tests/static.py)."""
    from tests.static import collect_static

    collect_static()


@pytest.fixture(scope="session", autouse=True)
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database is PostGIS, and holds the demo (Athens, Nafplio) as loaded by `make run`."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.fail(f"the tests need PostgreSQL with PostGIS, not {connection.vendor}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT postgis_lib_version()")
            (version,) = cursor.fetchone()
        if not version.startswith("3."):
            pytest.fail(f"the tests need PostGIS 3, found {version}")
        from xenagos.demo import demo_load

        demo_load()


@pytest.fixture(autouse=True)
def demo(request):
    """Every database test sees the demo. Browser tests run against a live server, which makes their database
    transactional and flushed afterwards; the next test that needs the demo loads it again."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "live_server" in request.fixturenames or bool(marker and marker.kwargs.get("transaction"))
    if marker is None and not transactional:
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from gis.models import Municipality
    from xenagos.demo import demo_load

    if not Municipality.objects.exists():
        demo_load()


@pytest.fixture
def athens(db):
    """The demo municipality of Athens (Kallikratis 9186)."""
    from gis.models import Municipality

    return Municipality.objects.get(code="9186")


@pytest.fixture
def nafplio(db):
    """The demo municipality of Nafplio (Kallikratis 9236)."""
    from gis.models import Municipality

    return Municipality.objects.get(code="9236")


@pytest.fixture
def database_tasks(settings):
    """Background tasks go to the database queue, as in production, instead of running at once; a test runs them
    with ``manage.py db_worker --batch``."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
