"""Pages and map data are sent gzipped when they carry no secret (xenagos.compression), also from the page cache,
whose ETag/304 keeps working; the admin and anything with a CSRF token are never compressed (BREACH)."""

import gzip
import json

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

NAFPLIO = {"HTTP_HOST": "nafplio.localhost"}
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def body(response) -> bytes:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return gzip.decompress(content) if response.get("Content-Encoding") == "gzip" else content


@pytest.fixture
def page_cache(settings, tmp_path):
    """The page cache on, over a file cache of the test's own (as `make run` has it)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}
    }
    settings.XENAGOS_PAGE_CACHE_SECONDS = 600


def test_the_map_page_and_its_places_are_gzipped(client):
    plain = client.get("/el/map/", **NAFPLIO)
    packed = client.get("/el/map/", **NAFPLIO, **GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 2  # Nafplio: 103 KB of HTML (its boundary inline) to 33 KB
    assert b"folium-map" in body(packed)

    places = client.get("/el/map/places/?bbox=22.5,37.4,23.1,37.8&zoom=12", **NAFPLIO, **GZIP)
    assert places["Content-Type"].startswith("application/geo+json") and places["Content-Encoding"] == "gzip"
    assert json.loads(body(places))["type"] == "FeatureCollection"


def test_open_data_downloads_are_gzipped(client):
    response = client.get("/api/features/collections/places/items?limit=100", **NAFPLIO, **GZIP)
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert json.loads(body(response))["features"]


def test_pages_with_a_csrf_token_or_a_session_are_not_compressed(client):
    login = client.get("/admin/login/", **GZIP)
    assert login.status_code == 200 and b"csrfmiddlewaretoken" in login.content
    assert "Content-Encoding" not in login  # the CSRF token: BREACH

    client.force_login(get_user_model().objects.get(username="editor-athens"))
    for path in ("/admin/", "/el/map/"):  # the admin, and a public page seen by a signed-in editor
        response = client.get(path, **NAFPLIO, **GZIP)
        assert response.status_code == 200 and "Content-Encoding" not in response, path


def test_page_cache_hits_are_gzipped_and_answer_conditional_gets(client, page_cache):
    first = client.get("/el/map/", **NAFPLIO, **GZIP)
    hit = client.get("/el/map/", **NAFPLIO, **GZIP)
    assert first["Content-Encoding"] == hit["Content-Encoding"] == "gzip"
    assert body(hit) == body(first)  # the same page, from the cache
    plain = client.get("/el/map/", **NAFPLIO)  # a browser without gzip gets the stored page as it is
    assert "Content-Encoding" not in plain and plain.content == body(hit)

    etag = hit["ETag"]
    assert etag.startswith('W/"')  # compressed bytes differ from the stored page: a weak validator
    again = client.get("/el/map/", **NAFPLIO, **GZIP, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and not again.content
    changed = client.get("/el/map/", **NAFPLIO, **GZIP, HTTP_IF_NONE_MATCH='W/"another"')
    assert changed.status_code == 200 and changed["Content-Encoding"] == "gzip"
