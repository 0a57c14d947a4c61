"""A kind of record declared in this test alone (trails: LineStrings in EPSG:4326 with a number, a whole number, a
yes/no and a municipality) is published by the declaration and nothing else: it is a collection and one per
municipality, its items are typed GeoJSON LineStrings, the OpenAPI document describes it (and schemathesis finds no
fault in its operations), it downloads as GeoJSON, CSV (wkt) and a typed GeoPackage, and GDAL's OGC API client
reads it. A kind without a location and one with several geometry types are declared the same way."""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace

import pyogrio
import pytest
from django.db import connection
from openapi_schema_validator import OAS30Validator
from psycopg import sql

from gis.api import parameters as p
from gis.api.filters import changed_filter
from gis.api.kinds import DECIMALS, GRID_DEG, UPDATED, Column, Kind, kind_registered
from gis.api.openapi import geometry_schema
from gis.models import Municipality

from .conftest import run, schemathesis_run

API = "/api/features"
TABLE = "test_trails"
# (name, steps, lit, municipality slug, WKT in EPSG:4326 lon/lat)
TRAILS = [
    ("Φιλοπάππου", 120, True, "athens", "LINESTRING(23.7197 37.9680, 23.7210 37.9672, 23.7235 37.9668)"),
    ("Λυκαβηττός", 455, False, "athens", "LINESTRING(23.7420 37.9800, 23.7435 37.9815, 23.7432 37.9830)"),
    ("Παλαμήδι", 999, None, "nafplio", "LINESTRING(22.8060 37.5620, 22.8075 37.5605)"),
]

TRAILS_KIND = Kind(
    name="trails",
    title="Trails",
    description="Walking trails (a kind declared by a test).",
    table=TABLE,
    from_sql=sql.SQL("FROM {} r JOIN xgis_municipality m ON m.id = r.municipality_id").format(sql.Identifier(TABLE)),
    id_sql="r.id::text",
    order_sql="r.id",
    geometry_types=("LineString",),
    geometry_sql=f"ST_SnapToGrid(r.geometry, {GRID_DEG})",
    municipality_column="municipality_id",
    bbox_column="geometry",
    id_pattern="^[0-9]+$",
    updated_sql="r.updated_at",
    filters=[changed_filter(p.DATETIME, column="updated_at")],
    columns=[
        Column("name", "r.name", "string", "Name."),
        # the length along the Earth's surface, kilometres (geodesic)
        Column("length_km", "ST_Length(r.geometry::geography) / 1000", "number", "Length in kilometres."),
        Column("steps", "r.steps", "integer", "Steps along the trail."),
        Column("lit", "r.lit", "boolean", "Lit at night."),
        Column("municipality", "m.slug", "string", "Municipality."),
        UPDATED,
    ],
)
NOTES_KIND = Kind(  # records without a location
    name="notes",
    title="Notes",
    description="Notes without a location (a kind declared by a test).",
    table=TABLE,
    from_sql=sql.SQL("FROM {} r").format(sql.Identifier(TABLE)),
    id_sql="r.id::text",
    order_sql="r.id",
    licence_sql="'CC0 1.0'",
    columns=[Column("name", "r.name", "string", "Name."), Column("steps", "r.steps", "integer", "Steps.")],
)


