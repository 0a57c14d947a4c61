"""OGC API - Features through Django's client on the demo: documents, items, filters, paging, ids, caching, errors."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from gis.api.parameters import LIMIT_MAX
from gis.models import Municipality, Place

pytestmark = pytest.mark.django_db
API = "/api/features"
ACROPOLIS_PLEIADES = "638356144"
TIRYNS_PLEIADES = "570740"


def get_json(client, path, status=200, **query):
    response = client.get(API + path, query)
    assert response.status_code == status, response.content[:500]
    return response, json.loads(response.content)


def all_pages(client, path, **query):
    """Every feature by following the 'next' links, and the number of pages."""
    response, page = get_json(client, path, **query)
    features, pages = list(page["features"]), 1
    while nxt := next((link["href"] for link in page["links"] if link["rel"] == "next"), None):
        response = client.get(nxt)
        page = json.loads(response.content)
        features += page["features"]
        pages += 1
    return features, pages


def test_landing_page_links_every_part(client):
    response, data = get_json(client, "/")
    assert response["Content-Type"] == "application/json"
    rels = {link["rel"]: link["href"] for link in data["links"]}
    assert rels["service-desc"].endswith("/api/features/api")
    assert rels["conformance"].endswith("/api/features/conformance")
    assert rels["data"].endswith("/api/features/collections")
    assert rels["service-doc"].endswith("/el/data/")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_conformance_declares_core_geojson_html_and_openapi(client):
    _response, data = get_json(client, "/conformance")
    assert {uri.rsplit("/", 1)[1] for uri in data["conformsTo"]} == {"core", "geojson", "html", "oas30"}


def test_collections_cover_every_municipality(client):
    _response, data = get_json(client, "/collections")
    ids = [collection["id"] for collection in data["collections"]]
    slugs = sorted(Municipality.objects.values_list("slug", flat=True))
    per_municipality = [f"{kind}-{slug}" for kind in ("places", "routes", "archive") for slug in slugs]
    assert sorted(ids) == sorted(["places", "boundaries", "areas", "routes", "archive", *per_municipality])
    athens = next(c for c in data["collections"] if c["id"] == "places-athens")
    west, south, east, north = athens["extent"]["spatial"]["bbox"][0]
    assert west < 23.7264385 < east and south < 37.9716471 < north  # the Acropolis lies inside Athens' extent
    rels = {(link["rel"], link["type"]) for link in athens["links"]}
    assert ("items", "application/geo+json") in rels and ("enclosure", "application/geopackage+sqlite3") in rels
    licence = next(link for link in athens["links"] if link["rel"] == "license")
    # every demo place of Athens comes from Pleiades: its licence (CC BY 3.0) is theirs, not the municipality's
    assert licence["title"] == "CC BY 3.0" and licence["href"] == "https://creativecommons.org/licenses/by/3.0/"
    assert "Pleiades" in athens["attribution"]


def test_items_counts_and_every_feature_once_through_next_links(client):
    live = Place.objects.filter(withdrawn=False, municipality__isnull=False)
    for collection, expected in [
        ("places", live),
        ("places-athens", live.filter(municipality__slug="athens")),
        ("places-nafplio", live.filter(municipality__slug="nafplio")),
    ]:
        features, pages = all_pages(client, f"/collections/{collection}/items", limit="5")
        uids = sorted(str(uid) for uid in expected.values_list("uid", flat=True))
        assert sorted(feature["id"] for feature in features) == uids
        assert pages == -(-len(uids) // 5)
    response, page = get_json(client, "/collections/places-athens/items", limit="5")
    assert response["Content-Type"] == "application/geo+json"
    assert (page["numberMatched"], page["numberReturned"]) == (12, 5)


def test_a_place_is_the_same_feature_in_both_languages_with_translated_names(client):
    uid = str(Place.objects.get(source_id=ACROPOLIS_PLEIADES).uid)
    _r, greek = get_json(client, f"/collections/places/items/{uid}")
    _r, english = get_json(client, f"/collections/places/items/{uid}", lang="en")
    assert greek["id"] == english["id"] == uid
    assert (greek["properties"]["name"], english["properties"]["name"]) == ("Ακρόπολη Αθηνών", "Acropolis of Athens")
    assert greek["properties"]["category"] == english["properties"]["category"] == "archaeological-site"
    assert (greek["properties"]["category_name"], english["properties"]["category_name"]) == (
        "Αρχαιολογικός χώρος",
        "Archaeological site",
    )
    assert english["properties"]["municipality_name"] == "Athens"
    assert english["geometry"] == {"type": "Point", "coordinates": [23.7264385, 37.9716471]}
    assert english["properties"]["licence"] == "CC BY 3.0" and "Pleiades" in english["properties"]["attribution"]
    # period names come from the locale's vocabulary rows, in the order of the vocabulary
    place = Place.objects.get(source_id=ACROPOLIS_PLEIADES)
    slugs = [period.slug for period in place.periods.order_by("sort_order")]
    assert slugs and english["properties"]["periods"] == slugs
    assert greek["properties"]["period_names"] != english["properties"]["period_names"]


def test_bbox_keeps_what_is_inside(client):
    _r, page = get_json(client, "/collections/places/items", bbox="23.70,37.96,23.75,37.99", lang="en")
    names = {feature["properties"]["name"] for feature in page["features"]}
    assert "Acropolis of Athens" in names and "Tiryns" not in names
    assert (
        page["numberMatched"]
        == Place.objects.filter(
            location__intersects="SRID=4326;POLYGON((23.70 37.96,23.75 37.96,23.75 37.99,23.70 37.99,23.70 37.96))"
        ).count()
    )
    _r, page = get_json(client, "/collections/boundaries/items", bbox="22.7,37.5,22.9,37.7")
    assert [feature["id"] for feature in page["features"]] == ["9236"]  # Nafplio only


def test_category_and_period_filters(client):
    monuments = Place.objects.filter(category__slug="monument", municipality__isnull=False).count()
    _r, page = get_json(client, "/collections/places/items", category="monument")
    assert page["numberMatched"] == monuments > 0
    assert {feature["properties"]["category"] for feature in page["features"]} == {"monument"}
    roman = Place.objects.filter(periods__slug="roman", municipality__isnull=False).distinct().count()
    _r, page = get_json(client, "/collections/places/items", period="roman,ottoman")
    expected = Place.objects.filter(periods__slug__in=["roman", "ottoman"]).distinct().count()
    assert page["numberMatched"] == expected >= roman > 0
    assert all({"roman", "ottoman"} & set(f["properties"]["periods"]) for f in page["features"])


def test_datetime_changed_since(client):
    old = datetime(2020, 1, 1, tzinfo=UTC)
    Place.objects.update(updated_at=old)
    tiryns = Place.objects.get(source_id=TIRYNS_PLEIADES)
    Place.objects.filter(pk=tiryns.pk).update(updated_at=old + timedelta(days=400))
    _r, page = get_json(client, "/collections/places/items", datetime="2020-06-01T00:00:00Z/..")
    assert [feature["id"] for feature in page["features"]] == [str(tiryns.uid)]
    _r, page = get_json(client, "/collections/places/items", datetime="../2020-06-01")
    assert page["numberMatched"] == Place.objects.filter(municipality__isnull=False).count() - 1
    _r, page = get_json(client, "/collections/places/items", datetime="2020-01-01")  # that whole day
    assert page["numberMatched"] == Place.objects.filter(municipality__isnull=False).count() - 1
    response, _page = get_json(client, "/collections/places/items", datetime="2020-06-01T00:00:00Z/..")
    assert response["Last-Modified"] == "Thu, 04 Feb 2021 00:00:00 GMT"  # Tiryns' change, the newest matched


def test_etag_gives_304_and_changes_with_the_data(client):
    response = client.get(API + "/collections/places-athens/items")
    etag = response["ETag"]
    assert client.get(API + "/collections/places-athens/items", HTTP_IF_NONE_MATCH=etag).status_code == 304
    # a page's timeStamp says when it was made; the same page made a second later is still the client's copy
    time.sleep(1.1)
    later = client.get(API + "/collections/places-athens/items")
    assert json.loads(later.content)["timeStamp"] != json.loads(response.content)["timeStamp"]
    assert later["ETag"] == etag
    assert client.get(API + "/collections/places-athens/items", HTTP_IF_NONE_MATCH=etag).status_code == 304
    # another page, language or filter is another ETag
    others = [{"offset": 1}, {"lang": "en"}, {"bbox": "23.72,37.96,23.74,37.98"}]
    assert all(client.get(API + "/collections/places-athens/items", query)["ETag"] != etag for query in others)
    Place.objects.filter(source_id=ACROPOLIS_PLEIADES).update(wikidata="Q42")
    again = client.get(API + "/collections/places-athens/items", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag


def test_cors_preflight(client):
    response = client.options(API + "/collections/places/items", HTTP_ORIGIN="https://example.org")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*" and "GET" in response["Access-Control-Allow-Methods"]


def test_boundaries_are_valid_ccw_multipolygons_at_seven_decimals(client):
    _r, page = get_json(client, "/collections/boundaries/items")
    assert {feature["id"] for feature in page["features"]} == set(Municipality.objects.values_list("code", flat=True))
    for feature in page["features"]:
        text = json.dumps(feature["geometry"])
        decimals = max(len(str(c).split(".")[1]) for c in feature["geometry"]["coordinates"][0][0][0] if "." in str(c))
        assert decimals <= 7
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ST_IsValid(g), ST_IsPolygonCCW(g), GeometryType(g), "
                "ST_HausdorffDistance(g, (SELECT boundary FROM xgis_municipality WHERE code = %s)) "
                "FROM ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326) g",
                [feature["id"], text],
            )
            valid, ccw, kind, distance = cursor.fetchone()
        assert valid and ccw and kind == "MULTIPOLYGON"
        assert distance < 1e-6  # the published boundary is the stored one, to the output grid


def test_html_for_browsers(client):
    response = client.get(API + "/collections/places-athens/items", {"lang": "en"}, HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Acropolis of Athens" in response.content.decode()
    assert client.get(API + "/", {"f": "html"})["Content-Type"].startswith("text/html")


def test_huge_limit_is_capped_not_refused(client):
    response, page = get_json(client, "/collections/places/items", limit="9" * 300)
    assert page["numberReturned"] == Place.objects.filter(municipality__isnull=False).count()
    self_link = next(link["href"] for link in page["links"] if link["rel"] == "self")
    assert f"limit={LIMIT_MAX}" in self_link


@pytest.mark.parametrize(
    ("path", "query", "status", "words"),
    [
        ("/collections/places/items", {"bbox": "23.7,37.9,23.8"}, 400, "bbox must be 4 numbers"),
        ("/collections/places/items", {"bbox": "a,b,c,d"}, 400, "bbox must be numbers"),
        ("/collections/places/items", {"bbox": "23,38,24,37"}, 400, "minimum latitude"),
        ("/collections/places/items", {"bbox": "23,37,200,38"}, 400, "between -180 and 180"),
        ("/collections/places/items", {"bbox": "nan,37,24,38"}, 400, "finite"),
        ("/collections/places/items", {"limit": "0"}, 400, "limit must be at least 1"),
        ("/collections/places/items", {"limit": "ten"}, 400, "limit must be a whole number"),
        ("/collections/places/items", {"offset": "-1"}, 400, "offset must be a whole number"),
        ("/collections/places/items", {"datetime": "yesterday"}, 400, "RFC 3339"),
        ("/collections/places/items", {"datetime": "2024-05-02/2024-05-01"}, 400, "starts after it ends"),
        ("/collections/places/items", {"datetime": "../.."}, 400, "needs a start or an end"),
        ("/collections/places/items", {"category": "<script>"}, 400, "category must be identifiers"),
        ("/collections/places/items", {"lang": "fr"}, 400, "lang must be one of el, en"),
        ("/collections/places/items", {"bbbox": "1,2,3,4"}, 400, "unknown query parameter 'bbbox'"),
        ("/collections/boundaries/items", {"category": "museum"}, 400, "unknown query parameter 'category'"),
        ("/collections/places/items", {"f": "xml"}, 400, "f must be one of json, geojson, html"),
        ("/collections/castles/items", {}, 404, "there is no collection 'castles'"),
        ("/collections/places-atlantis", {}, 404, "there is no collection 'places-atlantis'"),
        ("/collections/places/items/not-a-uuid", {}, 404, "there is no feature 'not-a-uuid'"),
        ("/collections/places/download.csv", {"limit": "5"}, 400, "unknown query parameter 'limit'"),
    ],
)
def test_bad_requests_are_ogc_exceptions_that_say_what_is_wrong(client, path, query, status, words):
    response = client.get(API + path, query)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert set(data) == {"code", "description"} and words in data["description"], data


def test_a_place_of_another_municipality_is_not_in_this_collection(client):
    tiryns = Place.objects.get(source_id=TIRYNS_PLEIADES)
    assert client.get(f"{API}/collections/places-nafplio/items/{tiryns.uid}").status_code == 200
    response = client.get(f"{API}/collections/places-athens/items/{tiryns.uid}")
    assert response.status_code == 404 and "places-athens" in json.loads(response.content)["description"]


def test_unacceptable_media_type_is_406(client):
    response = client.get(API + "/collections", HTTP_ACCEPT="image/png")
    assert response.status_code == 406 and json.loads(response.content)["code"] == "NotAcceptable"


def test_post_is_405(client):
    response = client.post(API + "/collections/places/items", {})
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD, OPTIONS"
