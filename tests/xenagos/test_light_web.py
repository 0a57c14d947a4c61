"""A web process stays light: the GIS and data libraries that only imports, tile builds and the worker use are not
loaded by the WSGI application, nor by the requests it answers first (README "Architecture": they load where they
are used).

The check runs in a fresh process, as a gunicorn worker starts: it imports ``xenagos.wsgi.application``, walks every
URL pattern (which imports every view module and every app's admin hooks) and answers real requests through the WSGI
application (health, a home page, the admin's sign-in page) before it looks at ``sys.modules``.

Pillow stays allowed: Wagtail's images load it when the apps start, and renditions need it in requests.
"""

import json
import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

# Loaded only by readers, tile builds, the worker and the builders of a map or GeoPackage, never by starting up:
# data frames, vector I/O and geometry of the importers, rasters of the tile build (with boto3, which rasterio loads
# for its S3 sessions), the tile grid, and folium (with branca), which once built the maps.
HEAVY = (
    "geopandas",
    "pandas",
    "pyogrio",
    "shapely",
    "pyproj",
    "numpy",
    "rasterio",
    "boto3",
    "botocore",
    "s3transfer",
    "morecantile",
    "folium",
    "branca",
)
# Installed (by the dev extra, or by Wagtail: for HEIC/AVIF images that our settings refuse, for oEmbed that our
# settings do not configure), imported by other libraries only if they can, and needed by no request of these:
# xenagos/wsgi.py hides them while Django sets up.
NOT_NEEDED = ("jinja2", "yaml", "pygments", "pillow_heif", "requests", "urllib3")

FIRST_REQUESTS = """
import io, json, sys
from wsgiref.util import setup_testing_defaults

from xenagos.wsgi import application

from django.urls import get_resolver
from wagtail import hooks


def walk(patterns):
    for pattern in patterns:
        walk(getattr(pattern, "url_patterns", []))


walk(get_resolver().url_patterns)
hooks.search_for_hooks()
answers = {}
for host, path in [("127.0.0.1", "/healthz"), ("athens.localhost", "/el/"), ("127.0.0.1", "/admin/login/")]:
    environ = {"HTTP_HOST": host, "SERVER_NAME": host, "PATH_INFO": path, "wsgi.input": io.BytesIO()}
    setup_testing_defaults(environ)
    status = []
    body = b"".join(application(environ, lambda code, headers, exc_info=None: status.append(code)))
    answers[path] = status[0]
heavy = json.loads(sys.argv[1])
print(json.dumps({"answers": answers, "loaded": sorted(name for name in heavy if name in sys.modules)}))
"""


# Maps are drawn by our own script from a JSON configuration (gis.maps): rendering the pages that show them loads
# none of the heavy libraries either. Through Django's test client, in a fresh process that has imported the WSGI
# application as a gunicorn worker does.
MAP_PAGES = """
import io, json, sys

from xenagos.wsgi import application  # noqa: F401  (as a gunicorn worker starts: it sets Django up)

from django.test import Client

client = Client()
answers = {}
for host, path in json.loads(sys.argv[2]):
    response = client.get(path, HTTP_HOST=host)
    answers[path] = [response.status_code, b"data-xenagos-map" in response.content]
# Wagtail's images still open and resize (a PNG through Willow, as a rendition does) without pillow_heif.
from PIL import Image as PILImage
from willow.image import Image

png = io.BytesIO()
PILImage.new("RGB", (4, 2), "#0b5394").save(png, "PNG")
answers["willow"] = list(Image.open(png).resize((2, 1)).get_size())
heavy = json.loads(sys.argv[1])
print(json.dumps({"answers": answers, "loaded": sorted(name for name in heavy if name in sys.modules)}))
"""
PAGES_WITH_MAPS = [
    ("athens.localhost", "/el/map/"),
    ("nafplio.localhost", "/en/map/"),
    ("athens.localhost", "/el/places/akropoli-athinon/"),
    ("nafplio.localhost", "/el/places/tiryntha/"),
]


def database_url_for_tests() -> str:
    """DATABASE_URL of the test database (with the demo), for a separate process."""
    db = connection.settings_dict
    user, password = quote(db["USER"] or "", safe=""), quote(db["PASSWORD"] or "", safe="")
    return f"postgres://{user}:{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def fresh_web_process(script: str, *arguments: object) -> dict:
    """Run ``script`` (which imports the WSGI application as gunicorn does) in a new Python process on the test
    database, with the modules that must not load as its first argument; its report, the JSON of its last line."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "xenagos.settings.test",
        "DATABASE_URL": database_url_for_tests(),
        "SECRET_KEY": settings.SECRET_KEY,
    }
    result = subprocess.run(
        [sys.executable, "-c", script, json.dumps(HEAVY + NOT_NEEDED), *(json.dumps(a) for a in arguments)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)  # the demo committed, so the other process sees it
def test_web_process_loads_no_gis_or_data_library():
    report = fresh_web_process(FIRST_REQUESTS)
    assert report["answers"] == {"/healthz": "200 OK", "/el/": "200 OK", "/admin/login/": "200 OK"}
    assert report["loaded"] == [], (
        f"the web process loaded {report['loaded']}: import them where they are used (find the chain with "
        "python -X importtime -c 'from xenagos.wsgi import application')"
    )


@pytest.mark.django_db(transaction=True)  # the demo committed, so the other process sees it
def test_map_and_place_pages_load_no_gis_or_data_library():
    report = fresh_web_process(MAP_PAGES, PAGES_WITH_MAPS)
    assert report["answers"] == {path: [200, True] for _host, path in PAGES_WITH_MAPS} | {"willow": [2, 1]}
    assert report["loaded"] == [], (
        f"rendering a map page or a place page loaded {report['loaded']}: import them where they are used"
    )


def test_the_images_that_would_need_pillow_heif_are_refused():
    """pillow_heif is hidden from web processes only because no HEIC or AVIF image can be uploaded."""
    assert not {"heic", "avif"} & set(settings.WAGTAILIMAGES_EXTENSIONS)
