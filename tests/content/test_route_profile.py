"""The route page's elevation profile as the server writes it (content.route_context.route_profile): the stations'
points on the map lie on the line at their distance from the start (checked against PostGIS's own geodesic
measure, the one the stops' distances use), the data table keeps to about 100 rows, the chart's text summary and
the table come from the route's profile, a partial profile says so, and a route without one keeps its sentence."""

import json

import pytest
from django.contrib.gis.geos import LineString, MultiLineString
from django.db import connection

from content.route_context import profile_table_rows, profile_table_step_m
from gis.models import Route, RouteStop
from gis.routes import PROFILE_STEP_M, points_along, route_measure
from tests.content.test_route_page import ATHENS_STOPS, HOST, demo_place, route_page_of, route_through, soup_of

pytestmark = pytest.mark.django_db

# Elevations (m) given to the vertices of the test route: a climb to the Acropolis and down again.
ELEVATIONS_M = [52.0, 58.0, 66.0, 71.0, 80.0, 96.0, 150.0, 120.0, 95.0, 80.0]


def profiled_route(*, municipality, elevations_m=ELEVATIONS_M, split_after: int | None = 4) -> Route:
    """A route through the Athens test stops whose line also has a vertex halfway between each two stops (EPSG:4326),
    in two parts (the second starting where the first ends) unless ``split_after`` is None, with one elevation per
    vertex as a GPX track would carry, measured by gis.routes (a track profile every 10 m)."""
    places = [demo_place(pid) for pid in ATHENS_STOPS]
    coords: list[tuple[float, float]] = []
    for here, there in zip(places, places[1:], strict=False):
        coords += [
            (here.location.x, here.location.y),
            ((here.location.x + there.location.x) / 2, (here.location.y + there.location.y) / 2),
        ]
    coords.append((places[-1].location.x, places[-1].location.y))
    elevations = list(elevations_m[: len(coords)])
    if split_after is None:
        parts, heights = [LineString(coords, srid=4326)], [elevations]
    else:
        parts = [LineString(coords[: split_after + 1], srid=4326), LineString(coords[split_after:], srid=4326)]
        heights = [elevations[: split_after + 1], elevations[split_after:]]
    route = Route.objects.create(
        municipality=municipality,
        geometry=MultiLineString(*parts, srid=4326),
        name_el="Δοκιμαστική διαδρομή",
        track_elevations_m=heights,
    )
    for order, place in enumerate(places):
        RouteStop.objects.create(route=route, place=place, sort_order=order)
    return route_measure(route=route)


_ALONG_SQL = """
WITH parts AS (
    SELECT (d).path[1] AS n, (d).geom AS geom, ST_Length((d).geom::geography) AS length_m
    FROM (SELECT ST_Dump(geometry) AS d FROM xgis_route WHERE id = %(route)s) dumped
), measured AS (
    SELECT n, geom, COALESCE(sum(length_m) OVER (ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
           AS before_m
    FROM parts
)
SELECT p.i, a.off_line_m, a.along_m
FROM unnest(%(lons)s::float8[], %(lats)s::float8[]) WITH ORDINALITY AS p(lon, lat, i)
CROSS JOIN LATERAL (
    SELECT ST_Distance(m.geom::geography, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geography) AS off_line_m,
           m.before_m + ST_Length(ST_LineSubstring(m.geom, 0, ST_LineLocatePoint(
               m.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)))::geography) AS along_m
    FROM measured m
    ORDER BY ST_Distance(m.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)), m.n LIMIT 1
) a
ORDER BY p.i
"""


def postgis_along_m(route: Route, points: list[list[float]]) -> list[tuple[float, float]]:
    """PostGIS's view of each [lon, lat]: its geodesic distance (m) off the route's line and along it from the start."""
    with connection.cursor() as cursor:
        cursor.execute(_ALONG_SQL, {"route": route.pk, "lons": [p[0] for p in points], "lats": [p[1] for p in points]})
        return [(off, along) for _i, off, along in cursor.fetchall()]


@pytest.mark.parametrize("split_after", [None, 4])
def test_the_stations_lie_on_the_line_at_their_distance(athens, split_after):
    route = profiled_route(municipality=athens, split_after=split_after)
    parts = [list(part.coords) for part in route.geometry]
    distances = [d for d, _e in route.profile]
    points = points_along(parts=parts, distances_m=distances)
    assert len(points) == len(distances) > 150  # a route of about 1.8 km, a station every 10 m
    measured = postgis_along_m(route, points)
    worst_off = max(off for off, _along in measured)
    worst_along = max(abs(along - d) for (_off, along), d in zip(measured, distances, strict=True))
    assert worst_off < 0.05, worst_off
    assert worst_along < 0.5, worst_along
    # The ends are the line's own first and last vertex.
    assert points[0] == pytest.approx(list(parts[0][0]), abs=1e-7)
    assert points[-1] == pytest.approx(list(parts[-1][-1]), abs=1e-7)


