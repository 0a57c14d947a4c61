"""Privacy: "near me" positions are rounded in the browser and on the server and never reach the access log finer
than that; the privacy page says so per municipality in Greek and English, sets no cookie and passes axe."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

from content.models import Branding
from tests.browser import assert_accessible, site_url
from xenagos import gunicorn_conf

HOST = {"HTTP_HOST": "athens.localhost"}
PRECISE = {"lat": "37.9755123", "lon": "23.7348456"}  # Syntagma Square, to 0.01 m
FINER_THAN_ROUNDING = re.compile(rf"\d\.\d{{{settings.XENAGOS_NEAR_DECIMALS + 1},}}")


def test_the_log_filter_and_the_settings_round_alike():
    assert gunicorn_conf.NEAR_DECIMALS == settings.XENAGOS_NEAR_DECIMALS == 3


def test_scrub_drops_the_near_query_and_cuts_other_coordinates():
    query = "lat=37.9755123&lon=23.7348456&limit=10"
    atoms = {
        "h": "127.0.0.1",
        "U": "/el/map/near/",
        "q": query,
        "r": f"GET /el/map/near%2F?{query} HTTP/1.1",
        "{query_string}e": query,
        "{raw_uri}e": f"/el/map/near%2F?{query}",
        "f": "http://athens.localhost/el/map/?lat=37.97551&lon=23.73484&z=16&q=acropolis",
        "{referer}i": "http://athens.localhost/el/map/?lon=-23.73484&lat=37.97551",
        "a": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36",
        "s": "200",
        "B": 120,
    }
    clean = gunicorn_conf.scrub_atoms(atoms)
    assert clean["q"] == clean["{query_string}e"] == ""
    assert clean["r"] == "GET /el/map/near%2F HTTP/1.1"
    assert clean["{raw_uri}e"] == "/el/map/near%2F"
    assert clean["f"] == "http://athens.localhost/el/map/?lat=37.975&lon=23.734&z=16&q=acropolis"
    assert clean["{referer}i"] == "http://athens.localhost/el/map/?lon=-23.734&lat=37.975"
    assert (clean["h"], clean["a"], clean["s"], clean["B"]) == (atoms["h"], atoms["a"], "200", 120)
    other = gunicorn_conf.scrub_atoms({"U": "/en/map/", "q": "lat=37.9755&lon=23.7&z=3", "r": "GET /en/map/ HTTP/1.1"})
    assert other["q"] == "lat=37.975&lon=23.7&z=3"


@pytest.mark.django_db
def test_near_me_rounds_the_position_on_the_server(client):
    precise = client.get("/en/map/near/", PRECISE, **HOST).json()
    rounded = client.get("/en/map/near/", {"lat": "37.976", "lon": "23.735"}, **HOST).json()
    assert precise["center"] == [23.735, 37.976]
    assert precise == rounded
    assert precise["features"][0]["properties"]["name"] == "Temple of Olympian Zeus"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT']}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_the_access_log_of_a_real_gunicorn_holds_no_precise_position(tmp_path):
    port, log = _free_port(), tmp_path / "access.log"
    gunicorn = Path(sys.executable).parent / "gunicorn"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "xenagos.settings.test",
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": "test-only-not-secret",
    }
    command = [str(gunicorn), "-c", "python:xenagos.gunicorn_conf", "xenagos.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "1", "--access-logfile", str(log), "--error-logfile", str(tmp_path / "server.log")]
    server = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, start_new_session=True)
    referer = "http://athens.localhost/en/map/?lat=37.97551&lon=23.73484&z=16"

    def get(path: str) -> int:
        http = HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            http.request("GET", path, headers={"Host": "athens.localhost", "Referer": referer})
            response = http.getresponse()
            response.read()
            return response.status
        finally:
            http.close()

    try:
        for _ in range(150):
            try:
                get("/healthz")
                break
            except OSError:
                time.sleep(0.2)
        query = f"lat={PRECISE['lat']}&lon={PRECISE['lon']}&limit=10"
        paths = (f"/en/map/near/?{query}", f"/el/map/near%2F?{query}", f"/en/map/?{query}&z=16")
        assert [get(path) for path in paths] == [200, 200, 200]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    text = log.read_text()
    lines = text.splitlines()
    assert len([line for line in lines if "/map/near" in line]) == 2, text
    assert "GET /en/map/near/ HTTP/1.1" in text and "lat=37.975&lon=23.734&z=16" in text, text
    assert "127.0.0.1" in text  # addresses stay, for abuse; they are kept XENAGOS_LOG_RETENTION_DAYS days
    assert not FINER_THAN_ROUNDING.search(text), text
    assert "9755123" not in text and "7348456" not in text and "97551" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("host", "language", "words"),
    [
        ("athens.localhost", "el", "Τον ιστότοπο αυτό δημοσιεύει ο Δήμος Αθηναίων"),
        ("athens.localhost", "en", "published by the Municipality of Athens"),
        ("nafplio.localhost", "el", "Τον ιστότοπο αυτό δημοσιεύει ο Δήμος Ναυπλιέων"),
        ("nafplio.localhost", "en", "published by the Municipality of Nafplio"),
    ],
)
def test_privacy_page_names_the_municipality_in_each_language_and_sets_no_cookie(client, host, language, words):
    response = client.get(f"/{language}/privacy/", HTTP_HOST=host)
    assert response.status_code == 200
    html = response.content.decode()
    assert words in html
    assert f'<html lang="{language}">' in html
    days = str(settings.XENAGOS_LOG_RETENTION_DAYS)
    assert (f"kept for {days} days" if language == "en" else f"Φυλάσσονται {days} ημέρες") in html
    assert ("3 decimals of a degree (about 110 m)" if language == "en" else "3 δεκαδικά ψηφία") in html
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert f'href="/{language}/privacy/"' in html  # the footer links to it, as on every page


@pytest.mark.django_db
def test_privacy_page_names_the_base_map_host_and_the_contact(client, settings, nafplio):
    settings.BASEMAPS = [{"name": "OSM", "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": "x"}]
    branding = Branding.objects.get(municipality=nafplio)
    html = client.get("/en/privacy/", HTTP_HOST="nafplio.localhost").content.decode()
    assert "come from tile.openstreetmap.org, which" in html and "has not yet published" in html
    settings.BASEMAPS = [*settings.BASEMAPS, {"name": "Topo", "url": "https://{s}.tile.example.org/{z}/{x}/{y}.png"}]
    html = client.get("/el/privacy/", HTTP_HOST="nafplio.localhost").content.decode()
    assert "έρχονται από a.tile.example.org, tile.openstreetmap.org, που επομένως λαμβάνουν" in html
    branding.privacy_contact = "dpo@nafplio.gr"
    branding.save()
    html = client.get("/el/privacy/", HTTP_HOST="nafplio.localhost").content.decode()
    assert 'href="mailto:dpo@nafplio.gr"' in html and "Υπεύθυνο Προστασίας Δεδομένων" in html
    assert "dpo@nafplio.gr" not in client.get("/el/privacy/", **HOST).content.decode()


@pytest.mark.django_db
def test_every_public_page_links_the_privacy_page_and_sets_no_cookie(client):
    for path in ("/en/", "/en/map/", "/en/data/", "/en/places/", "/en/places/akropoli-athinon/", "/el/map/near/"):
        response = client.get(path, {"lat": "37.97", "lon": "23.73"} if "near" in path else {}, **HOST)
        assert response.status_code == 200 and not response.cookies, path
        if "near" not in path:
            assert 'href="/en/privacy/"' in response.content.decode(), path


@pytest.mark.browser
def test_privacy_page_from_the_footer_is_accessible_and_sets_no_cookie(page, live_server):
    for subdomain, language in (("athens", "el"), ("nafplio", "en")):
        page.goto(site_url(live_server, subdomain, f"/{language}/"))
        page.get_by_role("contentinfo").get_by_role(
            "link", name="Ιδιωτικότητα" if language == "el" else "Privacy"
        ).click()
        expect(page.locator("h1")).to_have_text("Ιδιωτικότητα" if language == "el" else "Privacy")
        assert page.url.endswith(f"/{language}/privacy/")
        assert_accessible(page)
        assert page.context.cookies() == []


@pytest.mark.browser
def test_the_browser_sends_near_me_positions_rounded(browser, live_server):
    context = browser.new_context(
        locale="en-GB", geolocation={"latitude": 37.9755123, "longitude": 23.7348456}, permissions=["geolocation"]
    )
    page = context.new_page()
    sent = []
    page.on("request", lambda request: sent.append(request.url) if "/map/near/" in request.url else None)
    try:
        page.goto(site_url(live_server, "athens", "/en/map/"))
        page.wait_for_selector(".folium-map[data-loaded]")
        results = page.locator("[data-near-results]")
        page.get_by_role("button", name="Use my location").click()
        expect(results.locator("li").first).to_contain_text("Temple of Olympian Zeus")
        page.get_by_label("Latitude").fill("37.97551234")
        page.get_by_label("Longitude").fill("23.73484567")
        page.get_by_role("button", name="Find nearby places").click()
        expect(results).not_to_have_attribute("aria-busy", "true")
        assert len(sent) == 2, sent
        assert all("lat=37.976&lon=23.735&" in url for url in sent), sent
        assert context.cookies() == []
    finally:
        context.close()
