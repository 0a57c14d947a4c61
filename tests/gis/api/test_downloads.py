"""Bulk downloads: whole collections as GeoJSON, CSV and GeoPackage, streamed, with licence and provenance; checked by
the RFC 7946 validator and converted by GDAL's ogr2ogr."""

import csv
import io
import json

import pyogrio
import pytest
from django.db import connection
from django.http import StreamingHttpResponse

from gis.api import queries
from gis.models import Municipality, Place

from .conftest import run

pytestmark = pytest.mark.django_db
API = "/api/features"
COLLECTIONS = ["places", "places-athens", "places-nafplio", "boundaries"]


def expected_ids(collection: str) -> list[str]:
    if collection == "boundaries":
        return sorted(Municipality.objects.values_list("code", flat=True))
    places = Place.objects.filter(withdrawn=False, municipality__isnull=False)
    if "-" in collection:
        places = places.filter(municipality__slug=collection.split("-", 1)[1])
    return sorted(str(uid) for uid in places.values_list("uid", flat=True))


def expected_licences(collection: str) -> dict[str, str]:
    """Each record's licence by id: a place's source dataset's (the demo's Pleiades places: CC BY 3.0), else its
    municipality's; a boundary's, its municipality's."""
    if collection == "boundaries":
        return dict(Municipality.objects.values_list("code", "licence"))
    places = Place.objects.filter(withdrawn=False, municipality__isnull=False).select_related("dataset", "municipality")
    if "-" in collection:
        places = places.filter(municipality__slug=collection.split("-", 1)[1])
    return {str(p.uid): (p.dataset.licence if p.dataset else "") or p.municipality.licence for p in places}


LICENCE_URLS = {
    "CC BY 3.0": "https://creativecommons.org/licenses/by/3.0/",
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
}