def test_the_table_keeps_to_about_a_hundred_rows():
    assert profile_table_step_m(length_m=3_400) == 100
    assert profile_table_step_m(length_m=20_000) == 200
    assert profile_table_step_m(length_m=45_000) == 500
    profile = [[float(d), 100.0 + d / 100] for d in range(0, 20_000, PROFILE_STEP_M)] + [[20_000.0, 300.0]]
    rows = profile_table_rows(profile=profile, step_m=200)
    assert len(rows) == 101
    assert rows[0] == [0.0, 100.0] and rows[-1] == [20_000.0, 300.0]
    assert all(d % 200 == 0 for d, _e in rows)
    # An odd end is its own last row.
    rows = profile_table_rows(profile=[[0.0, 1.0], [10.0, 2.0], [15.5, 3.0]], step_m=100)
    assert rows == [[0.0, 1.0], [15.5, 3.0]]


def test_the_page_shows_the_chart_its_summary_and_its_table(client, athens):
    route = profiled_route(municipality=athens)
    route_page_of(route)
    soup = soup_of(client.get("/el/places/dromos-test/", **HOST))
    chart = soup.select_one(".route-profile #route-profile-chart[role=img]")
    label = chart["aria-label"]
    assert f"{route.length_m / 1000:.1f}".replace(".", ",") + " km" in label
    assert f"χαμηλότερο σημείο {min(ELEVATIONS_M):.0f} m" in label and f"υψηλότερο {max(ELEVATIONS_M):.0f} m" in label
    assert f"{route.ascent_m:.0f} m ανάβαση" in label
    assert "τα υψόμετρα που κατέγραψε η διαδρομή GPS" in label  # the source, in Greek
    data = json.loads(soup.select_one("script#route-profile-data").string)
    assert [s[:2] for s in data["stations"]] == route.profile
    assert [number for number, _d in data["stops"]] == [1, 2, 3, 4, 5]
    table = soup.select_one(".route-profile details table")
    assert table.caption.get_text() == "Υψόμετρο ανά 100 m κατά μήκος της διαδρομής"
    assert [th.get_text() for th in table.select("thead th")] == ["Απόσταση από την αφετηρία (km)", "Υψόμετρο (m)"]
    rows = table.select("tbody tr")
    length_m = route.profile[-1][0]
    assert len(rows) == int(length_m // 100) + 1 + (1 if length_m % 100 else 0)  # every 100 m, and the end
    assert (rows[0].th.get_text(), rows[0].td.get_text()) == ("0,00", f"{route.profile[0][1]:.0f}")
    last_km = f"{route.profile[-1][0] / 1000:.2f}".replace(".", ",")
    assert (rows[-1].th.get_text(), rows[-1].td.get_text()) == (last_km, f"{route.profile[-1][1]:.0f}")
    assert soup.select_one(".route-profile figcaption").get_text() == (
        "Υψόμετρα από τα υψόμετρα που κατέγραψε η διαδρομή GPS."
    )


def test_a_partial_profile_has_gaps_and_says_so(client, athens):
    route = profiled_route(municipality=athens, elevations_m=[None, None, *ELEVATIONS_M[2:]])
    assert route.profile_partial and route.profile[0][1] is None
    route_page_of(route)
    soup = soup_of(client.get("/el/places/dromos-test/", **HOST))
    assert "εκεί το προφίλ έχει κενά" in soup.select_one("#route-profile-chart")["aria-label"]
    assert "εκεί το προφίλ έχει κενά" in soup.select_one(".route-profile figcaption").get_text()
    assert soup.select_one(".route-profile tbody tr td").get_text() == "χωρίς υψόμετρο"
    data = json.loads(soup.select_one("script#route-profile-data").string)
    assert data["stations"][0][1] is None


def test_without_a_profile_the_page_says_so_and_draws_no_chart(client, athens):
    route_page_of(route_through([demo_place(p) for p in ATHENS_STOPS], municipality=athens))
    response = client.get("/el/places/dromos-test/", **HOST)
    soup = soup_of(response)
    assert soup.select_one(".route-profile") is None and soup.select_one("#route-profile-data") is None
    assert b"uPlot" not in response.content and b"route-profile.js" not in response.content
    assert "προφίλ" in soup.select_one('[data-fact="profile"]').get_text()  # "no elevation profile", as before
