"""The public page cache (content.cache): anonymous HTML served from a real file (or database) cache without a
database query, kept fresh by publish, unpublish, record, import, branding and delete, with the CSP nonce the page
was rendered with, and answered 304 to a conditional GET."""

import http.server
import json
import re
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.cache import _Invalidation
from content.models import Branding, PlacePage, municipality_site_roots_forget
from gis.api.feature_cache import feature_cache_forget_all
from gis.models import Place, PlaceText
from importers.mapping import Mapping
from importers.services import places_import
from tests.browser import site_url
from tests.factories import DatasetFactory

pytestmark = pytest.mark.django_db
ATHENS = {"HTTP_HOST": "athens.localhost"}
NONCE = re.compile(r"'nonce-([^']+)'")


@pytest.fixture(params=["file"])
def page_cache(request, settings, tmp_path):
    """The page cache on, over a real cross-process backend: a file cache in its own folder (or the database)."""
    if request.param == "db":
        call_command("createcachetable", "xenagos_test_cache", verbosity=0)
        backend = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "xenagos_test_cache"}
    else:
        backend = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path / "c")}
    settings.CACHES = {"default": backend}
    settings.XENAGOS_PAGE_CACHE_SECONDS = 600
    return request.param


def queries_of(client, path: str, **headers):
    """The response to GET ``path`` and the number of database queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **{**ATHENS, **headers})
    return response, len(queries)


def record_path(place: Place, language: str = "en") -> str:
    return f"/{language}/places/p/{place.uid}/"


PUBLIC_PAGES = ["/el/", "/en/", "/el/map/", "/en/places/", "/el/places/akropoli-athinon/", "/el/data/"]


@pytest.mark.parametrize("page_cache", ["file", "db"], indirect=True)
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_second_anonymous_get_is_served_from_the_cache_without_a_query(client, page_cache, path):
    first, first_queries = queries_of(client, path)
    assert first.status_code == 200 and first_queries > 0
    second, second_queries = queries_of(client, path)
    assert second.status_code == 200
    assert second.content == first.content
    # the file cache needs no database; the database cache reads the generation and the entry
    assert second_queries == (0 if page_cache == "file" else 2)


def test_place_record_page_is_cached(client, page_cache):
    parthenon = Place.objects.get(pleiades="168254096")
    first, _ = queries_of(client, record_path(parthenon))
    second, queries = queries_of(client, record_path(parthenon))
    assert first.status_code == second.status_code == 200 and queries == 0
    assert b"Parthenon" in second.content


def test_a_hit_answers_with_the_nonce_its_page_was_rendered_with(client, page_cache):
    path = "/el/places/akropoli-athinon/"
    first, _ = queries_of(client, path)
    second, _ = queries_of(client, path)
    [nonce] = set(NONCE.findall(first["Content-Security-Policy"]))
    assert NONCE.findall(second["Content-Security-Policy"]) == NONCE.findall(first["Content-Security-Policy"])
    body = second.content.decode()
    inline = re.findall(r"<(?:script|style)\b[^>]*>", body)
    assert inline and all(f'nonce="{nonce}"' in tag for tag in inline if "src=" not in tag)
    other, _ = queries_of(client, "/en/places/akropoli-athinon/")  # another page: its own, fresh nonce
    assert NONCE.findall(other["Content-Security-Policy"])[0] != nonce


def test_key_holds_host_query_string_and_language(client, page_cache):
    athens, _ = queries_of(client, "/el/")
    nafplio = client.get("/el/", HTTP_HOST="nafplio.localhost")
    assert "Αθηναίων" in athens.content.decode() and "Ναυπλιέων" in nafplio.content.decode()
    client.get("/en/map/?q=acropolis", **ATHENS)
    other, queries = queries_of(client, "/en/map/?q=parthenon")
    assert queries > 0 and b'value="parthenon"' in other.content
    english, _ = queries_of(client, "/en/map/")
    assert english["Content-Language"] == "en" and '<html lang="en">' in english.content.decode()


def test_conditional_get_answers_304_from_the_entry(client, page_cache):
    path = "/el/places/akropoli-athinon/"
    first = client.get(path, **ATHENS)
    assert first["ETag"].startswith('"') and first["Last-Modified"]
    assert "max-age=0" in first["Cache-Control"] and "must-revalidate" in first["Cache-Control"]
    not_modified, queries = queries_of(client, path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304 and not_modified.content == b"" and queries == 0
    # no CSP header on the 304: the browser keeps its copy's, whose nonce matches the copy's body
    assert "Content-Security-Policy" not in not_modified
    since, _ = queries_of(client, path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    changed, _ = queries_of(client, path, HTTP_IF_NONE_MATCH='"something-else"')
    assert changed.status_code == 200 and changed.content == first.content


def test_logged_in_editors_and_sessions_are_never_served_from_the_cache(client, page_cache):
    path = "/el/places/akropoli-athinon/"
    client.get(path, **ATHENS)
    client.force_login(get_user_model().objects.get(username="editor-athens"))
    response, queries = queries_of(client, path)
    assert response.status_code == 200 and queries > 0
    assert "private" in response["Cache-Control"] and "ETag" not in response


def test_map_data_is_cached_and_kept_fresh(client, page_cache, django_capture_on_commit_callbacks):
    path = "/en/map/places/?bbox=23.70,37.96,23.75,37.99&zoom=15"
    first, _ = queries_of(client, path)
    assert first["Content-Type"].startswith("application/geo+json") and b"Parthenon" in first.content
    second, queries = queries_of(client, path)
    assert queries == 0 and second.content == first.content
    assert second["Cache-Control"] == "public, max-age=60"  # the view's own lifetime is kept
    with django_capture_on_commit_callbacks(execute=True):
        text = PlaceText.objects.get(place__pleiades="168254096", language="en")
        text.name = "Temple of Athena Parthenos"
        text.save()
    assert b"Temple of Athena Parthenos" in client.get(path, **ATHENS).content


def test_near_me_and_the_admin_are_not_cached(client, page_cache):
    path = "/en/map/near/?lat=37.9715&lon=23.7257"  # a visitor's position: never kept
    assert client.get(path, **ATHENS).status_code == 200
    response, queries = queries_of(client, path)
    assert response.status_code == 200 and queries > 0 and "ETag" not in response
    login = client.get("/admin/login/", **ATHENS)
    assert login.status_code == 200 and "ETag" not in login


def test_publish_shows_the_new_text_at_the_next_get(client, page_cache, django_capture_on_commit_callbacks):
    path = "/en/places/akropoli-athinon/"
    assert b"Acropolis of Athens" in client.get(path, **ATHENS).content
    page = PlacePage.objects.get(locale__language_code="en", slug="akropoli-athinon")
    page.title = "The Sacred Rock"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    response = client.get(path, **ATHENS)
    assert b"The Sacred Rock" in response.content and b"Acropolis of Athens" not in response.content


def test_a_draft_is_not_shown(client, page_cache, django_capture_on_commit_callbacks):
    path = "/en/places/akropoli-athinon/"
    client.get(path, **ATHENS)
    page = PlacePage.objects.get(locale__language_code="en", slug="akropoli-athinon")
    page.title = "Draft title"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision()
    assert b"Draft title" not in client.get(path, **ATHENS).content


def test_unpublish_and_delete_take_the_page_away(client, page_cache, django_capture_on_commit_callbacks):
    greek = "/el/places/akropoli-athinon/"
    english = "/en/places/akropoli-athinon/"
    assert client.get(greek, **ATHENS).status_code == 200
    assert client.get(english, **ATHENS).status_code == 200
    listing = "/en/map/?q=acropolis"
    assert f'href="{english}"'.encode() in client.get(listing, **ATHENS).content
    page = PlacePage.objects.get(locale__language_code="en", slug="akropoli-athinon")
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert client.get(english, **ATHENS).status_code == 404
    assert f'href="{english}"'.encode() not in client.get(listing, **ATHENS).content  # the list links the record
    with django_capture_on_commit_callbacks(execute=True):
        PlacePage.objects.get(locale__language_code="el", slug="akropoli-athinon").delete()
    assert client.get(greek, **ATHENS).status_code == 404


def test_record_change_shows_at_the_next_get(client, page_cache, django_capture_on_commit_callbacks):
    parthenon = Place.objects.get(pleiades="168254096")
    assert b"Parthenon" in client.get(record_path(parthenon), **ATHENS).content
    with django_capture_on_commit_callbacks(execute=True):
        PlaceText.objects.filter(place=parthenon, language="en").update(name="unused")  # no signal: not seen
    assert b"unused" not in client.get(record_path(parthenon), **ATHENS).content
    with django_capture_on_commit_callbacks(execute=True):
        text = PlaceText.objects.get(place=parthenon, language="en")
        text.name = "Temple of Athena Parthenos"
        text.save()
    assert b"Temple of Athena Parthenos" in client.get(record_path(parthenon), **ATHENS).content
    with django_capture_on_commit_callbacks(execute=True):
        parthenon.withdrawn = True
        parthenon.save()
    assert client.get(record_path(parthenon), **ATHENS).status_code == 404


def test_an_import_shows_its_places_at_the_next_get(client, page_cache, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dataset = DatasetFactory(slug="cache-test", title="Cache test", licence="CC BY 4.0", attribution="test")
    path = "/el/map/?q=Ξενοδοχείο+Δοκιμής"
    assert "Ξενοδοχείο Δοκιμής</a>" not in client.get(path, **ATHENS).content.decode()
    feature = {
        "type": "Feature",
        "properties": {"id": "cache-1", "title": "Ξενοδοχείο Δοκιμής"},
        "geometry": {"type": "Point", "coordinates": [23.7283669, 37.9949356]},
    }
    source = tmp_path / "new.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}, ensure_ascii=False), "utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        mapping = Mapping(fields={"source_id": "id", "name_el": "title"})
        report = places_import(path=source, dataset=dataset, mapping=mapping)
    assert report.written["create"] == 1
    assert "Ξενοδοχείο Δοκιμής</a>" in client.get(path, **ATHENS).content.decode()


def test_branding_change_shows_at_the_next_get(client, page_cache, django_capture_on_commit_callbacks):
    assert b"--brand: #0b5394" in client.get("/el/", **ATHENS).content
    branding = Branding.objects.get(municipality__code="9186")
    with django_capture_on_commit_callbacks(execute=True):
        branding.primary_colour = "#5a1f00"
        branding.save()
    assert b"--brand: #5a1f00" in client.get("/el/", **ATHENS).content


def test_a_write_that_is_rolled_back_keeps_the_cache(client, page_cache, django_capture_on_commit_callbacks):
    path = "/el/"
    client.get(path, **ATHENS)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Branding.objects.get(municipality__code="9186").save()
        Branding.objects.get(municipality__code="9186").save()
    # One page-cache invalidation per transaction, however many writes (and one rebuild of the open-data
    # features, whose page addresses follow the municipality's site, after the site roots are forgotten once).
    assert sum(isinstance(callback, _Invalidation) for callback in callbacks) == 1
    assert callbacks.count(feature_cache_forget_all) == 1
    assert callbacks.count(municipality_site_roots_forget) == 1
    assert len(callbacks) == 3
    _, queries = queries_of(client, path)
    assert queries == 0  # the callbacks never ran (as after a rollback): the entry is still current


@pytest.mark.browser
def test_cached_pages_keep_their_scripts_working_in_chromium(page, live_server, settings, tmp_path):
    """The second visit is a hit; its map still draws (a wrong nonce would be a CSP violation, failing the test)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}
    }
    settings.XENAGOS_PAGE_CACHE_SECONDS = 600
    for path in ("/el/places/akropoli-athinon/", "/el/map/"):
        url = site_url(live_server, "athens", path)
        nonces = []
        for _visit in range(2):
            response = page.goto(url)
            nonces.append(NONCE.findall(response.headers["content-security-policy"])[0])
            page.wait_for_selector(".folium-map .leaflet-tile-loaded")
        assert nonces[0] == nonces[1]  # the second response came from the cache
        reload = page.reload()
        assert reload.status in (200, 304)
        page.wait_for_selector(".folium-map .leaflet-tile-loaded")
        assert page.locator(".folium-map .leaflet-marker-icon, .folium-map path").count() >= 1


@pytest.fixture
def purge_server():
    """A loopback HTTP server standing in for a CDN/Varnish: records the PURGE requests it gets (host, path)."""
    received: list[tuple[str, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_PURGE(self):  # noqa: N802 (the HTTP method's name)
            received.append((self.headers["Host"], self.path))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
    server.server_close()


def test_a_publish_purges_the_sites_lists_from_a_configured_cdn(
    settings, purge_server, django_capture_on_commit_callbacks
):
    location, received = purge_server
    settings.WAGTAILFRONTENDCACHE = {
        "cdn": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": location}
    }
    page = PlacePage.objects.get(locale__language_code="en", slug="akropoli-athinon")
    page.title = "The Sacred Rock"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    paths = {path for host, path in received if host == "athens.localhost"}
    assert {"/el/", "/en/", "/el/map/", "/en/map/", "/el/places/", "/en/places/"} <= paths
