"""A route's measured facts (gis.routes) against independent oracles: gpxpy's length and uphill on a real track,
a hand-made profile with a known ascent, Tobler's formula on a constant slope, PostGIS for the municipalities."""

import math
from pathlib import Path

import gpxpy
import pytest
from django.contrib.gis.geos import LineString, MultiLineString, Point

from gis import routes
from gis.models import Route, RouteStop
from tests.factories import MunicipalityFactory, PlaceFactory, square

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent.parent / "importers" / "data" / "routes"
GEOD = routes.GEOD


def line(*parts):
    return MultiLineString(*[LineString(*part) for part in parts], srid=4326)


def east_of(lon, lat, metres):
    """The point ``metres`` due east of (lon, lat) on the WGS 84 ellipsoid (pyproj, an independent oracle)."""
    east, north, _back = GEOD.fwd(lon, lat, 90, metres)
    return east, north


def constant_slope_route(*, length_m, rise_m, mode="walk"):
    """A straight line east from Athens of ``length_m`` climbing ``rise_m`` evenly (elevations at its two ends)."""
    start = (23.72, 37.97)
    end = east_of(*start, length_m)
    return Route.objects.create(
        name_el="Κλίση", geometry=line([start, end]), track_elevations_m=[[100.0, 100.0 + rise_m]], mode=mode
    )


def test_a_real_track_has_gpxpys_length_and_about_its_uphill():
    parsed = gpxpy.parse((DATA / "Mojstrovka.gpx").read_text())
    (track,) = parsed.tracks
    parts = [[(p.longitude, p.latitude) for p in s.points] for s in track.segments]
    route = Route.objects.create(
        name_el="Mojstrovka",
        geometry=line(*parts),
        track_elevations_m=[[p.elevation for p in s.points] for s in track.segments],
    )
    routes.route_measure(route=route)
    route.refresh_from_db()
    assert route.length_m == pytest.approx(track.length_2d(), rel=0.01)
    uphill, downhill = track.get_uphill_downhill()
    # gpxpy smooths with a moving average, we count with a 3 m hysteresis: the same climb within 10 %
    assert route.ascent_m == pytest.approx(uphill, rel=0.10)
    assert route.descent_m == pytest.approx(downhill, rel=0.10)
    elevations = [p.elevation for s in track.segments for p in s.points]
    # lowest and highest of the profile sampled every 10 m: within a few metres of the extreme vertices
    assert min(elevations) <= route.lowest_m <= min(elevations) + 3
    assert max(elevations) - 3 <= route.highest_m <= max(elevations)
    assert route.profile_source == "track" and not route.profile_partial
    steps = [b[0] - a[0] for a, b in zip(route.profile, route.profile[1:], strict=False)]
    assert all(step == pytest.approx(10, abs=0.05) for step in steps[:-1]) and 0 < steps[-1] <= 10.05
    assert route.profile[-1][0] == pytest.approx(route.length_m, abs=0.5)


def test_a_hand_made_profile_counts_climbs_and_ignores_noise():
    # 0 -> 50 m up, 1 m noise, 20 m down, 30 m up: ascent 80, descent 20
    heights = [0, 10, 20, 30, 40, 50, 49, 50, 49, 50, 40, 30, 30, 40, 50, 60]
    assert routes.ascent_descent_m(elevations_m=heights) == (80.0, 20.0)
    assert routes.ascent_descent_m(elevations_m=[0, 2, 0, 2, 0, 2.5]) == (0.0, 0.0)


def test_walking_time_is_toblers_on_a_constant_slope():
    route = constant_slope_route(length_m=2000, rise_m=200)  # a 10 % climb
    routes.route_measure(route=route)
    route.refresh_from_db()
    speed_kmh = 6 * math.exp(-3.5 * abs(0.10 + 0.05))  # Tobler, by hand: 3.55 km/h
    assert route.duration_min == round(2.0 / speed_kmh * 60)  # 34 minutes, not the flat 24
    assert route.steepest_pct == pytest.approx(10.0, abs=0.05)
    assert route.ascent_m == pytest.approx(200, abs=3) and route.descent_m == 0
    assert route.suggested_difficulty == "easy" and not route.circular


def test_without_elevations_there_is_no_profile_and_walking_is_flat():
    route = Route.objects.create(name_el="Επίπεδη", geometry=line([(23.72, 37.97), east_of(23.72, 37.97, 5000)]))
    routes.route_measure(route=route)
    route.refresh_from_db()
    assert route.profile == [] and route.profile_source == "" and route.ascent_m is None
    assert route.duration_min == 60  # 5 km at 5 km/h
    assert route.steepest_pct is None


