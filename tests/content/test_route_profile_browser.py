"""The route page's elevation chart in Chromium (uPlot, content/js/route-profile.js) and its sync with the map
(content/js/route-map.js): the chart is drawn; the pointer on the chart moves the map's marker to the station at
that distance (on the line at that distance as PostGIS measures it), the pointer on the line moves the chart's cursor
to the matching distance, the arrow keys do the same from the keyboard; the data table opens and its rows are the
profile's; axe finds nothing serious at phone and desktop size with the chart shown and the table open; no request
leaves the live server. Screenshots go to var/screenshots/route/."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from pyproj import Geod

from tests.browser import assert_accessible, site_url
from tests.content.test_route_page import route_page_of
from tests.content.test_route_profile import postgis_along_m, profiled_route

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "route"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
GEOD = Geod(ellps="WGS84")
LINE_RGB = (0x0B, 0x53, 0x94)  # the profile's stroke in route-profile.js


@pytest.fixture
def route(athens):
    route = profiled_route(municipality=athens, split_after=None)
    route_page_of(route)
    return route


@pytest.fixture
def route_url(live_server, route):
    return site_url(live_server, "athens", "/el/places/dromos-test/")


def open_route(page, url):
    page.goto(url)
    page.wait_for_selector("#route-profile-chart canvas")
    page.wait_for_selector(".leaflet-marker-icon.route-stop-icon")
    page.wait_for_function(
        "() => window.xenagos && xenagos.routeSync && xenagos.routeSync.map && xenagos.routeSync.chart"
    )


def assert_on_the_line_at(route, lonlat: tuple[float, float], distance_m: float) -> None:
    """``lonlat`` lies on the route's line at ``distance_m`` from the start, as PostGIS measures it (geodesic)."""
    [(off_line_m, along_m)] = postgis_along_m(route, [list(lonlat)])
    assert off_line_m < 0.05, off_line_m
    assert abs(along_m - distance_m) < 0.5, (along_m, distance_m)


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def marker_lonlat(page) -> tuple[float, float]:
    latlng = page.evaluate("() => xenagos.routeSync.marker.getLatLng()")
    assert page.evaluate("() => xenagos.routeSync.map.hasLayer(xenagos.routeSync.marker)")
    return latlng["lng"], latlng["lat"]


def station_m(page) -> float:
    return float(page.locator("#route-profile-chart").get_attribute("data-station-m"))


def test_the_chart_is_drawn(page, route_url, route):
    open_route(page, route_url)
    chart = page.locator("#route-profile-chart")
    assert chart.get_attribute("role") == "img"
    assert "ανάβαση" in chart.get_attribute("aria-label")
    assert chart.get_attribute("tabindex") == "0" and page.locator("#route-profile-keys").is_visible()
    # The elevation line is on the canvas: many pixels of its colour.
    coloured = page.evaluate(
        """([r, g, b]) => {
            const canvas = document.querySelector('#route-profile-chart canvas');
            const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let n = 0;
            for (let i = 0; i < pixels.length; i += 4) {
                if (Math.abs(pixels[i] - r) < 24 && Math.abs(pixels[i + 1] - g) < 24 && Math.abs(pixels[i + 2] - b) < 24
                    && pixels[i + 3] > 200) n++;
            }
            return n;
        }""",
        list(LINE_RGB),
    )
    assert coloured > 300, coloured
    # uPlot holds the stations as km and m.
    xs = page.evaluate("() => xenagos.routeSync.chart.data[0]")
    assert len(xs) == len(route.profile) and xs[-1] == pytest.approx(route.profile[-1][0] / 1000)


@pytest.mark.parametrize("share", [0.25, 0.7])
def test_the_pointer_on_the_chart_moves_the_map_marker(page, route_url, route, share):
    open_route(page, route_url)
    page.locator("#route-profile-chart").scroll_into_view_if_needed()
    over = page.locator("#route-profile-chart .u-over").bounding_box()
    page.mouse.move(over["x"] + share * over["width"], over["y"] + over["height"] / 2, steps=4)
    page.wait_for_function("() => document.querySelector('#route-profile-chart').hasAttribute('data-station-m')")
    pointed_m = share * route.profile[-1][0]  # the x scale runs from the first station to the last
    at = station_m(page)
    assert abs(at - pointed_m) <= 10, (at, pointed_m)  # the station under the pointer (a pixel is ~3 m here)
    assert_on_the_line_at(route, marker_lonlat(page), at)
    assert "km από την αφετηρία" in page.locator("#route-profile-readout").inner_text()


