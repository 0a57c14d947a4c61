"""Protected areas are published like the rest: an ``areas`` collection in the OGC API, bulk downloads and the data
page, under their source dataset's licence."""

import csv
import io
import json

import pyogrio
import pytest
from django.db import connection

from tests.gis.api.conftest import gdal_tools, geojsonhint, run  # noqa: F401 (fixtures)

from .helpers import ZONE_NAMES, zones_loaded

pytestmark = pytest.mark.django_db
API = "/api/features"


@pytest.fixture
def zones(tmp_path):
    return zones_loaded(tmp_path)


def get_json(client, path: str, **query) -> dict:
    response = client.get(API + path, query)
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)


def test_areas_are_a_collection_with_items_in_either_language(client, zones):
    ids = [collection["id"] for collection in get_json(client, "/collections")["collections"]]
    assert "areas" in ids
    page = get_json(client, "/collections/areas/items", lang="en")
    assert page["numberMatched"] == 2 and page["numberReturned"] == 2  # the withdrawn one is not published
    by_source = {feature["properties"]["source_id"]: feature for feature in page["features"]}
    zone = by_source["ZA-1"]
    assert zone["properties"]["name"] == "Acropolis zone A" and zone["properties"]["name_el"] == ZONE_NAMES["ZA-1"]
    assert zone["properties"]["kind"] == "Ζώνη Α" and zone["properties"]["licence"] == "CC BY-SA 4.0"
    assert zone["geometry"]["type"] == "MultiPolygon"
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_IsValid(ST_GeomFromGeoJSON(%s))", [json.dumps(zone["geometry"])])
        assert cursor.fetchone()[0]
    greek = get_json(client, f"/collections/areas/items/{zone['id']}")
    assert greek["properties"]["name"] == ZONE_NAMES["ZA-1"]
    far = get_json(client, "/collections/areas/items", bbox="22.0,37.0,22.1,37.1")
    assert far["numberMatched"] == 0
    assert client.get(f"{API}/collections/areas/items/999999999").status_code == 404


def test_area_downloads_carry_the_dataset_licence_and_convert_with_gdal(
    client,
    zones,
    tmp_path,
    geojsonhint,  # noqa: F811 (the API tests' fixtures)
    gdal_tools,  # noqa: F811
):
    response = client.get(f"{API}/collections/areas/download.geojson", {"lang": "en"})
    body = b"".join(response.streaming_content)
    path = tmp_path / "areas.geojson"
    path.write_bytes(body)
    assert geojsonhint(path) == []
    data = json.loads(body)
    assert data["licence"] == "CC BY-SA 4.0" and data["attribution"] == "Υπουργείο Πολιτισμού"
    assert data["sources"]["municipalities"] == [] and [d["id"] for d in data["sources"]["datasets"]] == ["zones"]
    assert sorted(f["properties"]["source_id"] for f in data["features"]) == sorted(ZONE_NAMES)
    run("ogr2ogr", "-f", "GPKG", str(tmp_path / "copy.gpkg"), str(path))
    text = b"".join(client.get(f"{API}/collections/areas/download.csv").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(row["source_id"] for row in rows) == sorted(ZONE_NAMES)
    assert all(row["wkt"].startswith("MULTIPOLYGON") for row in rows)
    gpkg = tmp_path / "areas.gpkg"
    gpkg.write_bytes(b"".join(client.get(f"{API}/collections/areas/download.gpkg").streaming_content))
    meta, _fids, geometry, _fields = pyogrio.raw.read(gpkg)
    assert len(geometry) == 2 and meta["geometry_type"] == "MultiPolygon"


def test_the_data_page_lists_areas_and_their_dataset(client, zones):
    page = client.get("/en/data/").content.decode()
    assert "Protected areas" in page and "Αρχαιολογικές ζώνες" in page and "CC BY-SA 4.0" in page
