"""The routes collection as GPX (one track per published route, written with gpxpy), read back by gpxpy and by
GDAL/OGR (pyogrio), with the same geometry as the database (ST_AsText, within 1e-7°); offered on the data page and
in the API's links beside GeoJSON, CSV and GeoPackage; not offered for other collections."""

import json

import gpxpy
import pyogrio
import pytest
import shapely
from django.contrib.gis.geos import LineString, MultiLineString
from django.db import connection

from gis.models import WGS84, Route
from tests.factories import RouteFactory

API = "/api/features"
pytestmark = pytest.mark.django_db


@pytest.fixture
def routes(db):
    two_parts = MultiLineString(
        LineString((23.7348, 37.9755), (23.7257, 37.9715), srid=WGS84),
        LineString((23.7257, 37.9715), (23.7301234, 37.9688765), (23.7320001, 37.9650009), srid=WGS84),
        srid=WGS84,
    )
    return {
        "walk": RouteFactory(name_el="Βυζαντινές εκκλησίες", name_en="Byzantine churches"),
        "parts": RouteFactory(name_el="Δύο κομμάτια", geometry=two_parts),
        "withdrawn": RouteFactory(name_el="Αποσυρμένη", withdrawn=True),
    }


def stored_wkt() -> dict[str, str]:
    """{uid: ST_AsText of the stored line} of the published routes (the database's own reading)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.uid::text, ST_AsText(r.geometry) FROM xgis_route r"
            " WHERE r.municipality_id IS NOT NULL AND NOT r.withdrawn ORDER BY r.id"
        )
        return dict(cursor.fetchall())


def same_line(ours, stored_wkt_text: str) -> None:
    expected = shapely.from_wkt(stored_wkt_text)
    parts = [list(part.coords) for part in shapely.get_parts(expected)]
    assert len(ours) == len(parts)
    for got, want in zip(ours, parts, strict=True):
        assert len(got) == len(want)
        for (x, y), (ex, ey) in zip(got, want, strict=True):
            assert abs(x - ex) <= 1e-7 and abs(y - ey) <= 1e-7


def test_the_gpx_download_holds_one_track_per_published_route(client, routes, tmp_path):
    response = client.get(f"{API}/collections/routes/download.gpx", {"lang": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/gpx+xml"
    assert response["Content-Disposition"] == 'attachment; filename="routes-en.gpx"'
    content = b"".join(response.streaming_content)
    stored = stored_wkt()
    assert str(routes["withdrawn"].uid) not in stored

    gpx = gpxpy.parse(content.decode())
    assert len(gpx.tracks) == len(stored)
    names = {track.name for track in gpx.tracks}
    assert {"Byzantine churches", "Δύο κομμάτια"} <= names  # the English name, else the Greek one
    assert "Αποσυρμένη" not in names
    licences = {track.description for track in gpx.tracks}  # each track names its own licence
    assert {"CC BY 3.0", "CC0"} <= licences and all(licence in gpx.description for licence in licences)
    assert gpx.copyright_license.startswith("https://creativecommons.org/") and "Pleiades" in gpx.copyright_author
    assert gpx.link.endswith("/data/")
    for track, wkt in zip(gpx.tracks, stored.values(), strict=True):  # in the collection's order (by id)
        same_line([[(p.longitude, p.latitude) for p in s.points] for s in track.segments], wkt)

    # GDAL/OGR reads the same tracks (its GPX driver: one MultiLineString per track)
    path = tmp_path / "routes.gpx"
    path.write_bytes(content)
    frame = pyogrio.read_dataframe(path, layer="tracks")
    assert len(frame) == len(stored)
    for geometry, wkt in zip(frame.geometry, stored.values(), strict=True):
        same_line([list(part.coords) for part in shapely.get_parts(geometry)], wkt)


def test_a_track_links_to_its_route_page(client):
    """The demo routes have pages: their tracks link to them, in the language asked for."""
    content = b"".join(client.get(f"{API}/collections/routes/download.gpx", {"lang": "en"}).streaming_content)
    tracks = {track.name: track for track in gpxpy.parse(content.decode()).tracks}
    athens = tracks["From the Kerameikos to the Panathenaic Stadium"]
    assert athens.link.startswith("http://athens.localhost") and "/en/" in athens.link
    page = Route.objects.get(source_id="athens-ancient-walk").pages.get(locale__language_code="en")
    assert athens.link == page.full_url


def test_gpx_is_offered_for_routes_on_the_data_page_and_in_the_api(client, routes):
    links = json.loads(client.get(f"{API}/collections/routes").content)["links"]
    gpx = [link for link in links if link["rel"] == "enclosure" and link["type"] == "application/gpx+xml"]
    assert len(gpx) == 1 and gpx[0]["href"].endswith("/collections/routes/download.gpx")
    places = json.loads(client.get(f"{API}/collections/places").content)["links"]
    assert not [link for link in places if link["type"] == "application/gpx+xml"]
    assert client.get(f"{API}/collections/places/download.gpx").status_code == 404
    assert client.get(f"{API}/collections/routes/download.shp").status_code == 404
    page = client.get("/en/data/", HTTP_HOST="athens.localhost").content.decode()
    assert "/api/features/collections/routes/download.gpx?lang=en" in page
    assert "/api/features/collections/places/download.gpx" not in page
    document = json.loads(client.get(f"{API}/api").content)
    assert "/collections/routes/download.gpx" in document["paths"]
    assert "/collections/places/download.gpx" not in document["paths"]


def test_geojson_csv_and_geopackage_downloads_hold_the_routes(client, routes, tmp_path):
    stored = stored_wkt()
    for fmt in ("geojson", "csv", "gpkg"):
        response = client.get(f"{API}/collections/routes/download.{fmt}")
        assert response.status_code == 200, fmt
        path = tmp_path / f"routes.{fmt}"
        path.write_bytes(b"".join(response.streaming_content))
        options = {"GEOM_POSSIBLE_NAMES": "wkt", "KEEP_GEOM_COLUMNS": "NO"} if fmt == "csv" else {}
        frame = pyogrio.read_dataframe(path, **options)
        assert len(frame) == len(stored), fmt
        by_id = dict(zip(frame["id"], frame.geometry, strict=True))
        for uid, wkt in stored.items():
            same_line([list(part.coords) for part in shapely.get_parts(by_id[uid])], wkt)


def test_the_gpx_download_is_streamed_route_by_route(client, routes, tmp_path):
    """The envelope first, then one chunk per route's track, then the end: no chunk holds the whole document, and
    the joined chunks read back through gpxpy and GDAL with the database's geometry."""
    response = client.get(f"{API}/collections/routes/download.gpx")
    assert response.streaming
    chunks = list(response.streaming_content)
    stored = stored_wkt()
    assert len(chunks) == len(stored) + 2
    head, *tracks, tail = chunks
    assert b"<metadata>" in head and b"<trk>" not in head and head.startswith(b"<?xml")
    for chunk in tracks:
        assert chunk.strip().startswith(b"<trk>") and chunk.endswith(b"</trk>") and chunk.count(b"<trk>") == 1
    assert tail.strip() == b"</gpx>"
    content = b"".join(chunks)
    gpx = gpxpy.parse(content.decode())
    for track, wkt in zip(gpx.tracks, stored.values(), strict=True):
        same_line([[(p.longitude, p.latitude) for p in s.points] for s in track.segments], wkt)
    path = tmp_path / "routes.gpx"
    path.write_bytes(content)
    frame = pyogrio.read_dataframe(path, layer="tracks")
    for geometry, wkt in zip(frame.geometry, stored.values(), strict=True):
        same_line([list(part.coords) for part in shapely.get_parts(geometry)], wkt)
