"""The factories make records and pages the application accepts: a municipality with its site serves its pages, a
place lands in the municipality its point lies in, a page is published under the right index, an area is on the
API. (Each factory is used by the tests of its kind; this checks them together, through real requests.)"""

import pytest
from django.contrib.gis.geos import Point

from gis.models import PlaceText
from tests.factories import MunicipalityFactory, PlaceFactory, PlacePageFactory, PlaceTextFactory, ProtectedAreaFactory

pytestmark = pytest.mark.django_db
KASTORIA_TOWN = Point(21.2686, 40.5196, srid=4326)  # inside the real boundary the factory uses


def test_a_municipality_with_its_site_serves_the_pages_of_its_places(client):
    kastoria = MunicipalityFactory(site=True)
    host = {"HTTP_HOST": f"{kastoria.slug}.localhost"}
    assert client.get("/el/", **host).status_code == 200
    place = PlaceFactory(location=KASTORIA_TOWN, name_el="Βυζαντινό Μουσείο Καστοριάς")
    assert place.municipality == kastoria
    assert set(PlaceText.objects.filter(place=place).values_list("language", "name")) == {
        ("el", "Βυζαντινό Μουσείο Καστοριάς"),
        ("en", "Βυζαντινό Μουσείο Καστοριάς"),
    }
    page = PlacePageFactory(place=place)
    response = client.get(f"/el/places/{page.slug}/", **host)
    assert response.status_code == 200 and "Βυζαντινό Μουσείο Καστοριάς" in response.content.decode()
    draft = PlacePageFactory(place=PlaceFactory(location=KASTORIA_TOWN), published=False)
    assert not draft.live and client.get(f"/el/places/{draft.slug}/", **host).status_code == 404


def test_a_place_outside_every_municipality_has_none(athens):
    assert PlaceFactory(location=Point(22.9444, 40.6401, srid=4326)).municipality is None  # Thessaloniki
    assert PlaceFactory().municipality == athens  # the default point: Syntagma Square


def test_a_place_text_is_what_the_public_reads(client):
    text = PlaceTextFactory(place=PlaceFactory(name_el="Παλιό όνομα"), name="Νέο όνομα από σελίδα")
    features = client.get("/el/map/places/", {"q": "σελίδα", "limit": 10}, HTTP_HOST="athens.localhost").json()
    assert [feature["id"] for feature in features["features"]] == [str(text.place.uid)]


def test_a_protected_area_is_in_the_areas_collection(client):
    area = ProtectedAreaFactory(name_el="Ζώνη Συντάγματος")
    body = client.get(f"/api/features/collections/areas/items/{area.pk}").json()
    assert body["properties"]["name"] == "Ζώνη Συντάγματος" and body["geometry"]["type"] == "MultiPolygon"
