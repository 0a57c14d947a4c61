"""The demo's themed routes: one in Athens and one in Nafplio, through real demo places, measured, with pages."""

import json

import gpxpy
import pytest
from django.contrib.gis.geos import Point
from pyproj import Geod

from content.models import RoutePage
from gis.models import Difficulty, ProfileSource, Route
from xenagos.demo import demo_load
from xenagos.demo.routes import ROUTES

pytestmark = pytest.mark.django_db
GEOD = Geod(ellps="WGS84")
SPEC = {item["source_id"]: item for item in json.loads(ROUTES.read_text(encoding="utf-8"))["routes"]}


def demo_route(source_id: str) -> Route:
    return Route.objects.get(dataset__slug="xenagos-demo-routes", source_id=source_id)


@pytest.mark.parametrize(("source_id", "code"), [("athens-ancient-walk", "9186"), ("nafplio-argolid-citadels", "9236")])
def test_each_demo_route_joins_its_real_places_in_order_and_is_measured(source_id, code):
    route = demo_route(source_id)
    stops = list(route.route_stops.order_by("sort_order").select_related("place"))
    assert [stop.place.source_id for stop in stops] == SPEC[source_id]["stops"]
    assert all(stop.place.dataset.slug == "pleiades-demo" for stop in stops)
    assert route.municipality.code == code
    assert [m.code for m in route.municipalities.all()] == [code]
    assert (route.theme.slug, route.mode, route.circular) == ("antiquity", "walk", False)
    # The line's vertices are the stops' points, in order.
    vertices = [Point(xy, srid=4326) for xy in route.geometry[0].coords]
    assert [v.coords for v in vertices] == [stop.place.location.coords for stop in stops]
    # Its length is the sum of the geodesic legs between the stops (an independent oracle: pyproj).
    legs = zip(stops, stops[1:], strict=False)
    expected_m = sum(GEOD.inv(*a.place.location.coords, *b.place.location.coords)[2] for a, b in legs)
    assert route.length_m == pytest.approx(expected_m, rel=1e-3)
    # route_measure ran: no elevations anywhere, so no profile, a flat 5 km/h walk and a suggested difficulty.
    assert (route.profile, route.profile_source, route.ascent_m) == ([], ProfileSource.NONE, None)
    assert route.duration_min == round(route.length_m / 5000 * 60)
    expected = Difficulty.EASY if route.length_m <= 5000 else Difficulty.MODERATE
    assert route.suggested_difficulty == expected


def test_the_athens_walk_is_short_and_the_nafplio_walk_is_long():
    assert 2500 < demo_route("athens-ancient-walk").length_m < 5000
    assert 8000 < demo_route("nafplio-argolid-citadels").length_m < 15000


@pytest.mark.parametrize("source_id", ["athens-ancient-walk", "nafplio-argolid-citadels"])
def test_each_demo_route_has_a_live_greek_page_and_its_english_translation(client, source_id):
    route = demo_route(source_id)
    pages = {page.locale.language_code: page for page in RoutePage.objects.filter(route_record=route)}
    assert set(pages) == {"el", "en"} and all(page.live for page in pages.values())
    assert pages["en"].translation_key == pages["el"].translation_key
    for language in ("el", "en"):
        texts = SPEC[source_id][language]
        page = pages[language]
        assert (page.title, page.summary, page.surface_notes) == (
            texts["title"],
            texts["summary"],
            texts["surface_notes"],
        )
        site = route.municipality.branding.site
        response = client.get(page.get_url(), HTTP_HOST=site.hostname)
        assert response.status_code == 200
        assert texts["title"] in response.content.decode()
    assert route.name_el == SPEC[source_id]["el"]["title"] and route.name_en == SPEC[source_id]["en"]["title"]


def test_the_demo_routes_say_their_line_is_not_a_surveyed_path(client):
    route = demo_route("athens-ancient-walk")
    assert "not a surveyed path" in route.dataset.attribution
    response = client.get(f"/routes/{route.uid}.gpx", HTTP_HOST="athens.localhost")
    assert response.status_code == 200
    gpx = gpxpy.parse(response.content.decode())
    assert len(gpx.tracks) == 1 and len(gpx.tracks[0].segments[0].points) == len(SPEC["athens-ancient-walk"]["stops"])
    assert "not a surveyed path" in response.content.decode()


def test_loading_the_demo_again_adds_nothing():
    routes = Route.objects.count()
    pages = RoutePage.objects.count()
    stops = sorted(Route.objects.values_list("route_stops__id", flat=True))
    demo_load()
    assert Route.objects.count() == routes == 2
    assert RoutePage.objects.count() == pages == 4
    assert sorted(Route.objects.values_list("route_stops__id", flat=True)) == stops
