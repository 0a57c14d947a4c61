"""The routes list's map fits the routes that match its filters (content.routes_list, gis.route_selectors
.routes_extent), and the municipality when none matches: with the demo's routes (site/xenagos/demo/routes.json)."""

import json

import pytest
from bs4 import BeautifulSoup

from gis.models import Route

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "athens.localhost"}


def fitted(client, query: str = "") -> list[list[float]]:
    """The [[south, west], [north, east]] (degrees) the routes list's map is fitted to."""
    response = client.get(f"/el/routes/{query}", **HOST)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    config = json.loads(soup.select_one("#xenagos-routes-map-config").string)
    (step,) = [step for step in config["steps"] if step["type"] == "fitBounds"]
    return step["bounds"]


def test_the_map_fits_the_matching_routes_else_the_municipality(client, athens):
    walk = Route.objects.get(source_id="athens-ancient-walk")  # Kerameikos to the Panathenaic Stadium
    west, south, east, north = walk.geometry.extent  # GEOS, not PostGIS
    assert fitted(client) == [pytest.approx([south, west], abs=1e-9), pytest.approx([north, east], abs=1e-9)]
    assert fitted(client, "?mode=walk&theme=antiquity") == fitted(client)  # the walk matches these too
    # the walk spans a few kilometres of central Athens: far smaller than the municipality
    (bs, bw), (bn, be) = fitted(client)
    west_m, south_m, east_m, north_m = athens.boundary.extent
    assert west_m < bw < be < east_m and south_m < bs < bn < north_m
    assert (be - bw) * (bn - bs) < 0.5 * (east_m - west_m) * (north_m - south_m)

    # no route by bike: the municipality's boundary
    assert fitted(client, "?mode=bike") == [
        pytest.approx([south_m, west_m], abs=1e-9),
        pytest.approx([north_m, east_m], abs=1e-9),
    ]