@pytest.mark.parametrize(
    ("mode", "minutes"),
    [("bike", 80), ("car", 30), ("boat", 80)],  # 20 km at 15, 40 and 15 km/h
)
def test_other_modes_travel_at_their_stated_speed(mode, minutes):
    route = constant_slope_route(length_m=20_000, rise_m=0, mode=mode)
    routes.route_measure(route=route)
    route.refresh_from_db()
    assert route.duration_min == minutes


@pytest.mark.parametrize(
    ("length_m", "ascent_m", "expected"),
    [(4000, 150, "easy"), (4000, 300, "moderate"), (12000, 100, "moderate"), (16000, 0, "hard"), (8000, 900, "hard")],
)
def test_suggested_difficulty_follows_length_and_ascent(length_m, ascent_m, expected):
    assert routes.difficulty_suggest(length_m=length_m, ascent_m=ascent_m) == expected


def test_a_loop_is_circular_and_a_partly_known_profile_says_so():
    start = (23.72, 37.97)
    east = east_of(*start, 1000)
    back = east_of(*start, 30)  # ends 30 m from the start
    route = Route.objects.create(
        name_el="Βρόχος",
        geometry=line([start, east, (east[0], east[1] + 0.005), (back[0], back[1] + 0.005), back]),
        track_elevations_m=[[None, 10.0, 20.0, 20.0, None]],
    )
    routes.route_measure(route=route)
    route.refresh_from_db()
    assert route.circular
    assert route.profile_partial and route.profile[0][1] is None and route.profile[-1][1] is None


def test_a_route_crossing_two_municipalities_belongs_to_both_and_is_kept_by_the_start():
    west = MunicipalityFactory(boundary=square(lon=20.70, lat=36.0, half_side_deg=0.01))
    east = MunicipalityFactory(boundary=square(lon=20.72, lat=36.0, half_side_deg=0.01))
    MunicipalityFactory(boundary=square(lon=20.80, lat=36.0, half_side_deg=0.01))  # not crossed
    route = Route.objects.create(name_el="Σύνορο", geometry=line([(20.695, 36.0), (20.729, 36.0)]))
    routes.route_measure(route=route)
    assert set(route.municipalities.all()) == {west, east}
    assert route.municipality == west  # it starts there, although most of it lies in the east


def test_a_route_starting_outside_is_kept_by_the_longest_share():
    west = MunicipalityFactory(boundary=square(lon=20.70, lat=36.0, half_side_deg=0.01))
    east = MunicipalityFactory(boundary=square(lon=20.72, lat=36.0, half_side_deg=0.01))
    route = Route.objects.create(name_el="Έξω", geometry=line([(20.68, 36.0), (20.725, 36.0)]))
    routes.route_measure(route=route)
    assert set(route.municipalities.all()) == {west, east}
    assert route.municipality == west  # 0.02° inside the west, 0.015° inside the east


def test_stops_are_ordered_along_the_line_across_its_parts():
    route = Route.objects.create(
        name_el="Στάσεις", geometry=line([(23.70, 37.97), (23.71, 37.97)], [(23.71, 37.98), (23.70, 37.98)])
    )
    # by position along the line: a (first part, start), b (first part, end), c (second part, start), d (end)
    a, b, c, d = (
        PlaceFactory(name_el=name, location=Point(lon, lat, srid=4326))
        for name, lon, lat in [
            ("a", 23.7001, 37.9701),
            ("b", 23.7095, 37.9699),
            ("c", 23.7098, 37.9801),
            ("d", 23.7001, 37.9799),
        ]
    )
    for number, place in enumerate([d, b, c, a]):
        RouteStop.objects.create(route=route, place=place, sort_order=number)
    ordered = routes.route_stops_order_along_line(route=route)
    assert [s.place for s in ordered] == [a, b, c, d]
    assert [s.place for s in RouteStop.objects.filter(route=route).order_by("sort_order")] == [a, b, c, d]
    along = routes.stops_along_m(route=route)
    first_part_m = GEOD.inv(23.70, 37.97, 23.71, 37.97)[2]
    assert along[ordered[1].pk] == pytest.approx(GEOD.inv(23.70, 37.97, 23.7095, 37.97)[2], abs=2)
    assert along[ordered[2].pk] == pytest.approx(first_part_m + GEOD.inv(23.71, 37.98, 23.7098, 37.98)[2], abs=2)
