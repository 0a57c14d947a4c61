"""Protected areas on the tourist's map: a layer the switcher can hide, a popup per area, and a list after the map."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from gis.areas import protected_areas_for_map
from tests.browser import assert_accessible, site_url
from tests.importers.helpers import CHECK_LAT, CHECK_LON, ZONE_NAMES, zones_loaded

pytestmark = pytest.mark.django_db

ACROPOLIS_ZONE, PHILOPAPPOS_ZONE = ZONE_NAMES.values()


@pytest.fixture
def zones(tmp_path):
    return zones_loaded(tmp_path)


def test_areas_for_the_map_are_live_named_in_the_language_and_sorted(zones, athens, nafplio):
    greek = protected_areas_for_map(municipality=athens, language="el")
    assert [item["name"] for item in greek.items] == [ACROPOLIS_ZONE, PHILOPAPPOS_ZONE]  # not the withdrawn one
    assert [item["kind"] for item in greek.items] == ["Ζώνη Α", "Ζώνη Β"]
    english = protected_areas_for_map(municipality=athens, language="en")
    assert [item["name"] for item in english.items] == ["Acropolis zone A", "Philopappos zone B"]
    assert '"type":"MultiPolygon"' in english.geojson.replace(" ", "")
    assert protected_areas_for_map(municipality=nafplio, language="el").items == []


def test_map_page_lists_the_areas_after_the_map_without_javascript(client, zones):
    page = client.get("/el/map/", HTTP_HOST="athens.localhost").content.decode()
    assert "Προστατευόμενες περιοχές" in page and f"{ACROPOLIS_ZONE} (Ζώνη Α)" in page and "Παλιά ζώνη" not in page
    assert "Προστατευόμενες περιοχές" not in client.get("/el/map/", HTTP_HOST="nafplio.localhost").content.decode()


@pytest.mark.browser
def test_areas_are_drawn_named_on_click_pickable_hidden_by_the_switcher_and_accessible(page, live_server, zones):
    page.goto(site_url(live_server, "athens", "/en/map/"))
    page.wait_for_selector(".folium-map[data-loaded]")
    areas = page.locator('.leaflet-overlay-pane path[stroke-dasharray="6 4"]')  # only the zones are dashed
    expect(areas).to_have_count(2)
    areas.first.click(force=True)
    expect(page.locator(".leaflet-popup-content")).to_have_text(
        re.compile(r"\s*(Acropolis zone A\s*Ζώνη Α|Philopappos zone B\s*Ζώνη Β)\s*")
    )
    page.locator(".leaflet-popup-close-button").click()
    page.locator("[data-near-pick]").click()  # "choose on the map": a click on a zone still picks the point
    with page.expect_response(lambda response: "/map/near/" in response.url) as near:
        areas.last.click(force=True)
    query = parse_qs(urlsplit(near.value.url).query)
    assert abs(float(query["lat"][0]) - CHECK_LAT) < 0.01 and abs(float(query["lon"][0]) - CHECK_LON) < 0.01
    expect(page.locator("[data-near-pick]")).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    page.locator(".leaflet-control-layers").hover()
    page.get_by_role("checkbox", name="Protected areas").uncheck()
    expect(areas).to_have_count(0)
    expect(page.locator("[data-areas] li")).to_have_count(2)
    assert_accessible(page)
