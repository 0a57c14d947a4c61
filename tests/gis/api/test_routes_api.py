"""The ``routes`` collection of the open-data API, through a real client: items, one item, bbox, the theme filter,
the per-municipality collections (a route crossing two municipalities is in both), the bulk downloads read back by
GDAL, GDAL's OGC API client and schemathesis against a live server; a withdrawn route and one without a
municipality are published nowhere. Geometry EPSG:4326 degrees, lengths metres."""

import csv
import io
import json

import pyogrio
import pytest
from django.contrib.gis.geos import LineString, MultiLineString
from pyproj import Geod

from gis.models import WGS84, Municipality, Route, Theme
from tests.factories import PlaceFactory, RouteFactory, athens_walk

from .conftest import run, schemathesis_run

API = "/api/features"
# two parts: a walk in Athens, then a line to the Palamidi in Nafplio (crosses both municipalities' boundaries)
ATHENS_TO_NAFPLIO = MultiLineString(
    LineString((23.7348, 37.9755), (23.7257, 37.9715), srid=WGS84),
    LineString((23.7257, 37.9715), (22.9, 37.7), (22.8060, 37.5620), srid=WGS84),
    srid=WGS84,
)
GEOD = Geod(ellps="WGS84")


def get_json(client, path: str, **query) -> dict:
    response = client.get(API + path, query)
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


def DEMO_UIDS() -> set[str]:  # noqa: N802
    """The ids of the demo's own routes (xenagos.demo.routes, loaded with the test database)."""
    return {str(uid) for uid in Route.objects.filter(dataset__slug="xenagos-demo-routes").values_list("uid", flat=True)}


def ids(page: dict) -> set[str]:
    """The page's route ids but the demo's own routes."""
    return {feature["id"] for feature in page["features"]} - DEMO_UIDS()


def geodesic_m(line: MultiLineString) -> float:
    """The line's length on the WGS 84 ellipsoid (pyproj), the oracle of PostGIS' geography length."""
    return sum(GEOD.line_length(*zip(*part.coords, strict=True)) for part in line)


@pytest.fixture
def routes(db) -> dict[str, Route]:
    byzantine = Theme.objects.get(slug="byzantine-heritage", locale__language_code="el")
    nature = Theme.objects.get(slug="nature", locale__language_code="el")
    stop = PlaceFactory()
    return {
        "walk": RouteFactory(
            name_el="Βυζαντινές εκκλησίες",
            name_en="Byzantine churches",
            theme=byzantine,
            seasons=["spring", "autumn"],
            step_free="partly",
            suggested_difficulty="easy",
            duration_min=20,
            stops=[stop, stop],
        ),
        "long": RouteFactory(
            name_el="Από την Αθήνα στο Ναύπλιο",
            geometry=ATHENS_TO_NAFPLIO,
            theme=nature,
            difficulty="hard",
            suggested_difficulty="easy",
        ),
        "withdrawn": RouteFactory(withdrawn=True, theme=byzantine),
        "unowned": RouteFactory(municipality=None, theme=byzantine),
    }


def test_items_are_the_published_routes_with_their_typed_properties(client, routes):
    page = get_json(client, "/collections/routes/items")
    walk, long = routes["walk"], routes["long"]
    assert ids(page) == {str(walk.uid), str(long.uid)} and page["numberMatched"] == 2 + 2  # and the demo's two
    features = {feature["id"]: feature for feature in page["features"]}
    one = features[str(walk.uid)]
    assert one["geometry"]["type"] == "LineString"  # a route of one part
    assert one["geometry"]["coordinates"] == [list(xy) for xy in athens_walk()[0].coords]
    properties = one["properties"]
    assert properties["name"] == "Βυζαντινές εκκλησίες" and properties["name_en"] == "Byzantine churches"
    assert properties["theme"] == "byzantine-heritage" and properties["theme_name"] == "Βυζαντινή κληρονομιά"
    assert properties["mode"] == "walk" and properties["circular"] is False
    assert properties["length_m"] == pytest.approx(geodesic_m(athens_walk()), rel=1e-6)
    assert properties["duration_min"] == 20 and properties["stops"] == 2
    assert properties["seasons"] == ["spring", "autumn"] and properties["step_free"] == "partly"
    assert properties["difficulty"] == "easy" and properties["municipalities"] == ["athens"]
    assert properties["licence"] == "CC0" and properties["dataset"] == walk.dataset.slug
    other = features[str(long.uid)]
    assert other["geometry"]["type"] == "MultiLineString" and len(other["geometry"]["coordinates"]) == 2
    assert other["properties"]["difficulty"] == "hard"  # the editor's, not the suggested one
    assert other["properties"]["municipalities"] == ["athens", "nafplio"]
    assert other["properties"]["length_m"] == pytest.approx(geodesic_m(ATHENS_TO_NAFPLIO), rel=1e-6)
    english = get_json(client, "/collections/routes/items", lang="en")
    names = {feature["id"]: feature["properties"] for feature in english["features"]}
    assert names[str(walk.uid)]["name"] == "Byzantine churches"
    assert names[str(walk.uid)]["theme_name"] == "Byzantine heritage"
    assert names[str(long.uid)]["name"] == "Από την Αθήνα στο Ναύπλιο"  # no English name: the Greek one


