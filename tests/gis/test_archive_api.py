"""The ``archive`` collection of the open-data API (published archive items that have a location), through a real
client: items and their typed properties, the per-municipality collections (Nafplio's never lists Athens' items),
withdrawn, unowned and unlocated items excluded, the ``datetime`` filter over the items' dates, queryables, the
GeoJSON download validated by geojsonhint, the GeoPackage opened by pyogrio, and GDAL's OGC API client against a live
server. The public rule for archive items in SQL selects the same rows as ``ArchiveItem.objects.public()``.
Geometry EPSG:4326 degrees."""

import csv
import io
import json
from datetime import date

import pyogrio
import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import connection

from gis.api.archive import ARCHIVE
from gis.api.collections import collections_all
from gis.models import WGS84, ArchiveItem, Municipality
from gis.public import public_archive_item_sql
from tests.factories import ArchiveCollectionFactory, ArchiveItemFactory, PlaceFactory
from tests.gis.api.conftest import gdal_tools, geojsonhint, run, schemathesis_run  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
API = "/api/features"
NAFPLIO_SQUARE = (22.8016, 37.5679)  # Syntagma Square of Nafplio
PALAMIDI = Polygon(
    ((22.8040, 37.5620), (22.8090, 37.5620), (22.8090, 37.5650), (22.8040, 37.5650), (22.8040, 37.5620)), srid=WGS84
)
PLAKA = (23.7300, 37.9715)


def get_json(client, path: str, **query) -> dict:
    response = client.get(API + path, query)
    assert response.status_code == 200, response.content[:500]
    return json.loads(b"".join(response.streaming_content) if response.streaming else response.content)


def ids(page: dict, items: dict) -> set[str]:
    """The page's ids among this test's items (the demo's archive, if it locates any, is left aside)."""
    ours = {str(item.uid) for item in items.values()}
    return {feature["id"] for feature in page["features"]} & ours


def uid(items: dict, key: str) -> str:
    return str(items[key].uid)


@pytest.fixture
def items(db, athens, nafplio) -> dict[str, ArchiveItem]:
    postcards = ArchiveCollectionFactory(municipality=nafplio, slug="postcards")
    palamidi = PlaceFactory(municipality=nafplio, location=Point(22.8065, 37.5635, srid=WGS84))
    return {
        "square": ArchiveItemFactory(
            municipality=nafplio,
            name_el="Η πλατεία Συντάγματος",
            name_en="Syntagma Square",
            date_text="c. 1920",
            date_from=date(1915, 1, 1),
            date_to=date(1925, 12, 31),
            dc_type="StillImage",
            rights="http://rightsstatements.org/vocab/NoC-NC/1.0/",
            location=Point(*NAFPLIO_SQUARE, srid=WGS84),
            collections=[postcards],
            places=[palamidi],
        ),
        "fortress": ArchiveItemFactory(
            municipality=nafplio,
            name_el="Το Παλαμήδι",
            date_text="1950s",
            date_from=date(1950, 1, 1),
            date_to=date(1959, 12, 31),
            dc_type="Image",
            location=PALAMIDI,
        ),
        "plaka": ArchiveItemFactory(
            municipality=athens,
            name_el="Η Πλάκα",
            date_text="1912–1913",
            date_from=date(1912, 1, 1),
            date_to=date(1913, 12, 31),
            location=Point(*PLAKA, srid=WGS84),
        ),
        "undated": ArchiveItemFactory(municipality=nafplio, name_el="Χωρίς χρονολογία", location=Point(22.80, 37.56)),
        "unlocated": ArchiveItemFactory(
            municipality=nafplio, name_el="Χωρίς τόπο", date_from=date(1920, 1, 1), date_to=date(1920, 12, 31)
        ),
        "withdrawn": ArchiveItemFactory(municipality=nafplio, withdrawn=True, location=Point(22.80, 37.56)),
        "unowned": ArchiveItemFactory(municipality=None, location=Point(22.80, 37.56)),
    }


