"""The tourist's map in a real browser: places by view, clusters, filters, search, popups, list, near me."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from gis.models import Place
from tests.browser import assert_accessible, site_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SETTLED = "() => !document.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim')"
MARKER_TOTAL = """() => document.querySelector('.leaflet-cluster-anim, .leaflet-zoom-anim') ? -1 :
    Array.from(document.querySelectorAll('.leaflet-marker-icon')).reduce((sum, icon) =>
        sum + (icon.classList.contains('marker-cluster') ? parseInt(icon.textContent, 10) : 1), 0)"""


def marker_total(page, expected: int) -> int:
    """Places shown once loading and clustering have settled: markers count one, cluster icons their number."""
    try:
        page.wait_for_function(f"() => ({MARKER_TOTAL})() === {expected}", timeout=8000)
    except PlaywrightTimeout:
        pass
    return page.evaluate(MARKER_TOTAL)


def open_map(page, live_server, subdomain: str, path: str = "/el/map/"):
    page.goto(site_url(live_server, subdomain, path))
    page.wait_for_selector(".folium-map[data-loaded]")
    page.wait_for_function(SETTLED)


def set_view(page, lat: float, lon: float, zoom: int) -> None:
    page.evaluate(f"() => xenagos.map.setView([{lat}, {lon}], {zoom}, {{animate: false}})")
    page.wait_for_function(SETTLED)


@pytest.mark.parametrize(("subdomain", "code"), [("athens", "9186"), ("nafplio", "9236")])
def test_map_shows_boundary_clusters_and_every_place(page, live_server, subdomain, code):
    expected = Place.objects.filter(municipality__code=code, withdrawn=False).count()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    open_map(page, live_server, subdomain)
    assert page.locator(".leaflet-overlay-pane path:not(.xenagos-route-line)").count() == 1  # the municipal boundary
    expect(page.locator("path.xenagos-route-line")).to_have_count(1)  # the demo's walk, on the routes overlay
    assert marker_total(page, expected) == expected
    assert page.locator(".marker-cluster").count() >= 1  # neighbours are clustered at the opening zoom
    expect(page.locator("[data-list] li")).to_have_count(expected)
    hosts = {urlsplit(url).hostname for url in requests if url.startswith("http")}
    assert hosts == {f"{subdomain}.localhost"}, f"requests left our origin: {hosts}"
    assert not any("places" in url and "geojson" in url for url in requests)


def test_category_filter_changes_map_list_and_url(page, live_server):
    monuments = Place.objects.filter(municipality__code="9186", category__slug="monument").count()
    open_map(page, live_server, "athens")
    page.get_by_label("Κατηγορία").select_option("monument")
    expect(page.locator("[data-list] li")).to_have_count(monuments)
    assert marker_total(page, monuments) == monuments
    assert parse_qs(urlsplit(page.url).query)["category"] == ["monument"]
    names = page.locator("[data-list] li").all_inner_texts()
    assert "Παρθενώνας" in names and "Κεραμεικός" not in names


def test_greek_name_typed_without_accents_is_found(page, live_server):
    open_map(page, live_server, "athens")
    page.get_by_label("Αναζήτηση").fill("ακροπολη αθηνων")
    expect(page.locator("[data-list] li")).to_have_count(1)
    assert page.locator("[data-list] li").inner_text() == "Ακρόπολη Αθηνών"
    assert marker_total(page, 1) == 1
    assert_accessible(page)


def test_popup_link_opens_the_place_page_and_language_switch_keeps_it(page, live_server):
    open_map(page, live_server, "athens")
    set_view(page, 37.9716471, 23.7264385, 19)
    marker = page.locator('.leaflet-marker-icon[alt="Ακρόπολη Αθηνών"]')
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Ακρόπολη Αθηνών")
    assert_accessible(page)
    popup.get_by_role("link").click()
    page.wait_for_url("**/el/places/akropoli-athinon/")
    assert page.locator("h1").inner_text() == "Ακρόπολη Αθηνών"
    assert_accessible(page)
    page.locator(".language-switcher").get_by_role("link", name="English").click()
    page.wait_for_url("**/en/places/akropoli-athinon/")
    assert page.locator("h1").inner_text() == "Acropolis of Athens"


def test_url_keeps_view_and_filters_across_reload_and_language(page, live_server):
    open_map(page, live_server, "nafplio", "/el/map/?lat=37.5992&lon=22.8000&z=15&category=archaeological-site")
    assert page.evaluate("() => xenagos.map.getZoom()") == 15
    assert page.get_by_label("Κατηγορία").input_value() == "archaeological-site"
    expect(page.locator("[data-list] li")).to_have_count(1)  # Tiryns is the only site in that view
    page.locator(".language-switcher").get_by_role("link", name="English").click()
    page.wait_for_selector(".folium-map[data-loaded]")
    assert "/en/map/" in page.url and page.evaluate("() => xenagos.map.getZoom()") == 15
    # the page arrives with the category's places of the whole municipality (the list without JavaScript), then the
    # script narrows it to the view
    expect(page.locator("[data-list] li")).to_have_text(["Tiryns"])


def test_near_me_from_typed_coordinates_and_from_the_browser_location(browser, live_server):
    context = browser.new_context(
        locale="en-GB", geolocation={"latitude": 37.9755, "longitude": 23.7348}, permissions=["geolocation"]
    )
    page = context.new_page()
    try:
        page.goto(site_url(live_server, "athens", "/en/map/"))
        page.wait_for_selector(".folium-map[data-loaded]")
        page.get_by_label("Latitude").fill("37.9755")
        page.get_by_label("Longitude").fill("23.7348")
        results = page.locator("[data-near-results]")
        page.get_by_role("button", name="Find nearby places").click()
        expect(results).not_to_have_attribute("aria-busy", "true")
        first = results.locator("li").first
        expect(first).to_contain_text("Temple of Olympian Zeus")  # about 690 m from Syntagma Square
        typed = results.locator("li").all_inner_texts()
        page.get_by_role("button", name="Use my location").click()
        expect(results).not_to_have_attribute("aria-busy", "true")
        assert results.locator("li").all_inner_texts() == typed
        # "1,063 m": English groups thousands (gis.formats.distance_text)
        distances = [int(text.split("— ")[1].split(" m")[0].replace(",", "")) for text in typed]
        assert distances == sorted(distances)
        assert_accessible(page)
    finally:
        context.close()


def test_list_is_the_accessible_equivalent_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site_url(live_server, "athens", "/en/map/?category=monument"))
        names = page.locator("[data-list] li").all_inner_texts()
        assert "Parthenon" in names and "Kerameikos" not in names
    finally:
        context.close()


def test_base_map_switcher(page, live_server):
    open_map(page, live_server, "athens")
    assert page.locator(".leaflet-tile-pane img").first.get_attribute("src").count("?s=") == 1
    page.locator(".leaflet-control-layers").hover()
    page.get_by_label("Test terrain").check()
    page.wait_for_function("() => document.querySelector('.leaflet-tile-pane img[src*=\"?t=\"]') !== null")
    assert page.locator('.leaflet-tile-pane img[src*="?s="]').count() == 0


@pytest.mark.parametrize("path", ["/en/places/", "/el/places/tiryntha/"])
def test_place_index_and_pages_are_accessible(page, live_server, path):
    page.goto(site_url(live_server, "nafplio", path))
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_place_served_from_its_record_is_accessible(page, live_server):
    asine = Place.objects.get(pleiades="570124")
    page.goto(site_url(live_server, "nafplio", f"/en/places/p/{asine.uid}/"))
    assert page.locator("h1").inner_text() == "Asine"
    # Asine's nearest demo neighbour (Nafplio) is about 7 km away
    expect(page.get_by_text("No other place within 2 km.")).to_be_visible()
    assert_accessible(page)
