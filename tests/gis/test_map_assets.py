"""Leaflet's images and requests as a visitor's browser gets them from collected static files (hashed names): the
pins of the public map, of a place page's small map and of the admin's place widget load, and the map fetches its
places once on load."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from gis.maps import leaflet_icon_options
from gis.models import Place
from tests.browser import admin_log_in, site_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# Leaflet's default marker images (pin and shadow) of the page, with their natural width once loaded (0: broken).
MARKER_IMAGES = """async () => {
    const images = Array.from(document.querySelectorAll(
        'img.leaflet-marker-icon:not(.marker-cluster), img.leaflet-marker-shadow'));
    await Promise.all(images.map(img => img.complete ? null :
        new Promise(done => { img.onload = img.onerror = done; })));
    return images.map(img => [img.getAttribute('src'), img.naturalWidth]);
}"""


def assert_pins_load(page, minimum: int) -> None:
    images = page.evaluate(MARKER_IMAGES)
    assert len(images) >= minimum, images
    broken = [src for src, width in images if width == 0]
    assert not broken, f"broken map pins: {broken}"
    # the collected files, by their hashed names (not Leaflet's guess next to the page)
    assert all(src.startswith(leaflet_icon_options()["imagePath"]) for src, _width in images), images


def test_collected_marker_images_have_hashed_names():
    options = leaflet_icon_options()
    assert options["imagePath"] == "/static/vendor/leaflet/images/"
    assert options["iconUrl"].startswith("marker-icon.") and options["iconUrl"] != "marker-icon.png"


def test_pins_of_the_public_map_load(page, live_server):
    acropolis = Place.objects.get(name_el="Ακρόπολη Αθηνών")
    lat, lon = acropolis.location.y, acropolis.location.x
    page.goto(site_url(live_server, "athens", f"/el/map/?lat={lat:.5f}&lon={lon:.5f}&z=19"))
    page.wait_for_selector(".folium-map[data-loaded]")
    expect(page.locator('img.leaflet-marker-icon[alt="Ακρόπολη Αθηνών"]')).to_be_visible()
    assert_pins_load(page, minimum=2)  # at least one pin and its shadow


def test_pin_of_a_place_page_loads(page, live_server):
    page.goto(site_url(live_server, "nafplio", "/el/places/tiryntha/"))
    expect(page.locator(".place-map img.leaflet-marker-icon")).to_have_count(1)
    assert_pins_load(page, minimum=2)


def test_pin_of_the_admin_place_widget_loads(page, live_server):
    parthenon = Place.objects.get(name_el="Παρθενώνας")
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/snippets/xgis/place/edit/{parthenon.pk}/")
    expect(page.locator(".point-widget__map img.leaflet-marker-icon")).to_have_count(1)
    assert_pins_load(page, minimum=2)


@pytest.mark.parametrize("subdomain", ["athens", "nafplio"])
def test_a_first_load_fetches_the_places_of_the_view_once(page, live_server, subdomain):
    requests = []
    page.on("request", lambda request: requests.append(request.url) if "/map/places/" in request.url else None)
    page.goto(site_url(live_server, subdomain, "/el/map/"))
    page.wait_for_selector(".folium-map[data-loaded]")
    page.wait_for_load_state("networkidle")
    queries = [parse_qs(urlsplit(url).query) for url in requests]
    for_map = [query for query in queries if "zoom" in query]
    for_list = [query for query in queries if "limit" in query]
    assert len(for_map) == 1, f"the map asked for its places {len(for_map)} times: {requests}"
    assert len(for_list) == 1 and len(queries) == 2, requests  # and the list below the map, once
    assert for_map[0]["bbox"] == for_list[0]["bbox"]  # both for the view the visitor sees
    assert int(for_map[0]["zoom"][0]) == page.evaluate("() => xenagos.map.getZoom()")
