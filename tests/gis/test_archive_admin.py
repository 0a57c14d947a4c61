"""Editors keep their municipality's archive in the admin: items (Dublin Core values, links, collections) and
collections, isolated by municipality in lists, views, forms and choosers."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from gis.models import ArchiveCollection, ArchiveItem, Place
from tests.factories import ArchiveCollectionFactory, ArchiveItemFactory, PlaceFactory, RouteFactory

pytestmark = pytest.mark.django_db
ITEMS = "/admin/snippets/xgis/archiveitem/"
COLLECTIONS = "/admin/snippets/xgis/archivecollection/"


def logged_in(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def athens_editor():
    return logged_in("editor-athens")


@pytest.fixture
def nafplio_editor():
    return logged_in("editor-nafplio")


def refused(response) -> bool:
    """403/404, or Wagtail's answer to a PermissionDenied: back to the dashboard with an error message."""
    return response.status_code in (403, 404) or (response.status_code == 302 and response["Location"] == "/admin/")


def item_form(*, municipality, values=(), places=(), collections=(), **fields) -> dict:
    data = {
        "name_el": "Η πλατεία Συντάγματος το 1920",
        "name_en": "",
        "municipality": str(municipality.pk),
        "date_text": "περ. 1920",
        "dc_type": "StillImage",
        "rights": "http://creativecommons.org/licenses/by/4.0/",
        "location": "POINT(23.7348 37.9755)",
        "places": [str(p.pk) for p in places],
        "collections": [str(c.pk) for c in collections],
        "dc_values-TOTAL_FORMS": str(len(values)),
        "dc_values-INITIAL_FORMS": "0",
        "dc_values-MIN_NUM_FORMS": "0",
        "dc_values-MAX_NUM_FORMS": "1000",
        **{
            f"{media}-{count}": "0"
            for media in ("images", "documents", "media_files")
            for count in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
        **fields,
    }
    for number, (element, value, language) in enumerate(values):
        data.update(
            {
                f"dc_values-{number}-element": element,
                f"dc_values-{number}-value": value,
                f"dc_values-{number}-language": language,
                f"dc_values-{number}-ORDER": str(number + 1),
                f"dc_values-{number}-id": "",
                f"dc_values-{number}-DELETE": "",
            }
        )
    return data


def test_an_editor_creates_an_item_with_values_links_and_a_collection(athens_editor, athens):
    place = PlaceFactory(name_el="Πλατεία Συντάγματος")
    postcards = ArchiveCollectionFactory(municipality=athens, slug="postcards")
    values = [("creator", "Φωτογράφος Α", ""), ("subject", "πλατείες", "el"), ("subject", "squares", "en")]
    response = athens_editor.post(
        f"{ITEMS}add/", item_form(municipality=athens, values=values, places=[place], collections=[postcards])
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = ArchiveItem.objects.get(name_el="Η πλατεία Συντάγματος το 1920")
    assert (item.municipality, item.date_from, item.date_to) == (athens, date(1915, 1, 1), date(1925, 12, 31))
    assert item.location.geom_type == "Point" and list(item.places.all()) == [place]
    assert list(item.collections.all()) == [postcards]
    assert list(item.dc_values.order_by("pk").values_list("element", "value", "language")) == values
    listing = athens_editor.get(ITEMS).content.decode()
    assert "Η πλατεία Συντάγματος το 1920" in listing


def test_the_form_offers_and_accepts_only_the_editors_municipality(athens_editor, athens, nafplio):
    nafplio_place = Place.objects.filter(municipality=nafplio).first()
    nafplio_collection = ArchiveCollectionFactory(municipality=nafplio, name_el="Συλλογή του Ναυπλίου")
    form = athens_editor.get(f"{ITEMS}add/").content.decode()
    assert nafplio_place.name_el not in form and "Συλλογή του Ναυπλίου" not in form and nafplio.name_el not in form
    response = athens_editor.post(
        f"{ITEMS}add/", item_form(municipality=athens, places=[nafplio_place], collections=[nafplio_collection])
    )
    assert response.status_code == 200  # the form again, with its errors
    response = athens_editor.post(f"{ITEMS}add/", item_form(municipality=nafplio))
    assert response.status_code == 200
    assert not ArchiveItem.objects.filter(name_el="Η πλατεία Συντάγματος το 1920").exists()


def test_a_line_is_not_a_location(athens_editor, athens):
    response = athens_editor.post(f"{ITEMS}add/", item_form(municipality=athens, location="LINESTRING(23 37, 24 38)"))
    assert response.status_code == 200 and "πρέπει να είναι σημείο ή περιοχή" in response.content.decode()  # in Greek
    assert not ArchiveItem.objects.filter(name_el="Η πλατεία Συντάγματος το 1920").exists()


def test_another_municipalitys_editor_sees_nothing_and_opens_nothing(nafplio_editor, athens):
    item = ArchiveItemFactory(name_el="Τεκμήριο της Αθήνας", routes=[RouteFactory()])
    collection = ArchiveCollectionFactory(municipality=athens, name_el="Συλλογή της Αθήνας")
    for url in (ITEMS, f"{ITEMS}results/", COLLECTIONS, "/admin/snippets/choose/xgis/archiveitem/"):
        body = nafplio_editor.get(url).content.decode()
        assert "Τεκμήριο της Αθήνας" not in body and "Συλλογή της Αθήνας" not in body, url
    for url in (
        f"{ITEMS}edit/{item.pk}/",
        f"{ITEMS}delete/{item.pk}/",
        f"{ITEMS}copy/{item.pk}/",
        f"{ITEMS}history/{item.pk}/",
        f"{COLLECTIONS}edit/{collection.pk}/",
        f"{COLLECTIONS}delete/{collection.pk}/",
    ):
        assert refused(nafplio_editor.get(url)), url
    assert refused(nafplio_editor.post(f"{ITEMS}delete/{item.pk}/"))
    assert ArchiveItem.objects.filter(pk=item.pk).exists()


def test_an_editor_edits_and_deletes_own_items_and_collections(athens_editor, athens):
    item = ArchiveItemFactory(name_el="Παλιός τίτλος")
    response = athens_editor.post(f"{ITEMS}edit/{item.pk}/", item_form(municipality=athens, name_el="Νέος τίτλος"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.name_el == "Νέος τίτλος"
    assert athens_editor.post(f"{ITEMS}delete/{item.pk}/").status_code == 302
    assert not ArchiveItem.objects.filter(pk=item.pk).exists()
    response = athens_editor.post(
        f"{COLLECTIONS}add/", {"municipality": athens.pk, "name_el": "Καρτ ποστάλ", "slug": "kart-postal"}
    )
    assert response.status_code == 302
    assert ArchiveCollection.objects.get(slug="kart-postal").set_spec == "athens:kart-postal"
