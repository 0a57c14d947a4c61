"""Project-wide checks: deploy settings, migrations in step with models, lint and format, CSP."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def test_production_settings_pass_check_deploy():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": "xenagos.settings.production",
            "SECRET_KEY": "q8Vx3!mZ0r$Lw7uK2c#Np9sYe4tGj6hB1dF5aQ-zX_oR+iT%kE&yU*vM@nP(lH)",
            "ALLOWED_HOSTS": "athens.example.gr,nafplio.example.gr",
            "DATABASE_URL": _database_url(),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_allowed_hosts():
    env = {k: v for k, v in os.environ.items() if k != "ALLOWED_HOSTS"}
    env.update(DJANGO_SETTINGS_MODULE="xenagos.settings.production", SECRET_KEY="x" * 60, DATABASE_URL=_database_url())
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


@pytest.mark.django_db
def test_migrations_are_in_step_with_models():
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_lint_and_format():
    ruff = Path(sys.executable).with_name("ruff")
    lint = subprocess.run([ruff, "check", str(ROOT)], capture_output=True, text=True, cwd=ROOT)
    assert lint.returncode == 0, lint.stdout
    fmt = subprocess.run([ruff, "format", "--check", str(ROOT)], capture_output=True, text=True, cwd=ROOT)
    assert fmt.returncode == 0, fmt.stdout


def test_mypy():
    """mypy with django-stubs over the project's packages (settings and strictness: pyproject.toml [tool.mypy]); its
    cache is var/mypy-cache, so a second run reads only what changed."""
    mypy = Path(sys.executable).with_name("mypy")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "xenagos.settings.test",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "mypy-only"),
        "DATABASE_URL": _database_url(),
    }
    result = subprocess.run([mypy], capture_output=True, text=True, cwd=ROOT, env=env, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr


def test_site_is_a_source_root_not_a_package():
    """`site` is a standard-library module: the folder must not become an importable package."""
    assert not (ROOT / "site" / "__init__.py").exists()
    import site

    assert site.__file__ and "site-packages" not in site.__file__ and Path(site.__file__).name == "site.py"


@pytest.mark.django_db
def test_public_pages_have_a_strict_content_security_policy(client):
    response = client.get("/el/map/", HTTP_HOST="athens.localhost")
    policy = dict((part.strip().split(" ", 1) + [""])[:2] for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    script_sources = policy["script-src"].split()
    assert script_sources[0] == "'self'" and all(s.startswith("'nonce-") for s in script_sources[1:])
    assert "unsafe-inline" not in policy["style-src"]
    assert policy["object-src"] == "'none'"


@pytest.mark.django_db
def test_admin_gets_its_relaxed_policy(client):
    response = client.get("/admin/login/")
    assert "'unsafe-inline'" in response["Content-Security-Policy"]


def test_env_example_lists_every_variable_the_code_reads():
    import re

    read = set()
    for path in [*ROOT.glob("site/xenagos/settings/*.py"), ROOT / "tests" / "browser.py", ROOT / "scripts" / "pg.sh"]:
        text = path.read_text()
        read |= set(re.findall(r"""env(?:_bool|_list)?\(\s*["']([A-Z_]+)["']""", text))
        read |= set(re.findall(r"""os\.environ(?:\.get)?[\[(]\s*["']([A-Z_]+)["']""", text))
        read |= set(re.findall(r"\$\{([A-Z_]+):-", text))
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    # Test-harness variables, never set by an operator: Playwright's async guard, pytest-django's live server
    # address, and the folder the tests collect static files into.
    internal = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_LIVE_TEST_SERVER_ADDRESS", "XENAGOS_TEST_STATIC_ROOT"}
    assert read - internal - listed == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/admin/no-such-screen/", "/api/features/collections/no-such-collection", "/tiles/none/tilejson.json"]
)
def test_language_neutral_paths_answer_404_without_a_language_redirect(admin_client, path):
    """Pages live under /<lang>/; a 404 elsewhere must not be turned into a redirect to /el/... (which the Wagtail
    catch-all would accept)."""
    response = admin_client.get(path, HTTP_HOST="athens.localhost")
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_page_path_without_language_still_redirects(client):
    response = client.get("/places/", HTTP_HOST="athens.localhost")
    assert response.status_code == 302 and response["Location"] == "/el/places/"