def test_the_pointer_on_the_line_moves_the_chart_cursor(page, route_url, route):
    open_route(page, route_url)
    coords = list(route.geometry[0].coords)
    vertex = 3  # halfway between the second and the third stop: a vertex with no stop marker on it
    vertex_m = sum(GEOD.inv(*coords[i], *coords[i + 1])[2] for i in range(vertex))
    lon, lat = coords[vertex]
    box = page.locator("#xenagos-route-map").bounding_box()
    point = page.evaluate(f"() => xenagos.routeSync.map.latLngToContainerPoint([{lat}, {lon}])")
    page.mouse.move(box["x"] + point["x"] + 2, box["y"] + point["y"] + 1)  # near the vertex, not on it
    page.wait_for_function("() => document.querySelector('#route-profile-chart').hasAttribute('data-station-m')")
    at = station_m(page)
    metres_per_px = page.evaluate(
        f"""() => {{ const m = xenagos.routeSync.map, p = m.latLngToContainerPoint([{lat}, {lon}]);
                   return m.distance(m.containerPointToLatLng(p), m.containerPointToLatLng(p.add([1, 0]))); }}"""
    )
    assert abs(at - vertex_m) <= 10 + 3 * metres_per_px, (at, vertex_m, metres_per_px)
    cursor_left, expected_left = page.evaluate(
        "(km) => [xenagos.routeSync.chart.cursor.left, xenagos.routeSync.chart.valToPos(km, 'x')]", at / 1000
    )
    assert cursor_left == pytest.approx(expected_left, abs=1)  # the chart's cursor stands at that station
    assert metres_between(marker_lonlat(page), (lon, lat)) <= 10 + 3 * metres_per_px  # and the map's marker too


def test_the_arrow_keys_move_along_the_route(page, route_url, route):
    open_route(page, route_url)
    page.locator("#route-profile-chart").focus()
    page.keyboard.press("Home")
    assert station_m(page) == 0
    assert metres_between(marker_lonlat(page), route.geometry[0].coords[0]) < 0.5
    page.keyboard.press("ArrowRight")
    step = max(1, round(len(route.profile) / 100))
    assert station_m(page) == route.profile[step][0]
    assert_on_the_line_at(route, marker_lonlat(page), route.profile[step][0])
    page.keyboard.press("End")
    assert station_m(page) == route.profile[-1][0]
    assert metres_between(marker_lonlat(page), route.geometry[0].coords[-1]) < 0.5
    readout = page.locator("#route-profile-readout").inner_text()
    assert readout == f"{route.profile[-1][0] / 1000:.2f} km από την αφετηρία: {route.profile[-1][1]:.0f} m".replace(
        ".", ","
    )


def test_the_data_table_opens_and_holds_the_profile(page, route_url, route):
    open_route(page, route_url)
    details = page.locator(".route-profile details")
    table = details.locator("table")
    assert not table.is_visible()
    details.locator("summary").click()
    assert table.is_visible() and details.get_attribute("open") is not None
    rows = table.locator("tbody tr")
    first, last = rows.first, rows.last
    assert (first.locator("th").inner_text(), first.locator("td").inner_text()) == (
        "0,00",
        f"{route.profile[0][1]:.0f}",
    )
    assert (last.locator("th").inner_text(), last.locator("td").inner_text()) == (
        f"{route.profile[-1][0] / 1000:.2f}".replace(".", ","),
        f"{route.profile[-1][1]:.0f}",
    )
    details.locator("summary").press("Enter")  # and closes from the keyboard
    assert not table.is_visible()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_axe_with_the_chart_and_the_table_and_no_foreign_request(page, live_server, route_url, size):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.set_viewport_size(VIEWPORTS[size])
    open_route(page, route_url)
    page.locator("#route-profile-chart").focus()
    page.keyboard.press("PageUp")  # a point marked on the chart and the map
    assert_accessible(page)  # the chart shown
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".route-profile").screenshot(path=str(SCREENSHOTS / f"profile-{size}.png"))
    page.locator(".route-profile details summary").click()
    assert_accessible(page)  # the table open
    page.screenshot(path=str(SCREENSHOTS / f"route-profile-{size}.png"), full_page=True)
    own = urlsplit(route_url).netloc
    assert requested and all(urlsplit(url).netloc == own for url in requested), [
        url for url in requested if urlsplit(url).netloc != own
    ]
    assert any("/static/vendor/uplot/" in url for url in requested)  # uPlot from our own static files