def _create_trails() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""CREATE TABLE {TABLE} (
                id bigserial PRIMARY KEY, name text NOT NULL, steps integer, lit boolean,
                municipality_id bigint NOT NULL REFERENCES xgis_municipality (id),
                geometry geometry(LineString, 4326) NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())"""
        )
        for name, steps, lit, slug, wkt in TRAILS:
            cursor.execute(
                f"INSERT INTO {TABLE} (name, steps, lit, municipality_id, geometry) "  # noqa: S608
                "SELECT %s, %s, %s, id, ST_GeomFromText(%s, 4326) FROM xgis_municipality WHERE slug = %s",
                [name, steps, lit, wkt, slug],
            )


def _drop_trails() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


@pytest.fixture
def trails(db) -> Iterator[Kind]:
    """The trails table (inside the test's transaction) and its kind, published for the test."""
    _create_trails()
    with kind_registered(TRAILS_KIND), kind_registered(NOTES_KIND):
        yield TRAILS_KIND


@pytest.fixture
def committed_trails(transactional_db) -> Iterator[Kind]:
    """The same, committed, for a live server and the tools that call it; dropped afterwards."""
    _create_trails()
    try:
        with kind_registered(TRAILS_KIND), kind_registered(NOTES_KIND):
            yield TRAILS_KIND
    finally:
        _drop_trails()


def _lengths_km() -> dict[str, float]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id::text, ST_Length(geometry::geography) / 1000 FROM {TABLE}")  # noqa: S608
        return dict(cursor.fetchall())


def get_json(client, path: str, **query) -> dict:
    response = client.get(API + path, query)
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


def download(client, collection: str, fmt: str, **query) -> bytes:
    response = client.get(f"{API}/collections/{collection}/download.{fmt}", query)
    assert response.status_code == 200, response.content[:500] if hasattr(response, "content") else response
    return b"".join(response.streaming_content) if response.streaming else response.getvalue()


def test_a_declared_kind_is_a_collection_and_one_per_municipality(client, trails):
    ids = [c["id"] for c in get_json(client, "/collections")["collections"]]
    slugs = list(Municipality.objects.order_by("name_el").values_list("slug", flat=True))
    assert "trails" in ids and all(f"trails-{slug}" in ids for slug in slugs)
    assert "notes" in ids and not any(i.startswith("notes-") for i in ids)  # notes have no municipality
    athens = get_json(client, "/collections/trails-athens/items")
    assert sorted(f["properties"]["name"] for f in athens["features"]) == ["Λυκαβηττός", "Φιλοπάππου"]
    description = get_json(client, "/collections/trails")
    assert any(link["rel"].endswith("/queryables") for link in description["links"])


def test_its_items_are_typed_geojson_linestrings(client, trails, tmp_path, geojsonhint):
    page = get_json(client, "/collections/trails/items")
    assert page["numberMatched"] == page["numberReturned"] == len(TRAILS)
    path = tmp_path / "trails.geojson"
    path.write_text(json.dumps(page))
    assert geojsonhint(path) == []
    lengths = _lengths_km()
    for feature in page["features"]:
        geometry, properties = feature["geometry"], feature["properties"]
        assert geometry["type"] == "LineString" and len(geometry["coordinates"]) >= 2
        assert all(len(position) == 2 for position in geometry["coordinates"])
        assert isinstance(properties["length_km"], float)
        assert properties["length_km"] == pytest.approx(lengths[feature["id"]], rel=1e-12)
        assert 0.1 < properties["length_km"] < 1  # a few hundred metres, never degrees
        assert isinstance(properties["steps"], int) and not isinstance(properties["steps"], bool)
    by_name = {f["properties"]["name"]: f["properties"] for f in page["features"]}
    assert by_name["Φιλοπάππου"]["lit"] is True and by_name["Παλαμήδι"]["lit"] is None
    assert by_name["Παλαμήδι"]["steps"] == 999 and by_name["Παλαμήδι"]["municipality"] == "nafplio"
    first = page["features"][0]["geometry"]["coordinates"][0]
    assert first == [23.7197, 37.968]  # the stored position at DECIMALS, lon/lat
    assert DECIMALS == 7
    notes = get_json(client, "/collections/notes/items")
    assert [f["geometry"] for f in notes["features"]] == [None] * len(TRAILS)
    bad = client.get(API + "/collections/notes/items", {"bbox": "23,37,24,38"})
    assert bad.status_code == 400  # a kind without a location takes no bbox


def test_the_openapi_document_describes_it_and_its_items_validate(client, trails):
    document = get_json(client, "/api")
    schemas = document["components"]["schemas"]
    assert (
        "/collections/trails/items" in document["paths"]
        and "/collections/trails-nafplio/queryables" in (document["paths"])
    )
    feature = schemas["trails-feature"]
    assert feature["properties"]["geometry"]["properties"]["type"]["enum"] == ["LineString"]
    properties = feature["properties"]["properties"]["properties"]
    assert [properties[name]["type"] for name in ("length_km", "steps", "lit", "updated")] == [
        "number",
        "integer",
        "boolean",
        "string",
    ]
    assert properties["updated"]["format"] == "date-time"
    schema = {**schemas["trails-collection"], "components": {"schemas": schemas}}
    validator = OAS30Validator(schema)
    validator.validate(get_json(client, "/collections/trails/items"))
    broken = get_json(client, "/collections/trails/items")
    broken["features"][0]["geometry"] = {"type": "Point", "coordinates": [23.7, 37.9]}
    assert not validator.is_valid(broken)  # a point is not what the kind declares
    broken = get_json(client, "/collections/trails/items")
    broken["features"][0]["properties"]["steps"] = "120"
    assert not validator.is_valid(broken)
    notes = OAS30Validator({**schemas["notes-collection"], "components": {"schemas": schemas}})
    notes.validate(get_json(client, "/collections/notes/items"))
    queryables = client.get(API + "/collections/trails/queryables", {"lang": "en"})
    assert queryables["Content-Type"] == "application/schema+json"
    data = json.loads(queryables.content)
    assert data["properties"] == {
        "datetime": {"type": "string", "format": "date-time", "description": "When the record last changed (UTC)."}
    }
    assert data["additionalProperties"] is False


def test_geometry_schemas_follow_the_declared_types():
    several = replace(TRAILS_KIND, geometry_types=("LineString", "MultiLineString"))
    options = geometry_schema(several)["oneOf"]
    assert [option["properties"]["type"]["enum"] for option in options] == [["LineString"], ["MultiLineString"]]
    validator = OAS30Validator(geometry_schema(several))
    assert validator.is_valid({"type": "MultiLineString", "coordinates": [[[23.7, 37.9], [23.8, 37.9]]]})
    assert not validator.is_valid({"type": "LineString", "coordinates": [[23.7, 37.9]]})  # one position
    assert not validator.is_valid({"type": "Polygon", "coordinates": []})
    none = OAS30Validator(geometry_schema(NOTES_KIND))
    assert none.is_valid(None) and not none.is_valid({"type": "Point", "coordinates": [23.7, 37.9]})
    for name in ("Point", "Polygon", "MultiPolygon"):
        assert geometry_schema(replace(TRAILS_KIND, geometry_types=(name,)))


def test_it_downloads_as_geojson_csv_and_a_typed_geopackage(client, trails, tmp_path, geojsonhint, gdal_tools):
    data = json.loads(download(client, "trails", "geojson"))
    path = tmp_path / "trails.geojson"
    path.write_text(json.dumps(data))
    assert geojsonhint(path) == []
    assert {f["geometry"]["type"] for f in data["features"]} == {"LineString"} and len(data["features"]) == 3
    rows = list(csv.DictReader(io.StringIO(download(client, "trails", "csv").decode())))
    assert list(rows[0]) == ["id", "name", "length_km", "steps", "lit", "municipality", "updated", "wkt"]
    by_name = {row["name"]: row for row in rows}
    assert by_name["Φιλοπάππου"]["wkt"] == "LINESTRING(23.7197 37.968,23.721 37.9672,23.7235 37.9668)"
    assert by_name["Φιλοπάππου"]["lit"] == "true" and by_name["Παλαμήδι"]["lit"] == ""
    assert float(by_name["Λυκαβηττός"]["length_km"]) == pytest.approx(_lengths_km()[by_name["Λυκαβηττός"]["id"]])
    gpkg = tmp_path / "trails.gpkg"
    gpkg.write_bytes(download(client, "trails-athens", "gpkg"))
    info = pyogrio.read_info(gpkg)
    assert info["geometry_type"] == "LineString" and info["features"] == 2 and info["crs"] == "EPSG:4326"
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["length_km"] == "float64" and types["steps"] == "int64" and types["lit"] == "bool"
    assert types["updated"].startswith("datetime64") and types["name"] == "object"
    listing = run("ogrinfo", "-ro", "-al", "-so", str(gpkg)).stdout
    assert "length_km: Real" in listing and "steps: Integer64" in listing and "lit: Integer(Boolean)" in listing
    assert "updated: DateTime" in listing
    notes = tmp_path / "notes.gpkg"
    notes.write_bytes(download(client, "notes", "gpkg"))
    info = pyogrio.read_info(notes)
    assert info["geometry_type"] is None and info["features"] == 3 and list(info["fields"]) == ["id", "name", "steps"]
    rows = list(csv.DictReader(io.StringIO(download(client, "notes", "csv").decode())))
    assert list(rows[0]) == ["id", "name", "steps"]


def test_gdal_and_schemathesis_read_it_from_a_live_server(committed_trails, live_server, tmp_path, gdal_tools):
    source = f"OAPIF:{live_server.url}{API}/"
    summary = run("ogrinfo", "-ro", "-so", source, "trails").stdout
    assert "Feature Count: 3" in summary and "Geometry: Line String" in summary, summary
    features = run("ogrinfo", "-ro", "-q", source, "trails-nafplio").stdout
    assert "Παλαμήδι" in features and "LINESTRING (22.806 37.562,22.8075 37.5605)" in features, features
    copy = tmp_path / "copy.gpkg"
    run("ogr2ogr", "-f", "GPKG", "-oo", "PAGE_SIZE=2", str(copy), source, "trails")
    assert pyogrio.read_info(copy)["features"] == 3
    schemathesis_run(f"{live_server.url}{API}/api", report_dir=tmp_path, paths="^/collections/(trails|notes)")
