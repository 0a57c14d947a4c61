"""The map page in a real browser: boundary and places drawn from self-hosted assets, accessible."""

import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from gis.models import Place
from tests.browser import site_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


SETTLED = "() => !document.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim')"
MARKER_TOTAL = """() => document.querySelector('.leaflet-cluster-anim') ? -1 :
    Array.from(document.querySelectorAll('.leaflet-marker-icon')).reduce((sum, icon) =>
        sum + (icon.classList.contains('marker-cluster') ? parseInt(icon.textContent, 10) : 1), 0)"""


def marker_total(page, expected: int) -> int:
    """Places shown once clustering has settled: single markers count one, cluster icons their number."""
    try:
        page.wait_for_function(f"() => ({MARKER_TOTAL})() === {expected}", timeout=5000)
    except PlaywrightTimeout:
        pass
    return page.evaluate(MARKER_TOTAL)


@pytest.mark.parametrize(("subdomain", "code"), [("athens", "9186"), ("nafplio", "9236")])
def test_map_shows_boundary_and_every_place(page, live_server, subdomain, code):
    expected = Place.objects.filter(municipality__code=code, withdrawn=False).count()
    assert expected > 0
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site_url(live_server, subdomain, "/el/map/"))
    page.wait_for_selector(".leaflet-marker-icon")
    assert page.locator(".leaflet-overlay-pane path").count() == 1  # the municipal boundary
    assert marker_total(page, expected) == expected
    assert page.locator(".place-list li").count() == expected
    hosts = {urlsplit(url).hostname for url in requests if url.startswith("http")}
    assert hosts == {f"{subdomain}.localhost"}, f"requests left our origin: {hosts}"


def test_marker_popup_names_the_place(page, live_server):
    page.goto(site_url(live_server, "nafplio", "/en/map/"))
    page.wait_for_selector(".leaflet-marker-icon")
    # once the opening fit-to-boundary animation is over, zoom to the citadel of Tiryns (37.5993 N, 22.8000 E)
    # so that its marker stands alone
    page.wait_for_function(SETTLED)
    page.evaluate(
        "() => window[document.querySelector('.folium-map').id].setView([37.5993, 22.8000], 16, {animate: false})"
    )
    tiryns = page.locator('.leaflet-marker-icon[alt="Tiryns"]')
    tiryns.click()
    assert page.locator(".leaflet-popup-content").inner_text().strip() == "Tiryns"


def test_map_uses_no_folium_cdn_assets(client):
    html = client.get("/el/map/", HTTP_HOST="athens.localhost").content.decode()
    sources = [part.split('"')[1] for part in html.split(" src=")[1:]] + [
        part.split('"')[1] for part in html.split(" href=")[1:] if 'rel="stylesheet"' in part or ".css" in part
    ]
    assert sources and all(src.startswith("/static/") for src in sources if src.endswith((".js", ".css"))), sources
    assert "cdn" not in html.lower() and "jquery" not in html.lower()
    assert json.dumps("Ακρόπολη Αθηνών")[1:-1] in html or "Ακρόπολη Αθηνών" in html


def test_home_page_in_browser_is_accessible_in_both_languages(page, live_server):
    page.goto(site_url(live_server, "athens", "/el/"))
    assert page.locator("h1").inner_text() == "Δήμος Αθηναίων"
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/")
    assert page.locator("h1").inner_text() == "Municipality of Athens"
