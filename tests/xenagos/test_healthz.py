"""/healthz answers 200 when the database (with PostGIS) is up, naming no versions; 503 when it cannot be reached."""

import json
import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_healthz_says_the_database_answers_and_names_no_versions(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body == {"status": "ok", "database": "ok", "oldest_queued_task_age_s": None}  # tests' tasks run at once
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), postgis_lib_version()")
        versions = cursor.fetchone()
    assert not any(version in response.content.decode() for version in versions)


@pytest.mark.django_db
def test_healthz_reports_the_age_of_the_oldest_due_task(client, database_tasks):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from tests.gis.reassign_tasks import places_reassign

    assert client.get("/healthz").json()["oldest_queued_task_age_s"] is None
    old = places_reassign.enqueue()
    later = places_reassign.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    DBTaskResult.objects.filter(id=old.id).update(enqueued_at=timezone.now() - timedelta(minutes=5))
    DBTaskResult.objects.filter(id=later.id).update(enqueued_at=timezone.now() - timedelta(hours=3))  # not due yet
    age = client.get("/healthz").json()["oldest_queued_task_age_s"]
    assert 300 <= age < 330


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_is_503_when_the_database_is_unreachable():
    """A separate process whose DATABASE_URL points at a port where nothing listens."""
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:x@127.0.0.1:{_closed_port()}/{db['NAME']}"
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz'); print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "xenagos.settings.test"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    # The public answer says only that; the connection error (host, port, reason) goes to the log.
    assert answer["body"] == {"status": "unavailable", "database": "unavailable"}
    assert "database unavailable: connection" in result.stderr.lower()
    assert "Traceback" not in result.stderr