def test_the_sql_rule_selects_the_same_items_as_the_orm(items):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {ArchiveItem._meta.db_table} r WHERE {public_archive_item_sql('r')}")  # noqa: S608
        by_sql = {row[0] for row in cursor.fetchall()}
    by_orm = set(ArchiveItem.objects.public().values_list("id", flat=True))
    assert by_sql == by_orm
    assert {items["withdrawn"].pk, items["unowned"].pk}.isdisjoint(by_sql) and items["unlocated"].pk in by_sql


def test_items_are_the_published_located_items_with_their_typed_properties(client, items):
    page = get_json(client, "/collections/archive/items")
    assert ids(page, items) == {uid(items, key) for key in ("square", "fortress", "plaka", "undated")}
    features = {feature["id"]: feature for feature in page["features"]}
    square = features[uid(items, "square")]
    assert square["geometry"] == {"type": "Point", "coordinates": list(NAFPLIO_SQUARE)}
    properties = square["properties"]
    assert properties["title"] == "Η πλατεία Συντάγματος" and properties["date"] == "c. 1920"
    assert properties["date_from"] == "1915-01-01" and properties["date_to"] == "1925-12-31"
    assert properties["type"] == "StillImage" and properties["rights"].startswith("http://rightsstatements.org/")
    assert properties["collections"] == ["nafplio:postcards"] and properties["municipality"] == "nafplio"
    assert properties["places"] == [str(items["square"].places.get().uid)]
    assert properties["url"].endswith(f"/el/archive/{items['square'].uid}/")
    assert properties["licence"] and "updated" in properties
    fortress = features[uid(items, "fortress")]
    assert fortress["geometry"]["type"] == "MultiPolygon"  # an area, wound and repaired as every area
    assert fortress["properties"]["collections"] == [] and fortress["properties"]["places"] == []
    english = get_json(client, "/collections/archive/items", lang="en")
    titles = {feature["id"]: feature["properties"] for feature in english["features"]}
    assert titles[uid(items, "square")]["title"] == "Syntagma Square"
    assert titles[uid(items, "square")]["url"].endswith(f"/en/archive/{items['square'].uid}/")
    assert titles[uid(items, "fortress")]["title"] == "Το Παλαμήδι"  # no English title: the Greek one


def test_nafplio_never_lists_athens_items_and_hidden_items_are_published_nowhere(client, items):
    nafplio = get_json(client, "/collections/archive-nafplio/items")
    assert ids(nafplio, items) == {uid(items, key) for key in ("square", "fortress", "undated")}
    assert ids(get_json(client, "/collections/archive-athens/items"), items) == {uid(items, "plaka")}
    assert client.get(f"{API}/collections/archive-nafplio/items/{uid(items, 'plaka')}").status_code == 404
    assert get_json(client, f"/collections/archive-athens/items/{uid(items, 'plaka')}")["id"] == uid(items, "plaka")
    for key in ("withdrawn", "unowned", "unlocated"):
        for collection in ("archive", "archive-nafplio"):
            assert client.get(f"{API}/collections/{collection}/items/{uid(items, key)}").status_code == 404
    for collection in ("archive", "archive-nafplio"):
        text = b"".join(client.get(f"{API}/collections/{collection}/download.geojson").streaming_content).decode()
        assert uid(items, "square") in text
        hidden = ("withdrawn", "unowned", "unlocated", *(("plaka",) if collection == "archive-nafplio" else ()))
        assert not any(uid(items, key) in text for key in hidden)
    listed = [c["id"] for c in get_json(client, "/collections")["collections"]]
    assert "archive" in listed and all(
        f"archive-{slug}" in listed for slug in Municipality.objects.values_list("slug", flat=True)
    )
    assert "Τα τεκμήρια χωρίς θέση δεν είναι στοιχεία" in get_json(client, "/collections/archive")["description"]
    assert "without a location are not features" in get_json(client, "/collections/archive", lang="en")["description"]