def test_a_route_crossing_two_municipalities_is_listed_in_both(client, routes):
    walk, long = str(routes["walk"].uid), str(routes["long"].uid)
    assert ids(get_json(client, "/collections/routes-athens/items")) == {walk, long}
    assert ids(get_json(client, "/collections/routes-nafplio/items")) == {long}
    assert get_json(client, f"/collections/routes-nafplio/items/{long}")["id"] == long
    assert client.get(f"{API}/collections/routes-nafplio/items/{walk}").status_code == 404
    collections = [c["id"] for c in get_json(client, "/collections")["collections"]]
    assert "routes" in collections and all(
        f"routes-{slug}" in collections for slug in Municipality.objects.values_list("slug", flat=True)
    )


def test_one_item_bbox_and_theme_filter(client, routes):
    walk, long = str(routes["walk"].uid), str(routes["long"].uid)
    item = get_json(client, f"/collections/routes/items/{walk}")
    assert item["type"] == "Feature" and item["properties"]["stops"] == 2
    # a box around the Palamidi holds only the line that reaches it
    assert ids(get_json(client, "/collections/routes/items", bbox="22.80,37.55,22.82,37.57")) == {long}
    assert ids(get_json(client, "/collections/routes/items", bbox="23.72,37.96,23.74,37.98")) == {walk, long}
    assert ids(get_json(client, "/collections/routes/items", theme="byzantine-heritage")) == {walk}
    assert ids(get_json(client, "/collections/routes/items", theme="nature,byzantine-heritage")) == {walk, long}
    assert ids(get_json(client, "/collections/routes/items", theme="gastronomy")) == set()
    assert client.get(f"{API}/collections/routes/items", {"theme": "Not a slug!"}).status_code == 400
    queryables = get_json(client, "/collections/routes/queryables")
    assert "theme" in queryables["properties"]


def test_a_withdrawn_route_and_one_without_a_municipality_are_published_nowhere(client, routes):
    hidden = [str(routes["withdrawn"].uid), str(routes["unowned"].uid)]
    for collection in ("routes", "routes-athens"):
        assert not ids(get_json(client, f"/collections/{collection}/items")) & set(hidden)
        for uid in hidden:
            assert client.get(f"{API}/collections/{collection}/items/{uid}").status_code == 404
        download = client.get(f"{API}/collections/{collection}/download.geojson")
        text = b"".join(download.streaming_content).decode()
        assert not any(uid in text for uid in hidden) and str(routes["walk"].uid) in text
    for uid in hidden:
        for fmt in ("gpx", "kml", "geojson"):
            assert client.get(f"/routes/{uid}.{fmt}").status_code == 404


def test_downloads_csv_with_wkt_and_a_typed_geopackage(client, routes, tmp_path, gdal_tools):
    response = client.get(f"{API}/collections/routes/download.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) - DEMO_UIDS() == {str(routes["walk"].uid), str(routes["long"].uid)}  # and the demo's two
    assert by_id[str(routes["long"].uid)]["wkt"].startswith("MULTILINESTRING(")
    assert by_id[str(routes["walk"].uid)]["wkt"].startswith("LINESTRING(")
    assert by_id[str(routes["long"].uid)]["municipalities"] == "athens;nafplio"
    gpkg = tmp_path / "routes.gpkg"
    gpkg.write_bytes(client.get(f"{API}/collections/routes/download.gpkg").getvalue())
    info = pyogrio.read_info(gpkg)
    fields = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert fields["length_m"] == "float64" and fields["stops"] == "int64" and fields["circular"] == "bool"
    frame = pyogrio.read_dataframe(gpkg)
    lengths = dict(zip(frame["id"], frame["length_m"], strict=True))
    assert lengths[str(routes["long"].uid)] == pytest.approx(geodesic_m(ATHENS_TO_NAFPLIO), rel=1e-6)
    # the demo's two routes (one part each) are LineStrings too
    assert sorted(frame.geometry.geom_type) == ["LineString", "LineString", "LineString", "MultiLineString"]


@pytest.mark.django_db(transaction=True)
def test_gdal_and_schemathesis_read_the_routes_from_a_live_server(live_server, tmp_path, gdal_tools):
    long = RouteFactory(geometry=ATHENS_TO_NAFPLIO, stops=[PlaceFactory()])
    walk = RouteFactory()
    RouteFactory(withdrawn=True)
    source = f"OAPIF:{live_server.url}{API}/"
    assert "Feature Count: 4" in run("ogrinfo", "-ro", "-so", source, "routes").stdout  # 2 and the demo's 2
    copy = tmp_path / "nafplio.gpkg"
    run("ogr2ogr", "-f", "GPKG", str(copy), source, "routes-nafplio")
    frame = pyogrio.read_dataframe(copy)
    frame = frame[~frame["id"].isin(DEMO_UIDS())].reset_index(drop=True)  # the demo's Nafplio walk is there too
    assert list(frame["id"]) == [str(long.uid)] and str(walk.uid) not in set(frame["id"])
    parts = list(frame.geometry.iloc[0].geoms)
    assert [len(part.coords) for part in parts] == [len(part.coords) for part in ATHENS_TO_NAFPLIO]
    schemathesis_run(f"{live_server.url}{API}/api", report_dir=tmp_path, paths="^/collections/routes")
