"""Production: base settings, hardened. Requires SECRET_KEY and ALLOWED_HOSTS from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

if "ALLOWED_HOSTS" not in os.environ:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the municipalities' hostnames (see .env.example).")

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True

# --- Admin security: superusers must sign in with a code from an authenticator app (README, "Security").
XENAGOS_TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = True
