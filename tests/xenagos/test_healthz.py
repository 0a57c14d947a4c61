"""/healthz answers 200 with versions when the database is up, 503 when it cannot be reached."""

import json
import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_healthz_reports_database_and_postgis_versions(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["postgresql"].split(".")[0].isdigit() and int(body["postgresql"].split(".")[0]) >= 15
    assert body["postgis"].startswith("3.")


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
    assert answer["body"]["status"] == "unavailable"
    assert "connection" in answer["body"]["database"].lower()
