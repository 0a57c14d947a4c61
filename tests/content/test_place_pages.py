"""Place pages: one record shared by its translations, details, nearest places, QR codes, structured data."""

import io
import json

import pytest
import zxingcpp
from bs4 import BeautifulSoup
from PIL import Image

from content.models import PlacePage
from gis.models import Place

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "athens.localhost"}


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def test_translations_share_one_place_record():
    greek = PlacePage.objects.get(title="Ακρόπολη Αθηνών")
    english = greek.get_translations().get().specific
    assert english.title == "Acropolis of Athens"
    assert english.place_id == greek.place_id
    assert Place.objects.filter(pleiades="638356144").count() == 1


def test_place_page_shows_record_facts_and_nearest(client):
    soup = soup_of(client.get("/en/places/akropoli-athinon/", **HOST))
    assert soup.h1.get_text(strip=True) == "Acropolis of Athens"
    facts = soup.select_one(".place-facts").get_text(" ", strip=True)
    assert "Archaeological site" in facts and "Classical" in facts
    details = soup.select_one(".place-details").get_text(" ", strip=True)
    assert "Daily 08:00–20:00" in details and "partly step-free" in details
    assert soup.select_one('a[href="https://www.wikidata.org/wiki/Q131013"]')
    assert soup.select_one('a[href="https://pleiades.stoa.org/places/638356144"]')
    nearest = [li.a.get_text(strip=True) for li in soup.select(".nearest li")]
    assert len(nearest) == 5 and "Acropolis of Athens" not in nearest
    assert nearest[:2] == ["Parthenon", "Erechtheion"]  # both on the rock, tens of metres away


def test_json_ld_and_open_graph(client):
    soup = soup_of(client.get("/el/places/akropoli-athinon/", **HOST))
    data = json.loads(soup.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == "TouristAttraction" and data["name"] == "Ακρόπολη Αθηνών"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 37.9716471, "longitude": 23.7264385}
    assert "https://www.wikidata.org/wiki/Q131013" in data["sameAs"]
    assert data["url"] == "http://athens.localhost/el/places/akropoli-athinon/"
    assert soup.select_one('meta[property="og:title"]')["content"] == "Ακρόπολη Αθηνών"
    assert soup.select_one('meta[property="og:locale"]')["content"] == "el_GR"


@pytest.mark.parametrize("language", ["el", "en"])
def test_qr_codes_open_the_page_in_its_language(client, language):
    page = f"/{language}/places/akropoli-athinon/"
    png = client.get(page + "qr-png/", **HOST)
    assert png["Content-Type"] == "image/png"
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert decoded.text == f"http://athens.localhost{page}"
    svg = client.get(page + "qr-svg/", **HOST)
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<?xml")


def test_place_without_a_page_is_served_from_its_record(client):
    parthenon = Place.objects.get(pleiades="168254096")
    soup = soup_of(client.get(f"/en/places/p/{parthenon.uid}/", **HOST))
    assert soup.h1.get_text(strip=True) == "Parthenon"
    assert json.loads(soup.select_one('script[type="application/ld+json"]').string)["name"] == "Parthenon"
    png = client.get(f"/en/places/p/{parthenon.uid}/qr-png/", **HOST)
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert decoded.text == f"http://athens.localhost/en/places/p/{parthenon.uid}/"


def test_record_of_another_municipality_is_not_served(client):
    tiryns = Place.objects.get(pleiades="570740")
    assert client.get(f"/en/places/p/{tiryns.uid}/", **HOST).status_code == 404


def test_unpublishing_a_page_falls_back_to_the_source_name(client):
    english = PlacePage.objects.get(title="Acropolis of Athens")
    english.unpublish()
    data = client.get("/en/map/places/", {"bbox": "23.72,37.97,23.73,37.975", "q": "acropolis"}, **HOST).json()
    assert [(f["properties"]["name"], f["properties"]["url"]) for f in data["features"]] == [
        ("Acropolis of Athens", None)
    ]
