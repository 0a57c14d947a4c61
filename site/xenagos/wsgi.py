"""WSGI entry point (gunicorn xenagos.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xenagos.settings.production")
application = get_wsgi_application()
