"""One rule decides what is public, and every reader applies it (issue 12, defect 5).

A place saved in the admin (no page written for it yet) is public: the map, its list and counts, search, "near me",
the place pages (its own and its neighbours'), the open-data API and the downloads all show it. A withdrawn place is
in none of them. Each reader is asked through its real URL, as a visitor or a researcher would."""

import csv
import io
import json
from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point

from gis.models import Category, Place, PlaceText
from tests.factories import CategoryFactory, PlaceFactory

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "athens.localhost"}
NAME = "Πύλη Ξενάγησης"  # a name no demo place shares
LAT, LON = 37.97158, 23.72655  # on the Acropolis rock, a few metres from the demo's «Ακρόπολη Αθηνών»


def _features(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    return json.loads(b"".join(response.streaming_content) if response.streaming else response.content)["features"]


def map_layer(client, place: Place) -> bool:
    data = client.get("/el/map/places/", {"bbox": "23.70,37.95,23.75,37.99", "zoom": 16}, **HOST)
    return str(place.uid) in {feature["id"] for feature in _features(data)}


def map_list(client, place: Place) -> bool:
    """The list under the map (its no-JavaScript equivalent) and the count above it agree."""
    soup = BeautifulSoup(client.get("/el/map/", **HOST).content, "html.parser")
    listed = [item["data-place"] for item in soup.select("[data-place]")]
    count = int(soup.select_one("[data-list-status]").get_text(strip=True).split()[0])
    assert count == len(listed)  # «0 από 1 τόπους» must not happen: the count counts what the list lists
    return str(place.uid) in listed


def map_list_page(client, place: Place) -> bool:
    """The endpoint the list's «Show more» pages through: numberMatched is what the pages hold."""
    data = client.get("/el/map/places/", {"bbox": "23.70,37.95,23.75,37.99", "limit": 1000}, **HOST)
    body = json.loads(data.content)
    assert body["numberMatched"] == len(body["features"])
    return str(place.uid) in {feature["id"] for feature in body["features"]}


def search(client, place: Place) -> bool:
    features = _features(client.get("/el/map/places/", {"q": "Ξενάγησης", "limit": 10}, **HOST))
    return str(place.uid) in {feature["id"] for feature in features}


def near_me(client, place: Place) -> bool:
    features = _features(client.get("/el/map/near/", {"lat": "37.972", "lon": "23.727"}, **HOST))
    return str(place.uid) in {feature["id"] for feature in features}


def record_page(client, place: Place) -> bool:
    response = client.get(f"/el/places/p/{place.uid}/", **HOST)
    assert response.status_code in (200, 404)
    return response.status_code == 200


def neighbours_page(client, place: Place) -> bool:
    """The nearest places on the Acropolis' page."""
    soup = BeautifulSoup(client.get("/el/places/akropoli-athinon/", **HOST).content, "html.parser")
    return NAME in [item.get_text(strip=True) for item in soup.select(".nearest li a")]


def api_items(client, place: Place) -> bool:
    body = client.get("/api/features/collections/places/items", {"limit": 1000}).json()
    assert body["numberMatched"] == len(body["features"])
    return str(place.uid) in {feature["id"] for feature in body["features"]}


def api_municipality_items(client, place: Place) -> bool:
    body = client.get("/api/features/collections/places-athens/items", {"limit": 1000}).json()
    assert body["numberMatched"] == len(body["features"])
    return str(place.uid) in {feature["id"] for feature in body["features"]}


def api_item(client, place: Place) -> bool:
    response = client.get(f"/api/features/collections/places/items/{place.uid}")
    assert response.status_code in (200, 404)
    return response.status_code == 200


def download_geojson(client, place: Place) -> bool:
    features = _features(client.get("/api/features/collections/places-athens/download.geojson"))
    return str(place.uid) in {feature["id"] for feature in features}


def download_csv(client, place: Place) -> bool:
    response = client.get("/api/features/collections/places/download.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return str(place.uid) in {row["id"] for row in csv.DictReader(io.StringIO(text))}


READERS: list[Callable] = [
    map_layer,
    map_list,
    map_list_page,
    search,
    near_me,
    record_page,
    neighbours_page,
    api_items,
    api_municipality_items,
    api_item,
    download_geojson,
    download_csv,
]


@pytest.fixture
def admin_place(client) -> Place:
    """A place saved by Athens' editor in the Places admin, as the form sends it; no page is written for it."""
    client.force_login(get_user_model().objects.get(username="editor-athens"))
    category = Category.objects.get(slug="monument", locale__language_code="el")
    response = client.post(
        "/admin/snippets/xgis/place/add/",
        {
            "name_el": NAME,
            "name_en": "",
            "location_lat": str(LAT),
            "location_lon": str(LON),
            "location_easting": "",
            "location_northing": "",
            "category": str(category.pk),
            "step_free": "",
            "wikidata": "",
            "pleiades": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return Place.objects.get(name_el=NAME)


@pytest.mark.parametrize("reader", READERS, ids=lambda reader: reader.__name__)
def test_a_place_saved_in_the_admin_is_public_everywhere(client, admin_place, reader):
    assert not admin_place.pages.exists()
    assert reader(client, admin_place)


@pytest.mark.parametrize("reader", READERS, ids=lambda reader: reader.__name__)
def test_a_withdrawn_place_is_public_nowhere(client, admin_place, reader):
    Place.objects.filter(pk=admin_place.pk).update(withdrawn=True)
    assert not reader(client, admin_place)


@pytest.fixture
def imported_place() -> Place:
    """The same place as it comes from a source (an import): no page, texts from its source names."""
    return PlaceFactory(name_el=NAME, location=Point(LON, LAT, srid=4326), category=CategoryFactory(slug="monument"))


@pytest.mark.parametrize("reader", READERS, ids=lambda reader: reader.__name__)
def test_an_imported_place_is_public_everywhere_until_withdrawn(client, imported_place, reader):
    assert not imported_place.pages.exists()
    assert reader(client, imported_place)
    Place.objects.filter(pk=imported_place.pk).update(withdrawn=True)
    assert not reader(client, imported_place)


def test_a_place_without_texts_is_still_public(client, admin_place):
    """Texts are a copy of the names for search; a place whose texts are missing (written by SQL, say) is still on
    the map and in the list under its source name."""
    PlaceText.objects.filter(place=admin_place).delete()
    assert map_layer(client, admin_place) and map_list(client, admin_place) and near_me(client, admin_place)
    features = _features(client.get("/en/map/places/", {"bbox": "23.70,37.95,23.75,37.99", "limit": 1000}, **HOST))
    assert {feature["properties"]["name"] for feature in features if feature["id"] == str(admin_place.uid)} == {NAME}


def test_public_places_queryset_is_the_rule_of_the_sql_readers(admin_place):
    """The ORM's rule and the SQL readers' rule are the same rule."""
    from django.db import connection

    from gis.models import Place as PlaceModel
    from gis.public import public_place_sql

    Place.objects.filter(pk=admin_place.pk).update(withdrawn=True)
    outside = Place.objects.exclude(pk=admin_place.pk).first()
    Place.objects.filter(pk=outside.pk).update(municipality=None)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {PlaceModel._meta.db_table} p WHERE {public_place_sql('p')}")  # noqa: S608
        by_sql = {row[0] for row in cursor.fetchall()}
    by_orm = set(PlaceModel.objects.public().values_list("id", flat=True))
    assert by_sql == by_orm and admin_place.pk not in by_orm and outside.pk not in by_orm
    assert len(by_orm) == PlaceModel.objects.count() - 2
