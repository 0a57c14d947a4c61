"""WSGI entry point (gunicorn xenagos.wsgi).

A web process starts without the GIS and data libraries that imports, tile builds and the worker use (they are
imported where they are used; tests/xenagos/test_light_web.py). Some libraries would still be imported as Django
sets up, only because they are installed and another library imports them if it can; none of them is needed to
answer a request, so they are hidden while Django sets up (NOT_AT_START_UP) and load only if a request needs them:

- numpy: GeoDjango can hand GDAL raster bands and GEOS coordinates out as numpy arrays, which no view of ours asks
  for; without it GeoDjango works with lists, as documented.
- jinja2: Django's test utilities (``django.test.utils``, which Wagtail imports) instrument Jinja2 templates if
  jinja2 is there; we have no Jinja2 templates. Only the dev extra installs it.
- yaml, pygments: Django REST framework's optional YAML support and code highlighting of its browsable API
  (``rest_framework.compat``; Wagtail's admin API answers JSON). Only the dev extra installs them.
- requests (with urllib3, charset_normalizer and idna): Django REST framework's compatibility module imports it if it
  can, for its test client only (``rest_framework.test.RequestsClient``); Wagtail imports DRF for its admin API.
  (Wagtail's oEmbed finder would import it too: settings configure no embed finder, WAGTAILEMBEDS_FINDERS.)
- pillow_heif (with its own libheif, libde265 and x265): Willow's HEIC/AVIF support, which Wagtail installs. Our
  settings accept no HEIC or AVIF upload (WAGTAILIMAGES_EXTENSIONS), so no such image exists to render; it is
  hidden only while those settings leave both out.

Commands and the task worker do not start through this module and keep all of them.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.wsgi import get_wsgi_application

NOT_AT_START_UP = ("numpy", "jinja2", "yaml", "pygments", "requests")
HEIF_EXTENSIONS = {"heic", "avif"}


@contextmanager
def modules_hidden(names: tuple[str, ...]) -> Iterator[None]:
    """Within the block, ``import name`` raises ImportError for each of ``names`` (unless it is imported already);
    after it, they import normally. ``None`` in ``sys.modules`` is the import system's own marker for "not
    available"."""
    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


def not_at_start_up() -> tuple[str, ...]:
    """The modules hidden while Django sets up (see the module's docstring)."""
    if HEIF_EXTENSIONS & {extension.lower() for extension in settings.WAGTAILIMAGES_EXTENSIONS}:
        return NOT_AT_START_UP
    return (*NOT_AT_START_UP, "pillow_heif")


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xenagos.settings.production")
with modules_hidden(not_at_start_up()):
    application = get_wsgi_application()
