"""The language switcher leads to the same thing in the other language, on every public page (issue 12, defect 4):
the place served from its record, a place page with and without its translation, Wagtail pages, the map (with its
view and filters), the data and privacy pages. Each link is followed, must answer 200 and show the same object."""

from urllib.parse import urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup

from content.models import PlacePage
from content.services import place_page_create
from gis.models import Place

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "athens.localhost"}
OTHER = {"el": "en", "en": "el"}


def switch(client, path: str) -> tuple[str, object, object]:
    """Follow the switcher from ``path`` to the other language: (its href, the page's context, the target's)."""
    path = urlsplit(path)._replace(scheme="", netloc="").geturl()  # page.url is absolute with several sites
    here = client.get(path, **HOST)
    assert here.status_code == 200, path
    language = path.split("/")[1]
    links = BeautifulSoup(here.content, "html.parser").select(".language-switcher a[hreflang]")
    hrefs = {link["hreflang"]: link["href"] for link in links}
    assert set(hrefs) == {OTHER[language]}, hrefs
    href = hrefs[OTHER[language]]
    there = client.get(href, **HOST)
    assert there.status_code == 200, href
    assert there.context["LANGUAGE_CODE"] == OTHER[language]
    return href, here.context, there.context


def same_page(here, there) -> bool:
    return here["page"].translation_key == there["page"].translation_key


def greek_page_without_translation() -> PlacePage:
    place = Place.objects.get(pleiades="205264674")  # the Pnyx: no page in the demo
    index = PlacePage.objects.get(title="Ακρόπολη Αθηνών").get_parent().specific
    page = place_page_create(place=place, index=index, title="Πνύκα", summary="Ο λόφος της εκκλησίας του δήμου.")
    page.save_revision().publish()
    return page


@pytest.mark.parametrize("language", ["el", "en"])
def test_a_place_served_from_its_record(client, language):
    place = Place.objects.get(pleiades="168254096")  # the Parthenon: no page, served from its record
    href, here, there = switch(client, f"/{language}/places/p/{place.uid}/")
    assert href == f"/{OTHER[language]}/places/p/{place.uid}/"
    assert here["place"] == there["place"] == place


@pytest.mark.parametrize("language", ["el", "en"])
def test_a_place_page_and_its_translation(client, language):
    greek = PlacePage.objects.get(title="Ακρόπολη Αθηνών")
    page = greek if language == "el" else greek.get_translation(greek.get_translations().get().locale)
    href, here, there = switch(client, page.url)
    assert same_page(here, there) and here["place"] == there["place"]


def test_a_place_page_without_translation_leads_to_its_record(client):
    page = greek_page_without_translation()
    href, here, there = switch(client, page.url)
    assert href == f"/en/places/p/{page.place.uid}/"
    assert there["place"] == page.place
    # and back: the English record leads to the Greek page, not to the Greek record
    back, _, greek = switch(client, href)
    assert back == urlsplit(page.url).path and greek["page"].specific == page


@pytest.mark.parametrize("path", ["/el/", "/en/", "/el/places/", "/en/places/"])
def test_wagtail_pages(client, path):
    _href, here, there = switch(client, path)
    assert same_page(here, there)


@pytest.mark.parametrize("path", ["/el/data/", "/en/data/", "/el/privacy/", "/en/privacy/"])
def test_data_and_privacy_pages(client, path):
    href, _here, _there = switch(client, path)
    assert href == f"/{OTHER[path.split('/')[1]]}/{path.split('/', 2)[2]}"


def test_the_map_keeps_its_view_and_filters(client):
    query = urlencode({"q": "Ακρόπολη", "category": "monument", "lat": "37.97", "lon": "23.72", "z": "15"})
    href, here, there = switch(client, f"/el/map/?{query}")
    parts = urlsplit(href)
    assert parts.path == "/en/map/" and parts.query == query
    assert there["state"] == here["state"] and there["state"]["q"] == "Ακρόπολη"
