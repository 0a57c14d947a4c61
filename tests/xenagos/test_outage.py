"""A database outage, for real: a disposable PostgreSQL cluster (a copy of the test database) behind a gunicorn and a
task worker started as `make run` starts them; the test stops and starts that cluster under them.

What must hold: a branded 503 with Retry-After in the visitor's language (JSON for the API), a /healthz that says
"unavailable" and nothing more, pages back within 2 s of the restart with no stale-connection 500, one log line per
outage instead of a traceback per request, a worker that is still alive and runs a task queued after the outage, a
task whose worker was killed handed back and finally failed (never left running), and an editor's form that
survives the outage.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from tests.browser import assert_accessible

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
IS_ROOT = os.geteuid() == 0
# The tests talk to their own cluster; the marker makes pytest-django set up the test database they copy.
pytestmark = pytest.mark.django_db


def _pg_bin() -> Path:
    for major in sorted(os.listdir("/usr/lib/postgresql"), key=int, reverse=True):
        if Path(f"/usr/share/postgresql/{major}/extension/postgis.control").exists():
            return Path(f"/usr/lib/postgresql/{major}/bin")
    pytest.fail("no PostgreSQL with PostGIS under /usr/lib/postgresql")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_server(command: list[str]) -> list[str]:
    """Run as the unprivileged postgres user when we are root (initdb and postgres refuse root), as scripts/pg.sh."""
    return ["runuser", "-u", "postgres", "--", *command] if IS_ROOT else command


class Cluster:
    """A throw-away PostgreSQL cluster on 127.0.0.1, trust authentication, one database copied from the tests'."""

    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="xenagos-outage-"))
        self.dir.chmod(0o755)
        if IS_ROOT:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = _free_port()
        self.url = f"postgres://xenagos@127.0.0.1:{self.port}/xenagos"

    def _run(self, *command: str) -> None:
        subprocess.run(_as_server(list(command)), check=True, capture_output=True, cwd="/", timeout=120)

    def create(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "xenagos",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self.start()

    def start(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1",
            "start",
        )

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def running(self) -> bool:
        status = subprocess.run(
            _as_server([str(self.bin / "pg_ctl"), "-D", str(self.data), "status"]), cwd="/", capture_output=True
        )
        return status.returncode == 0

    def copy_database(self, settings_dict: dict) -> None:
        """Dump the test database (pg_dump -Fc) and restore it here."""
        dump = self.dir / "test.dump"
        env = {**os.environ, "PGPASSWORD": settings_dict["PASSWORD"] or ""}
        subprocess.run(
            [
                str(self.bin / "pg_dump"),
                "-Fc",
                "-h",
                settings_dict["HOST"],
                "-p",
                str(settings_dict["PORT"]),
                "-U",
                settings_dict["USER"],
                "-d",
                settings_dict["NAME"],
                "-f",
                str(dump),
            ],
            check=True,
            env=env,
            capture_output=True,
            timeout=300,
        )
        host = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "xenagos"]
        subprocess.run([str(self.bin / "createdb"), *host, "xenagos"], check=True, capture_output=True)
        subprocess.run(
            [str(self.bin / "pg_restore"), "--no-owner", "--no-privileges", *host, "-d", "xenagos", str(dump)],
            check=True,
            capture_output=True,
            timeout=300,
        )

    def query(self, query: sql.Composable, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
            return conn.execute(query, params).fetchall()

    def destroy(self) -> None:
        if self.running():
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Service:
    """A process started as `make run` starts it, its output in a log file."""

    def __init__(self, *, name: str, command: list[str], env: dict, directory: Path):
        self.name = name
        self.command = command
        self.env = env
        self.log = directory / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=log,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self, sig: int = signal.SIGTERM) -> None:
        if self.alive():
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)

    def text(self) -> str:
        return self.log.read_text(errors="replace")


def _env(cluster: Cluster, **extra: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.xenagos.outage_settings",
        "DATABASE_URL": cluster.url,
        "SECRET_KEY": "outage-test-not-secret",
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "INFO",
        "XENAGOS_OUTAGE_RETRY_AFTER_S": "7",
        "XENAGOS_WORKER_MAX_BACKOFF_S": "1",
        **extra,
    }


