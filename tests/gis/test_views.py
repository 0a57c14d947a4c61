"""The map's JSON endpoints: GeoJSON made by PostGIS, clusters at low zoom, paging, and clear 400s."""

import pytest

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "athens.localhost"}


def get(client, path, **query):
    return client.get(path, query, **HOST)


def test_places_in_view_are_rfc7946_geojson(client, athens):
    response = get(client, "/en/map/places/", bbox="23.70,37.96,23.75,37.99", zoom="16")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection" and data["clustered"] is False
    feature = next(f for f in data["features"] if f["properties"]["name"] == "Acropolis of Athens")
    assert feature["geometry"] == {"type": "Point", "coordinates": [23.7264385, 37.9716471]}
    assert feature["properties"]["url"] == "/en/places/akropoli-athinon/"
    assert feature["properties"]["category"] == "archaeological-site"


def test_place_without_page_has_no_url_and_the_map_builds_one(client):
    data = get(client, "/el/map/places/", bbox="23.70,37.96,23.75,37.99", q="Παρθενώνας").json()
    urls = {f["properties"]["name"]: f["properties"]["url"] for f in data["features"]}
    # the Acropolis matches too: its page's summary mentions the Parthenon
    assert urls == {"Παρθενώνας": None, "Ακρόπολη Αθηνών": "/el/places/akropoli-athinon/"}


def test_world_bbox_without_zoom_is_a_capped_page_with_next_link(client):
    data = get(client, "/el/map/places/", bbox="-180,-90,180,90", limit="5").json()
    assert data["numberReturned"] == 5 and data["numberMatched"] == 12
    [link] = data["links"]
    assert link["rel"] == "next" and "offset=5" in link["href"] and "limit=5" in link["href"]
    second = client.get(link["href"], **HOST).json()
    assert second["numberReturned"] == 5
    assert {f["id"] for f in second["features"]}.isdisjoint({f["id"] for f in data["features"]})


def test_limit_is_capped(client):
    response = get(client, "/el/map/places/", bbox="-180,-90,180,90", limit="100000")
    assert response.status_code == 400
    assert "limit must be between 1 and 1000" in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"bbox": "23.7,37.9,23.8"}, "bbox must be four numbers"),
        ({"bbox": "a,b,c,d"}, "bbox must be a number"),
        ({"bbox": "23.8,37.9,23.7,38.0"}, "west < east"),
        ({"bbox": "23,37,200,38"}, "outside -180..180"),
        ({"bbox": "nan,37,24,38"}, "finite"),
        ({"zoom": "99"}, "zoom must be between 0 and 22"),
        ({"category": "<script>"}, "category must be identifiers"),
        ({"q": "x" * 101}, "at most 100 characters"),
    ],
)
def test_bad_map_queries_are_400_with_a_reason(client, query, message):
    response = get(client, "/el/map/places/", **query)
    assert response.status_code == 400
    assert message in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"lat": "95", "lon": "23"}, "lat must be between -90 and 90"),
        ({"lat": "37.9", "lon": "190"}, "lon must be between -180 and 180"),
        ({"lat": "north", "lon": "23"}, "lat must be a number"),
        ({"lat": "37.9"}, "give lat and lon"),
        ({"lat": "37.9", "lon": "23.7", "radius": "-5"}, "radius must be more than 0"),
        ({"lat": "37.9", "lon": "23.7", "radius": "1e9"}, "at most 50000 metres"),
        ({"lat": "37.9", "lon": "23.7", "limit": "0"}, "limit must be between 1 and 50"),
    ],
)
def test_bad_near_queries_are_400_with_a_reason(client, query, message):
    response = get(client, "/el/map/near/", **query)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_near_me_answers_nearest_first_with_walking_time(client):
    # a point at the server's precision: near me rounds to 3 decimals (about 110 m) before it searches, and on the
    # Acropolis that is the difference between its places (the Acropolis' own point, 37.9716/23.7264, now finds the
    # Erechtheion, 40 m from 37.972/23.726)
    data = get(client, "/en/map/near/", lat="37.971", lon="23.725", limit="3").json()
    names = [f["properties"]["name"] for f in data["features"]]
    assert names[0] == "Acropolis of Athens"
    distances = [f["properties"]["distance_m"] for f in data["features"]]
    assert distances == sorted(distances) and len(distances) == 3
    assert all(f["properties"]["walking_min"] >= 1 for f in data["features"])


def test_clusters_at_low_zoom_when_many_places(client, athens, settings):
    """More places than POINTS_MAX in view arrive as clusters whose counts add up."""
    from django.contrib.gis.geos import Point

    from gis.views import POINTS_MAX
    from tests.factories import DatasetFactory, PlaceFactory

    dataset = DatasetFactory(slug="test-many")
    for i in range(POINTS_MAX + 20):
        PlaceFactory(
            dataset=dataset,
            source_id=str(i),
            location=Point(23.715 + (i % 25) * 0.001, 37.970 + (i // 25) * 0.001, srid=4326),
            name_el=f"Τόπος {i}",
        )
    data = get(client, "/el/map/places/", bbox="23.6,37.9,23.8,38.1", zoom="12").json()
    assert data["numberMatched"] == POINTS_MAX + 20 + 12
    assert data["clustered"] is True
    assert sum(f["properties"]["count"] for f in data["features"]) == data["numberMatched"] > POINTS_MAX
    assert len(data["features"]) < 100
