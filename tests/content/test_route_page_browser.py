"""The route page in Chromium at phone (390×844) and desktop (1280×800) size: the line and one numbered marker per
stop are drawn, a stop's marker links to its place page, the print leaflet fits one A4 page, and axe finds nothing
serious (the harness checks axe, JS errors and failed requests after each test). Screenshots go to
var/screenshots/route/."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser import site_url
from tests.content.test_route_page import ATHENS_STOPS, DEMO_WALK, demo_place, route_page_of, route_through

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "route"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def route_url(live_server, athens):
    route_page_of(route_through([demo_place(p) for p in ATHENS_STOPS], municipality=athens, split_after=2))
    return site_url(live_server, "athens", "/el/places/dromos-test/")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_line_and_the_numbered_stops_are_drawn(page, route_url, size):
    page.set_viewport_size(VIEWPORTS[size])
    page.goto(route_url)
    page.wait_for_selector(".leaflet-marker-icon.route-stop-icon")
    assert page.locator("#xenagos-route-map path.leaflet-interactive").count() == 1  # the line (one MultiLineString)
    numbers = page.locator("#xenagos-route-map .route-stop-icon .route-stop-number").all_inner_texts()
    assert numbers == ["1", "2", "3", "4", "5"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"route-{size}.png"), full_page=True)


def test_a_stop_marker_opens_its_place_page(page, route_url):
    page.goto(route_url)
    marker = page.locator('#xenagos-route-map [data-stop="4"] a.route-stop-number')  # the Acropolis has a page
    assert marker.get_attribute("href") == "/el/places/akropoli-athinon/"
    marker.click()
    page.wait_for_url("**/el/places/akropoli-athinon/")
    # the Acropolis is a stop of this route and of the demo's Athens walk
    assert sorted(page.locator(".on-routes a").all_inner_texts()) == sorted(
        ["Από τον Κεραμεικό στο Ολυμπιείο", DEMO_WALK["el"]]
    )


def test_the_print_leaflet_fits_one_a4_page(page, route_url):
    page.goto(route_url)
    page.wait_for_selector(".leaflet-marker-icon.route-stop-icon")
    page.wait_for_function("() => Array.from(document.images).every(img => img.complete)")
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)) == 1  # Chromium's PDF: one page object per page
    page.emulate_media(media="print")
    for shown in (".route-map .leaflet-container", ".route-facts", ".route-stops li", ".qr img"):
        assert page.locator(shown).first.is_visible(), shown  # map, facts, stops and QR code are on the leaflet
    assert not page.locator(".site-header").is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "route-print.pdf").write_bytes(pdf)
