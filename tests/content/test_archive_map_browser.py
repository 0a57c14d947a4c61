"""The "Archive" layer of a municipality's main map in Chromium: one marker per located published point item (in
clusters of their own, which count their items), an outline per area, none of another municipality's items and
none withdrawn or unlocated; the switcher hides and shows the layer; a marker is reached with Tab and opens, with
Enter, a popup with the item's type, date and link to its page; the list after the map is the equivalent without
JavaScript; axe finds nothing serious. Coordinates EPSG:4326. Screenshots go to var/screenshots/archive/."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point, Polygon
from playwright.sync_api import expect

from gis.archive_map import archive_items_for_map
from gis.models import WGS84, ArchiveItem
from tests.browser import assert_accessible, site_url
from tests.factories import ArchiveItemFactory

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "archive"
# points in the old town of Nafplio and at Tolo and Asini
POINTS = {
    "Η πλατεία Συντάγματος": (22.8016, 37.5679),
    "Το Μπούρτζι": (22.7947, 37.5695),
    "Το λιμάνι": (22.7975, 37.5690),
    "Η Ασίνη": (22.8727, 37.5262),
}
PALAMIDI = Polygon(
    ((22.8040, 37.5620), (22.8090, 37.5620), (22.8090, 37.5650), (22.8040, 37.5650), (22.8040, 37.5620)), srid=WGS84
)
# the archive's markers, counting each cluster of them by its number, once clustering has settled
ARCHIVE_MARKERS = """() => document.querySelector('.leaflet-cluster-anim, .leaflet-zoom-anim') ? -1 :
    Array.from(document.querySelectorAll('.xenagos-archive-marker, .xenagos-archive-cluster')).reduce((sum, icon) =>
        sum + (icon.classList.contains('xenagos-archive-cluster') ? parseInt(icon.textContent, 10) : 1), 0)"""
AREAS = "#xenagos-map path.xenagos-archive-area"


@pytest.fixture
def located(live_server, athens, nafplio) -> dict[str, ArchiveItem]:
    ArchiveItem.objects.update(withdrawn=True)  # only these (the demo's, if any, are withdrawn)
    items = {
        title: ArchiveItemFactory(
            municipality=nafplio,
            name_el=title,
            name_en=f"{title} (en)",
            dc_type="StillImage",
            date_text="c. 1920",
            date_from=date(1915, 1, 1),
            date_to=date(1925, 12, 31),
            location=Point(*lon_lat, srid=WGS84),
        )
        for title, lon_lat in POINTS.items()
    }
    items["Το Παλαμήδι"] = ArchiveItemFactory(
        municipality=nafplio, name_el="Το Παλαμήδι", dc_type="Image", date_text="1950s", location=PALAMIDI
    )
    ArchiveItemFactory(municipality=nafplio, name_el="Χωρίς τόπο")  # no location: not on the map
    ArchiveItemFactory(municipality=nafplio, withdrawn=True, name_el="Αποσυρμένο", location=Point(22.80, 37.567))
    ArchiveItemFactory(municipality=athens, name_el="Η Πλάκα", location=Point(23.7300, 37.9715, srid=WGS84))
    return items


def test_the_layer_is_nafplios_published_located_items_only(located, athens, nafplio):
    shown = archive_items_for_map(municipality=nafplio, language="el")
    assert sorted(item["title"] for item in shown.items) == sorted(located)
    assert {item["url"] for item in shown.items} == {f"/el/archive/{item.uid}/" for item in located.values()}
    assert [item["title"] for item in archive_items_for_map(municipality=athens, language="en").items] == ["Η Πλάκα"]


@pytest.mark.browser
def test_the_map_draws_the_archive_toggles_it_and_a_marker_opens_by_keyboard(page, live_server, located):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site_url(live_server, "nafplio", "/el/map/"))
    page.wait_for_selector(f'#xenagos-map[data-archive-drawn="{len(located)}"]')
    page.wait_for_function(f"() => ({ARCHIVE_MARKERS})() === {len(POINTS)}")
    expect(page.locator(AREAS)).to_have_count(1)  # the Palamidi, an outline only
    assert page.locator(AREAS).first.get_attribute("fill") == "none"
    expect(page.locator("[data-archive-items] li")).to_have_count(len(located))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "main-map-archive.png"))

    page.locator(".leaflet-control-layers").hover()
    switch = page.locator(".leaflet-control-layers-overlays label", has_text="Αρχείο").locator("input")
    switch.uncheck()
    expect(page.locator(".xenagos-archive-marker, .xenagos-archive-cluster")).to_have_count(0)
    expect(page.locator(AREAS)).to_have_count(0)
    switch.check()
    page.wait_for_function(f"() => ({ARCHIVE_MARKERS})() === {len(POINTS)}")
    page.mouse.move(10, 400)  # leave the switcher

    # Asini lies apart from the town: its marker is one of its own, in the tab order
    asini = located["Η Ασίνη"]
    page.evaluate("() => xenagos.map.setView([37.5262, 22.8727], 16, {animate: false})")
    marker = page.locator('.xenagos-archive-marker[title="Η Ασίνη"]')
    expect(marker).to_have_attribute("tabindex", "0")
    marker.focus()
    expect(marker).to_be_focused()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup .archive-popup")
    expect(popup).to_be_focused()
    expect(popup.locator("strong")).to_have_text("Η Ασίνη")
    expect(popup.locator(".archive-popup-about")).to_contain_text("c. 1920")
    expect(popup.locator("a")).to_have_attribute("href", f"/el/archive/{asini.uid}/")
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    assert_accessible(page)


@pytest.mark.browser
def test_athens_map_shows_none_of_nafplios_items(page, live_server, located):
    page.goto(site_url(live_server, "athens", "/en/map/"))
    page.wait_for_selector('#xenagos-map[data-archive-drawn="1"]')
    expect(page.locator("[data-archive-items] li")).to_have_text(["Η Πλάκα"])
    assert_accessible(page)
