"""Settings of the servers that tests/xenagos/test_outage.py starts: the test settings, with the database task queue
(as in production) instead of running tasks at once."""

from xenagos.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
WHITENOISE_USE_FINDERS = True  # the tests' axe-core is found in node_modules, not in STATIC_ROOT
