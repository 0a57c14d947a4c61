"""WSGI entry point (gunicorn xenagos.wsgi).

A web process starts without the GIS and data libraries that imports, tile builds and the worker use (they are
imported where they are used; tests/xenagos/test_light_web.py). GeoDjango would still import numpy as Django sets
up, because it can hand GDAL raster bands and GEOS coordinates out as numpy arrays, which no view of ours asks for.
numpy is hidden while Django sets up, so GeoDjango works with lists here, as documented without numpy, and numpy
loads only when a request needs it (the first map or GeoPackage a worker builds). Commands and the task worker do
not start through this module and keep GeoDjango's numpy support.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.wsgi import get_wsgi_application

NOT_AT_START_UP = "numpy"


@contextmanager
def module_hidden(name: str) -> Iterator[None]:
    """Within the block, ``import name`` raises ImportError (unless it is imported already); after it, it imports
    normally. ``None`` in ``sys.modules`` is the import system's own marker for "not available"."""
    if name in sys.modules:
        yield
        return
    sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if sys.modules.get(name, ...) is None:
            del sys.modules[name]


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xenagos.settings.production")
with module_hidden(NOT_AT_START_UP):
    application = get_wsgi_application()
