"""Xenagos project package: settings, root URLs, WSGI/ASGI and project-wide commands."""