def _worker(cluster: Cluster, name: str = "worker") -> Service:
    command = [PYTHON, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2"]
    return Service(name=name, command=command, env=_env(cluster), directory=cluster.dir)


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker) -> Iterator[tuple[Cluster, Service, Service, int]]:
    """The disposable cluster, a gunicorn (1 process x 4 threads, pooled connections) and a worker; always torn down,
    the cluster stopped and deleted even when a test fails."""
    with django_db_blocker.unblock():
        from gis.models import Municipality
        from xenagos.demo import demo_load

        if not Municipality.objects.exists():
            demo_load()
        settings_dict = dict(connection.settings_dict)
    cluster = Cluster()
    services: list[Service] = []
    try:
        cluster.create()
        cluster.copy_database(settings_dict)
        port = _free_port()
        web = Service(
            name="web",
            command=[
                GUNICORN,
                "xenagos.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--access-logfile",
                "-",
                "--error-logfile",
                "-",
                "--timeout",
                "60",
                "--control-socket",
                str(cluster.dir / "gunicorn.ctl"),
            ],
            env=_env(cluster),
            directory=cluster.dir,
        )
        services = [web, _worker(cluster)]
        for service in services:
            service.start()
        deadline = time.monotonic() + 90
        while _get(port, "/healthz")[0] != 200:
            assert web.alive(), web.text()[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not come up:\n" + web.text()[-3000:]
            time.sleep(0.5)
        yield cluster, web, services[1], port
    finally:
        for service in services:
            service.kill(signal.SIGKILL)
        cluster.destroy()


def _get(port: int, path: str, *, host: str = "athens.localhost", headers: dict | None = None):
    """(status, headers, body) of a GET to our gunicorn; (0, {}, error) when nothing answers."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": f"{host}:{port}", **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    except OSError as error:
        return 0, {}, str(error)
    finally:
        conn.close()


def _wait_for(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {seconds} s waiting for {what}")


def _enqueue(cluster: Cluster, seconds: float) -> str:
    """Queue tests.xenagos.outage_tasks.nap through the Tasks API, in a process of its own; returns the task id."""
    code = f"from tests.xenagos.outage_tasks import nap; print(nap.enqueue({seconds}).id)"
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=_env(cluster),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def _task(cluster: Cluster, task_id: str) -> tuple[str, list, str]:
    from django_tasks_db.models import DBTaskResult

    query = sql.SQL("SELECT status, worker_ids, exception_class_path FROM {} WHERE id = %s").format(
        sql.Identifier(DBTaskResult._meta.db_table)
    )
    (row,) = cluster.query(query, (task_id,))
    return row


def test_an_outage_answers_503_then_recovers_and_the_worker_survives(stack):
    cluster, web, worker, port = stack
    # Every thread of the gunicorn gets a pooled connection that the restart will make stale.
    for path in ["/el/", "/en/", "/el/map/", "/api/features/collections"] * 3:
        status, _headers, body = _get(port, path)
        assert status == 200, (path, body[:500])

    cluster.stop()
    try:
        status, headers, body = _get(port, "/el/")
        assert status == 503
        assert headers["retry-after"] == "7"
        assert "no-store" in headers["cache-control"]
        assert '<html lang="el">' in body and "Προσωρινά μη διαθέσιμο" in body
        assert 'href="/el/"' in body  # a way back
        status, headers, body = _get(port, "/en/map/")
        assert (status, headers["retry-after"]) == (503, "7")
        assert '<html lang="en">' in body and "Briefly unavailable" in body
        # A path without a language prefix speaks the browser's language.
        status, headers, body = _get(port, "/", headers={"Accept-Language": "en-GB,en;q=0.9"})
        assert status in (302, 503)  # the redirect to /en/ needs no database; the page behind it is the 503
        status, headers, body = _get(port, "/api/features/collections/places/items?limit=5")
        assert status == 503 and headers["content-type"].startswith("application/json")
        assert json.loads(body)["code"] == "ServiceUnavailable"
        status, headers, body = _get(port, "/healthz")
        assert status == 503
        assert json.loads(body) == {"status": "unavailable", "database": "unavailable"}
        assert str(cluster.port) not in body and "127.0.0.1" not in body
        answers = [_get(port, "/el/")[0] for _ in range(30)]
        assert set(answers) == {503}, answers
    finally:
        cluster.start()
    restarted = time.monotonic()
    _wait_for(lambda: _get(port, "/el/")[0] == 200, seconds=2, what="the home page after the restart")
    assert time.monotonic() - restarted < 2
    after = [_get(port, path)[0] for path in ["/el/", "/en/", "/el/map/", "/api/features/collections"] * 5]
    assert set(after) == {200}, after  # no stale pooled connection costs a 500
    health = json.loads(_get(port, "/healthz")[2])
    assert health["status"] == "ok" and "oldest_queued_task_age_s" in health

    # The worker lived through it and runs a task queued afterwards.
    assert worker.alive(), worker.text()[-3000:]
    task_id = _enqueue(cluster, 0)
    _wait_for(lambda: _task(cluster, task_id)[0] == "SUCCESSFUL", seconds=20, what="the worker to run a new task")

    # One line when the outage began and one when it ended, per process; no traceback.
    web_log, worker_log = web.text(), worker.text()
    assert len(re.findall(r"database unavailable: ", web_log)) == 1, web_log[-5000:]
    assert len(re.findall(r"database back after [0-9.]+ s", web_log)) == 1, web_log[-5000:]
    assert "Traceback" not in web_log, web_log[-5000:]
    assert len(re.findall(r"database unavailable: ", worker_log)) == 1, worker_log[-5000:]
    assert "Traceback" not in worker_log, worker_log[-5000:]

    # A quick restart with no request in between: every pooled connection is stale, and none may cost a 500.
    for path in ["/el/", "/en/", "/el/map/", "/api/features/collections"] * 3:
        assert _get(port, path)[0] == 200
    cluster.stop()
    cluster.start()
    after = [_get(port, path)[0] for path in ["/el/", "/en/", "/el/map/", "/api/features/collections"] * 5]
    assert set(after) == {200}, after


def test_healthz_reports_the_age_of_the_oldest_queued_task(stack):
    cluster, web, worker, port = stack
    worker.kill()
    try:
        _enqueue(cluster, 0)
        time.sleep(2)
        age = json.loads(_get(port, "/healthz")[2])["oldest_queued_task_age_s"]
        assert isinstance(age, int) and 2 <= age < 60
    finally:
        worker.start()
    _wait_for(
        lambda: json.loads(_get(port, "/healthz")[2])["oldest_queued_task_age_s"] is None,
        seconds=20,
        what="the restarted worker to empty the queue",
    )


def test_a_task_whose_worker_is_killed_is_retried_then_failed(stack):
    cluster, web, worker, port = stack
    task_id = _enqueue(cluster, 300)
    for attempt in (1, 2):
        _wait_for(
            lambda n=attempt: (row := _task(cluster, task_id))[0] == "RUNNING" and len(row[1]) == n,
            seconds=20,
            what=f"attempt {attempt} to start",
        )
        worker.kill(signal.SIGKILL)
        assert _task(cluster, task_id)[0] == "RUNNING"  # what django_tasks_db alone would leave forever
        worker.start()
    status, worker_ids, exception = _wait_for(
        lambda: (row := _task(cluster, task_id))[0] == "FAILED" and row, seconds=20, what="the task to be failed"
    )
    assert len(worker_ids) == 2 and exception == "xenagos.tasks_worker.TaskInterrupted"
    assert worker.alive()


def _first_id(cluster: Cluster, query: str) -> int:
    return cluster.query(sql.SQL(query))[0][0]


@pytest.mark.browser
@pytest.mark.parametrize(
    ("what", "url", "field", "column"),
    [
        (
            "page",
            "/admin/pages/{id}/edit/",
            "title",
            "SELECT draft_title FROM wagtailcore_page WHERE id = %s",
        ),
        (
            "place",
            "/admin/snippets/xgis/place/edit/{id}/",
            "name_en",
            "SELECT name_en FROM xgis_place WHERE id = %s",
        ),
    ],
    ids=["page", "place"],
)
def test_an_editors_save_during_an_outage_keeps_the_text_and_can_be_sent_again(
    stack, browser, what, url, field, column
):
    """In Chromium: an editor edits a page (or a place), the database stops, they press save; the 503 page (in the
    browser's language) keeps what they typed and, once the database is back, 'Send again' saves it. (The browser's
    Back would not: it reloads the form, which fails too.)"""
    cluster, web, worker, port = stack
    base = f"http://127.0.0.1:{port}"
    object_id = _first_id(
        cluster,
        "SELECT p.id FROM wagtailcore_page p JOIN django_content_type t ON t.id = p.content_type_id"
        " WHERE t.model = 'placepage' ORDER BY p.id LIMIT 1"
        if what == "page"
        else "SELECT id FROM xgis_place ORDER BY id LIMIT 1",
    )
    edit_url = base + url.format(id=object_id)
    context = browser.new_context(locale="el-GR")
    tab = context.new_page()
    try:
        tab.goto(f"{base}/admin/login/")
        tab.fill("#id_username", "admin")
        tab.fill("#id_password", "xenagos-demo-admin")
        tab.locator("form button[type=submit]").first.click()
        tab.wait_for_url(f"{base}/admin/")
        tab.goto(edit_url)
        typed = f"Γραμμένο στη διακοπή της βάσης ({what})"
        tab.fill(f"#id_{field}", typed)

        cluster.stop()
        try:
            with tab.expect_navigation() as navigation:
                tab.locator(f"#id_{field}").evaluate("field => field.form.requestSubmit()")  # what Save does
            assert navigation.value.status == 503
            assert tab.locator("h1").inner_text() == "Προσωρινά μη διαθέσιμο"
            assert "Δεν χάθηκε τίποτα" in tab.locator("main").inner_text()
            assert tab.locator(f"input[name={field}]").get_attribute("value") == typed
            assert tab.locator("input[name=csrfmiddlewaretoken]").count() == 1
            assert_accessible(tab)  # axe-core, served by us while the database is down
        finally:
            cluster.start()
        _wait_for(lambda: _get(port, "/healthz")[0] == 200, seconds=5, what="the database to be back")
        with tab.expect_navigation():
            tab.get_by_role("button", name="Αποστολή ξανά").click()
        assert tab.locator("h1").inner_text() != "Προσωρινά μη διαθέσιμο"
    finally:
        context.close()
    assert cluster.query(sql.SQL(column), (object_id,))[0][0] == typed