def test_datetime_selects_the_items_dated_within_it_and_bbox_the_ones_inside(client, items):
    def dated(value: str) -> set[str]:
        return ids(get_json(client, "/collections/archive/items", datetime=value), items)

    assert dated("1913-06-01") == {uid(items, "plaka")}  # an instant inside 1912–1913
    assert dated("1920-01-01/1930-12-31") == {uid(items, "square")}  # overlaps c. 1920 (1915–1925)
    assert dated("1955-01-01T00:00:00Z/..") == {uid(items, "fortress")}
    assert dated("../1914-01-01") == {uid(items, "plaka")}
    assert dated("1926-01-01/1949-12-31") == set()  # between them; the undated item never matches
    assert client.get(f"{API}/collections/archive/items", {"datetime": "1950/1960"}).status_code == 400
    assert ids(get_json(client, "/collections/archive/items", bbox="22.801,37.561,22.81,37.57"), items) == {
        uid(items, "square"),
        uid(items, "fortress"),
    }
    queryables = get_json(client, "/collections/archive/queryables")["properties"]
    assert queryables["datetime"]["format"] == "date"
    schema = json.loads(client.get(f"{API}/api").content)
    assert "archive" in json.dumps(schema["paths"])


def test_downloads_geojson_valid_csv_and_geopackage(client, items, tmp_path, geojsonhint, gdal_tools):  # noqa: F811
    path = tmp_path / "archive.geojson"
    path.write_bytes(b"".join(client.get(f"{API}/collections/archive-nafplio/download.geojson").streaming_content))
    assert geojsonhint(path) == []
    features = json.loads(path.read_text())["features"]
    assert {feature["id"] for feature in features} == {uid(items, key) for key in ("square", "fortress", "undated")}
    ogr = pyogrio.read_dataframe(path)  # GDAL reads the download back: the same features
    assert set(ogr["id"]) == {feature["id"] for feature in features}
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(client.get(f"{API}/collections/archive-nafplio/download.csv").streaming_content).decode()
            )
        )
    )
    by_id = {row["id"]: row for row in rows}
    assert by_id[uid(items, "square")]["wkt"].startswith("POINT(")
    assert by_id[uid(items, "fortress")]["wkt"].startswith("MULTIPOLYGON(")
    assert by_id[uid(items, "square")]["date_from"] == "1915-01-01"
    gpkg = tmp_path / "archive.gpkg"
    gpkg.write_bytes(client.get(f"{API}/collections/archive-nafplio/download.gpkg").getvalue())
    frame = pyogrio.read_dataframe(gpkg)
    assert set(frame["id"]) == {uid(items, key) for key in ("square", "fortress", "undated")}
    assert sorted(frame.geometry.geom_type) == ["MultiPolygon", "Point", "Point"]
    assert set(frame.loc[frame["id"] == uid(items, "square"), "collections"]) == {"nafplio:postcards"}


def test_the_data_page_and_the_collection_list_come_from_the_declaration(client, items):
    assert any(collection.kind is ARCHIVE for collection in collections_all())
    page = client.get("/en/data/", HTTP_HOST="nafplio.localhost")
    assert page.status_code == 200 and "Archive items" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_gdal_and_schemathesis_read_the_collection_from_a_live_server(live_server, tmp_path, gdal_tools):  # noqa: F811
    nafplio = Municipality.objects.get(code="9236")
    located = ArchiveItemFactory(municipality=nafplio, location=Point(*NAFPLIO_SQUARE, srid=WGS84))
    area = ArchiveItemFactory(municipality=nafplio, location=MultiPolygon(PALAMIDI, srid=WGS84))
    ArchiveItemFactory(municipality=nafplio)  # no location: no feature
    ArchiveItemFactory(municipality=nafplio, withdrawn=True, location=Point(22.80, 37.56, srid=WGS84))
    source = f"OAPIF:{live_server.url}{API}/"
    expected = ArchiveItem.objects.public().filter(location__isnull=False, municipality=nafplio).count()
    assert f"Feature Count: {expected}" in run("ogrinfo", "-ro", "-so", source, "archive-nafplio").stdout
    copy = tmp_path / "archive.gpkg"
    run("ogr2ogr", "-f", "GPKG", str(copy), source, "archive-nafplio")
    frame = pyogrio.read_dataframe(copy)
    assert {str(located.uid), str(area.uid)} <= set(frame["id"]) and len(frame) == expected
    schemathesis_run(f"{live_server.url}{API}/api", report_dir=tmp_path, paths="^/collections/archive")
