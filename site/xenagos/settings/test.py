"""Settings for the test suite: test defaults on top of base, never a different database engine."""

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
# Tests never need the internet: both base maps are a blank tile served by us.
os.environ.setdefault(
    "XENAGOS_BASEMAPS",
    '[{"name": "Test streets", "url": "/static/xenagos/img/blank-tile.png?s={z}/{x}/{y}", "attribution": "test"},'
    ' {"name": "Test terrain", "url": "/static/xenagos/img/blank-tile.png?t={z}/{x}/{y}", "attribution": "test"}]',
)

from .base import *  # noqa: E402,F403
from .base import BASE_DIR, NODE_MODULES, STATICFILES_DIRS  # noqa: E402

ALLOWED_HOSTS = ["*"]
# Parallel test runs on one machine each take their own test database (XENAGOS_TEST_DB).
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("XENAGOS_TEST_DB", "test_xenagos")}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# --- Static files: the pipeline `make run` and production serve (base's CompressedManifestStaticFilesStorage, hashed
# names, WhiteNoise), collected once per test session into a folder of the tests' own (tests/static.py; the live
# server leaves /static/ to WhiteNoise, tests/browser.py), so a test sees the URLs a visitor gets.
STATIC_ROOT = Path(os.environ.get("XENAGOS_TEST_STATIC_ROOT", "") or BASE_DIR / "var" / "test-static")
# WhiteNoise looks each request's file up in STATIC_ROOT (same files, same headers) instead of scanning the whole
# folder whenever a handler starts: every test client is a new handler, and a scan costs about 0.3 s.
WHITENOISE_AUTOREFRESH = True
# axe-core is served from our own origin in tests so the strict CSP also holds while it runs.
STATICFILES_DIRS = [*STATICFILES_DIRS, ("vendor/axe-core", NODE_MODULES / "axe-core")]
# The OAI-PMH test server (tests/importers/oai_server.py) listens on 127.0.0.1: the one non-public host harvested.
HARVEST_ALLOWED_HOSTS = ["127.0.0.1"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}

# --- Page cache: off by default so that tests do not see each other's pages; tests/content/test_page_cache.py
# turns it on over a file cache in its own folder. The default cache is per process, as Django's default.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "xenagos-test"}}
XENAGOS_PAGE_CACHE_SECONDS = 0
