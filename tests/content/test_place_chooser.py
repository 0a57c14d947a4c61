"""The place chooser of a place page (issue 12, defect 14): searchable, with municipality and category beside each
name, and only the page's municipality's places, even for an editor of two municipalities."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from content.models import PlacePage
from gis.models import Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_of_both(client):
    user = get_user_model().objects.create_user(username="editor-both", password="x")
    user.groups.add(Group.objects.get(name="Athens: editors"), Group.objects.get(name="Nafplio: editors"))
    client.force_login(user)
    return user


def chooser_url() -> str:
    return reverse(Place.snippet_viewset.chooser_viewset.get_url_name("choose"))


def results_url() -> str:
    return reverse(Place.snippet_viewset.chooser_viewset.get_url_name("choose_results"))


def test_the_page_form_asks_for_its_own_municipality(client, editor_of_both, athens):
    page = PlacePage.objects.get(title="Ακρόπολη Αθηνών")
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert re.findall(r"choose/xgis/place/\?municipality=(\d+)", html) != []
    assert set(re.findall(r"choose/xgis/place/\?municipality=(\d+)", html)) == {str(athens.pk)}


def test_the_chooser_lists_the_municipality_places_with_municipality_and_category(client, editor_of_both, athens):
    html = client.get(chooser_url(), {"municipality": athens.pk}).json()["html"]
    parthenon = Place.objects.get(name_el="Παρθενώνας")
    assert "Παρθενώνας" in html and "Τίρυνθα" not in html  # Tiryns is Nafplio's, which this user also edits
    assert "Αθηναίων" in html and parthenon.category.name in html
    assert 'name="q"' in html and f'name="municipality" value="{athens.pk}"' in html  # search, kept to Athens


def test_the_chooser_search_ignores_accents_and_case(client, editor_of_both, athens):
    found = client.get(results_url(), {"municipality": athens.pk, "q": "ΠΑΡΘΕΝΩΝ"}).content.decode()
    assert "Παρθενώνας" in found and "Πνύκα" not in found
    english = client.get(results_url(), {"municipality": athens.pk, "q": "parthen"}).content.decode()
    assert "Παρθενώνας" in english
    tiryns = Place.objects.get(name_el="Τίρυνθα")
    chosen = reverse(Place.snippet_viewset.chooser_viewset.get_url_name("chosen"), args=[tiryns.pk])
    other = client.get(results_url(), {"municipality": athens.pk, "q": "Τίρυνθα"}).content.decode()
    assert chosen not in other  # another municipality's place stays out, searched or not (the term is echoed)
    assert chosen in client.get(results_url(), {"q": "Τίρυνθα"}).content.decode()  # this user edits it too
