"""One route's downloads (/routes/<uid>.gpx, .kml, .geojson) read back by independent readers: gpxpy and GDAL/OGR
(pyogrio) give the same line (coordinates within 1e-7 degrees, the same parts in the same order), the stops as
named waypoints, the track's elevations; names per language, a file name from the route's name; 404 for a route
that is not published. EPSG:4326 degrees, metres."""

import json

import gpxpy
import pyogrio
import pytest
from django.contrib.gis.geos import LineString, MultiLineString

from gis.models import WGS84
from tests.factories import PlaceFactory, RouteFactory

pytestmark = pytest.mark.django_db
TOLERANCE_DEG = 1e-7
TWO_PARTS = MultiLineString(
    LineString((23.7348123, 37.9755321), (23.7300456, 37.9730789), srid=WGS84),
    LineString((23.7290001, 37.9725002), (23.7257003, 37.9715004), (23.7250005, 37.9712006), srid=WGS84),
    srid=WGS84,
)
HEIGHTS = [[95.5, 101.0], [110.0, None, 150.25]]


@pytest.fixture
def route():
    syntagma = PlaceFactory(name_el="Πλατεία Συντάγματος", name_en="Syntagma Square")
    museum = PlaceFactory(name_el="Μουσείο Ακρόπολης", name_en="Acropolis Museum")
    return RouteFactory(
        name_el="Βυζαντινές εκκλησίες",
        name_en="Byzantine churches",
        geometry=TWO_PARTS,
        track_elevations_m=HEIGHTS,
        stops=[(syntagma, "Αφετηρία"), museum],
    )


def download(client, route, fmt: str, **query) -> bytes:
    response = client.get(f"/routes/{route.uid}.{fmt}", query)
    assert response.status_code == 200, response.content[:300]
    return response.content


def assert_same_line(parts: list[list[tuple[float, float]]]) -> None:
    assert len(parts) == len(TWO_PARTS)
    for got, expected in zip(parts, TWO_PARTS, strict=True):
        assert len(got) == len(expected.coords)
        for (lon, lat), (x, y) in zip(got, expected.coords, strict=True):
            assert abs(lon - x) <= TOLERANCE_DEG and abs(lat - y) <= TOLERANCE_DEG


def test_gpx_reads_back_through_gpxpy_and_gdal(client, route, tmp_path):
    response = client.get(f"/routes/{route.uid}.gpx")
    assert response["Content-Type"] == "application/gpx+xml"
    assert response["Content-Disposition"] == 'attachment; filename="vyzantines-ekklisies.gpx"'
    gpx = gpxpy.parse(response.content.decode())
    assert gpx.version == "1.1" and gpx.name == "Βυζαντινές εκκλησίες"
    assert gpx.link == "http://testserver/" and gpx.copyright_author == "test"
    [track] = gpx.tracks
    assert_same_line([[(p.longitude, p.latitude) for p in s.points] for s in track.segments])
    assert [[p.elevation for p in s.points] for s in track.segments] == HEIGHTS
    assert [(w.name, w.comment) for w in gpx.waypoints] == [
        ("Πλατεία Συντάγματος", "Αφετηρία"),
        ("Μουσείο Ακρόπολης", None),
    ]
    english = gpxpy.parse(download(client, route, "gpx", lang="en").decode())
    assert english.name == "Byzantine churches" and english.waypoints[1].name == "Acropolis Museum"
    path = tmp_path / "route.gpx"
    path.write_bytes(response.content)
    tracks = pyogrio.read_dataframe(path, layer="tracks")
    assert_same_line([list(part.coords) for part in tracks.geometry.iloc[0].geoms])
    assert len(pyogrio.read_dataframe(path, layer="waypoints")) == 2


def test_kml_reads_back_through_gdal(client, route, tmp_path):
    response = client.get(f"/routes/{route.uid}.kml")
    assert response["Content-Type"] == "application/vnd.google-earth.kml+xml"
    path = tmp_path / "route.kml"
    path.write_bytes(response.content)
    frame = pyogrio.read_dataframe(path)
    line = frame[frame.geometry.geom_type != "Point"]
    assert list(line["Name"]) == ["Βυζαντινές εκκλησίες"]
    geometry = line.geometry.iloc[0]
    parts = list(geometry.geoms) if hasattr(geometry, "geoms") else [geometry]
    assert_same_line([[xy[:2] for xy in part.coords] for part in parts])
    stops = frame[frame.geometry.geom_type == "Point"]
    assert list(stops["Name"]) == ["1. Πλατεία Συντάγματος", "2. Μουσείο Ακρόπολης"]


def test_geojson_is_the_collections_feature_and_reads_back_through_gdal(client, route, tmp_path):
    content = download(client, route, "geojson")
    feature = json.loads(content)
    item = json.loads(client.get(f"/api/features/collections/routes/items/{route.uid}").content)
    item.pop("links")  # the API's item adds its links; the feature is the same
    assert feature == item
    assert feature["geometry"]["type"] == "MultiLineString" and feature["properties"]["stops"] == 2
    path = tmp_path / "route.geojson"
    path.write_bytes(content)
    frame = pyogrio.read_dataframe(path)
    assert_same_line([list(part.coords) for part in frame.geometry.iloc[0].geoms])


def test_a_route_that_is_not_published_or_does_not_exist_is_not_found(client, route):
    route.withdrawn = True
    route.save()
    for fmt in ("gpx", "kml", "geojson"):
        assert client.get(f"/routes/{route.uid}.{fmt}").status_code == 404
    assert client.get("/routes/00000000-0000-0000-0000-000000000000.gpx").status_code == 404
    assert client.get("/routes/not-a-uid-not-a-uid-not-a-uid-not-a-u.gpx").status_code == 404