def download(client, collection: str, fmt: str, **query) -> bytes:
    response = client.get(f"{API}/collections/{collection}/download.{fmt}", query)
    assert response.status_code == 200, response.content[:300]
    assert f'filename="{collection}-{query.get("lang", "el")}.{fmt}"' in response["Content-Disposition"]
    assert response["Access-Control-Allow-Origin"] == "*"
    return b"".join(response.streaming_content) if response.streaming else b"".join(response)


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_geojson_download_is_valid_rfc7946_with_licence_and_every_feature(
    client, tmp_path, geojsonhint, gdal_tools, collection
):
    body = download(client, collection, "geojson", lang="en")
    path = tmp_path / f"{collection}.geojson"
    path.write_bytes(body)
    assert geojsonhint(path) == []
    data = json.loads(body)
    assert sorted(feature["id"] for feature in data["features"]) == expected_ids(collection)
    licences = sorted(set(expected_licences(collection).values()))
    assert data["licence"] == "; ".join(licences) and data["licence_urls"] == [LICENCE_URLS[x] for x in licences]
    assert {feature["id"]: feature["properties"]["licence"] for feature in data["features"]} == expected_licences(
        collection
    )
    assert data["documentation"].endswith("/en/data/")
    if collection.startswith("places"):
        assert data["sources"]["datasets"][0]["licence"] == "CC BY 3.0"
        assert "Pleiades" in data["attribution"]
    with connection.cursor() as cursor:
        for feature in data["features"]:
            cursor.execute("SELECT ST_IsValid(ST_GeomFromGeoJSON(%s))", [json.dumps(feature["geometry"])])
            assert cursor.fetchone()[0], feature["id"]
    gpkg = tmp_path / f"{collection}.gpkg"
    run("ogr2ogr", "-f", "GPKG", str(gpkg), str(path))
    assert pyogrio.read_info(gpkg)["features"] == len(expected_ids(collection))


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_csv_download_has_every_record_and_converts_with_ogr2ogr(client, tmp_path, gdal_tools, collection):
    body = download(client, collection, "csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert sorted(row["id"] for row in rows) == expected_ids(collection)
    assert {row["id"]: row["licence"] for row in rows} == expected_licences(collection)
    path = tmp_path / f"{collection}.csv"
    path.write_bytes(body)
    gpkg = tmp_path / f"{collection}.gpkg"
    if collection == "boundaries":
        options = ["-oo", "GEOM_POSSIBLE_NAMES=wkt", "-oo", "KEEP_GEOM_COLUMNS=NO", "-nlt", "MULTIPOLYGON"]
    else:
        options = ["-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-nlt", "POINT"]
    run("ogr2ogr", "-f", "GPKG", "-a_srs", "EPSG:4326", *options, str(gpkg), str(path))
    info = pyogrio.read_info(gpkg)
    assert info["features"] == len(rows)
    assert info["geometry_type"] in ("Point", "MultiPolygon")
    if collection.startswith("places"):
        acropolis = next((row for row in rows if row["pleiades"] == "638356144"), None)
        if acropolis:
            assert (acropolis["lon"], acropolis["lat"]) == ("23.7264385", "37.9716471")
            assert acropolis["name"] == "Ακρόπολη Αθηνών"
            place = Place.objects.get(pleiades="638356144")
            assert acropolis["periods"] == ";".join(p.slug for p in place.periods.order_by("sort_order", "slug"))


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_geopackage_download_has_every_feature_and_its_licence(client, tmp_path, gdal_tools, collection):
    body = download(client, collection, "gpkg", lang="en")
    path = tmp_path / f"{collection}.gpkg"
    path.write_bytes(body)
    info = pyogrio.read_info(path)
    assert info["features"] == len(expected_ids(collection))
    assert info["crs"] == "EPSG:4326"
    assert info["layer_metadata"]["LICENCE"] == "; ".join(sorted(set(expected_licences(collection).values())))
    assert info["dataset_metadata"]["DOCUMENTATION"].endswith("/en/data/")
    fields = pyogrio.raw.read(path)[3]  # (meta, fids, geometry, field_data)
    ids = sorted(str(value) for value in fields[0])
    assert ids == expected_ids(collection)
    # ogr2ogr copies it (to GeoJSON) without error, and the copy is valid too
    copy = tmp_path / f"{collection}.geojson"
    run("ogr2ogr", "-f", "GeoJSON", "-lco", "RFC7946=YES", str(copy), str(path))
    assert len(json.loads(copy.read_text())["features"]) == len(ids)
    result = run("ogrinfo", "-ro", "-al", "-so", str(path))
    assert f"Feature Count: {len(ids)}" in result.stdout


def test_filters_apply_to_downloads(client):
    body = download(client, "places", "geojson", category="monument")
    data = json.loads(body)
    expected = Place.objects.filter(category__slug="monument", municipality__isnull=False).count()
    assert len(data["features"]) == expected > 0


def test_geojson_of_other_kinds_is_streamed_from_a_server_side_cursor(client, monkeypatch):
    # places read stored features through a COPY (tests/gis/api/test_feature_cache.py); other kinds build them
    monkeypatch.setattr(queries, "BLOCK_IDS", 1)  # blocks of 1 id
    response = client.get(f"{API}/collections/boundaries/download.geojson")
    assert isinstance(response, StreamingHttpResponse)
    chunks = iter(response.streaming_content)
    head = next(chunks)
    assert head.startswith(b'{"type":"FeatureCollection"') and b'"features":[' in head
    first = next(chunks)
    with connection.cursor() as cursor:  # while the download is half-sent, its named cursor is open
        cursor.execute("SELECT count(*) FROM pg_cursors WHERE name LIKE '_django_curs_%%'")
        assert cursor.fetchone()[0] == 1
    rest = b"".join(chunks)
    assert first.count(b'"type":"Feature"') == 1  # one block of ids per chunk
    assert len(json.loads(head + first + rest)["features"]) == len(expected_ids("boundaries"))


def test_head_of_a_download_sends_headers_only(client):
    response = client.head(f"{API}/collections/places/download.gpkg")
    assert response.status_code == 200 and response["Content-Type"] == "application/geopackage+sqlite3"
    assert response.content == b""
