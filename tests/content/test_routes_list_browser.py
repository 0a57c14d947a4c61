"""The routes list and the main map's routes layer in Chromium at phone (390×844) and desktop (1280×800) size: the
list's map draws one line per listed route (fetched from the map data endpoint), a line opens its route's page, and
the "Routes" overlay of the main map can be switched off and on; the harness then checks axe (nothing serious), JS
errors and failed requests. Screenshots go to var/screenshots/routes/."""

from pathlib import Path

import pytest
from django.conf import settings

from gis.models import Route
from gis.route_map import ROUTE_LINE_STYLE
from tests.browser import site_url
from tests.content.test_routes_list import make_route

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "routes"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
ROUTE_PATHS = f'path[stroke="{ROUTE_LINE_STYLE["color"]}"]'
LINES = {
    "Αρχαία Αγορά": [(23.7200, 37.9740), (23.7230, 37.9755), (23.7260, 37.9750)],
    "Πλάκα": [(23.7280, 37.9705), (23.7300, 37.9715)],
    "Λυκαβηττός": [(23.7400, 37.9800), (23.7430, 37.9820), (23.7450, 37.9815)],
}


@pytest.fixture
def three_routes(live_server, athens):
    Route.objects.update(withdrawn=True)  # only these three (the demo's, if any, are withdrawn)
    return [make_route(athens, title, coords=coords) for title, coords in LINES.items()]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_lists_map_draws_one_line_per_route(page, live_server, three_routes, size):
    page.set_viewport_size(VIEWPORTS[size])
    page.goto(site_url(live_server, "athens", "/el/routes/"))
    page.wait_for_selector('#xenagos-routes-map[data-routes-drawn="3"]')
    assert page.locator(f"#xenagos-routes-map {ROUTE_PATHS}").count() == 3
    assert page.locator("[data-route-list] li").count() == 3
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"routes-list-{size}.png"), full_page=True)
    page.goto(site_url(live_server, "athens", "/el/routes/?length_to=0.5"))  # the filtered list, its map likewise
    expected = page.locator("[data-route-list] li").count()
    assert 0 < expected < 3
    page.wait_for_selector(f'#xenagos-routes-map[data-routes-drawn="{expected}"]')
    assert page.locator(f"#xenagos-routes-map {ROUTE_PATHS}").count() == expected


def test_a_line_opens_its_routes_page(page, live_server, three_routes):
    page.set_viewport_size(VIEWPORTS["desktop"])
    page.goto(site_url(live_server, "athens", "/el/routes/?length_to=0.5"))
    page.wait_for_selector("#xenagos-routes-map[data-routes-drawn]")
    href = page.locator("[data-route-list] li a").first.get_attribute("href")
    line = page.locator(f"#xenagos-routes-map {ROUTE_PATHS}").first
    box = line.bounding_box()
    # the middle vertex of the first line lies on it; click through Leaflet's SVG to the path
    point = page.evaluate(
        """(selector) => { const path = document.querySelector(selector);
             const p = path.getPointAtLength(path.getTotalLength() / 2); const m = path.getScreenCTM();
             return [p.x * m.a + m.e, p.y * m.d + m.f]; }""",
        f"#xenagos-routes-map {ROUTE_PATHS}",
    )
    assert box is not None
    page.mouse.click(point[0], point[1])
    page.wait_for_url(f"**{href}")


def test_the_main_maps_routes_layer_toggles(page, live_server, three_routes):
    page.set_viewport_size(VIEWPORTS["desktop"])
    page.goto(site_url(live_server, "athens", "/el/map/"))
    page.wait_for_selector('#xenagos-map[data-routes-drawn="3"]')
    lines = page.locator(f"#xenagos-map {ROUTE_PATHS}")
    assert lines.count() == 3
    page.locator(".leaflet-control-layers").hover()
    switch = page.locator(".leaflet-control-layers-overlays label", has_text="Διαδρομές").locator("input")
    switch.uncheck()
    assert lines.count() == 0
    switch.check()
    page.wait_for_function(
        "(selector) => document.querySelectorAll(selector).length === 3", arg=f"#xenagos-map {ROUTE_PATHS}"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "main-map-routes.png"))


def test_at_street_zoom_the_map_asks_for_the_lines_around_its_view(page, live_server, three_routes):
    """Zoomed in by keyboard (Leaflet's + key) past ``viewFromZoom``, the map asks for the lines around its view
    (``view=``) and draws what came; a small pan stays inside what it asked for, a long one asks again."""
    page.set_viewport_size(VIEWPORTS["phone"])
    answers: list[tuple[str, int]] = []  # (url, features) of each answer of the routes endpoint
    page.on(
        "response",
        lambda response: (
            answers.append((response.url, len(response.json()["features"]))) if "/map/routes/" in response.url else None
        ),
    )
    page.goto(site_url(live_server, "athens", "/el/map/"))
    page.wait_for_selector('#xenagos-map[data-routes-drawn="3"]')
    assert answers and all("view=" not in url for url, _count in answers)  # the whole town, simplified
    page.locator("#xenagos-map").focus()
    for _ in range(4):
        page.keyboard.press("+")
        page.wait_for_timeout(500)
    page.wait_for_function("() => document.querySelector('#xenagos-map').dataset.routesDrawn !== undefined")
    page.wait_for_timeout(800)
    url, count = answers[-1]
    assert "view=" in url and int(url.split("zoom=")[1].split("&")[0]) >= 14, answers
    assert page.locator("#xenagos-map").get_attribute("data-routes-drawn") == str(count)
    assert page.locator(f"#xenagos-map {ROUTE_PATHS}").count() == count <= 3
    before = len(answers)
    page.keyboard.press("ArrowRight")  # 80 px: still inside the padded area it asked for
    page.wait_for_timeout(800)
    assert len(answers) == before
    for _ in range(15):  # a few screens east
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(150)
    page.wait_for_timeout(1000)
    assert len(answers) > before and "view=" in answers[-1][0] and answers[-1][0] != url


def test_a_neighbours_route_that_crosses_is_listed_and_drawn_with_its_keeper(page, live_server, athens, nafplio):
    from tests.content.test_routes_list import crossing

    Route.objects.update(withdrawn=True)
    route = crossing(nafplio, athens, "Από το Ναύπλιο", coords=LINES["Πλάκα"])
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(site_url(live_server, "athens", "/el/routes/"))
    page.wait_for_selector('#xenagos-routes-map[data-routes-drawn="1"]')
    item = page.locator(f'[data-route="{route.uid}"]')
    assert "Ναυπλιέων" in item.locator("[data-route-keeper]").inner_text()
    assert item.locator("a").get_attribute("href").startswith("http://nafplio.localhost/el/")
