"""Numbers shown to people: plural rules, the language's digit grouping and unit, on the page and in near me."""

import re

import pytest
from django.utils import translation

from gis.formats import distance_text, plural_forms, walking_text

HOST = {"HTTP_HOST": "athens.localhost"}


def test_walking_time_follows_greek_and_english_plural_rules():
    with translation.override("el"):
        assert walking_text(minutes=1) == "1 λεπτό με τα πόδια"
        assert walking_text(minutes=12) == "12 λεπτά με τα πόδια"
    with translation.override("en"):
        assert walking_text(minutes=1) == "1 minute on foot"
        assert walking_text(minutes=2) == "2 minutes on foot"


def test_distances_are_grouped_and_carry_the_languages_unit():
    with translation.override("el"):
        assert distance_text(distance_m=1249.6) == "1.250 μ."
        assert distance_text(distance_m=56.2) == "56 μ."
    with translation.override("en"):
        assert distance_text(distance_m=1249.6) == "1,250 m"


def test_plural_forms_for_the_browser_are_keyed_by_cldr_category():
    with translation.override("el"):
        forms = plural_forms("%(count)s place: zoom in", "%(count)s places: zoom in")
    assert forms == {"one": "%(count)s τόπος: μεγεθύνετε", "other": "%(count)s τόποι: μεγεθύνετε"}


@pytest.mark.django_db
def test_near_me_says_distance_and_walking_time_in_the_pages_language(client):
    features = client.get("/el/map/near/", {"lat": "37.971", "lon": "23.725", "limit": "5"}, **HOST).json()["features"]
    assert features
    for feature in features:
        properties = feature["properties"]
        minutes = properties["walking_min"]
        assert properties["walking"] == (
            f"{minutes} λεπτό με τα πόδια" if minutes == 1 else f"{minutes} λεπτά με τα πόδια"
        )
        assert re.fullmatch(r"\d{1,3}(\.\d{3})* μ\.", properties["distance"])
        assert int(properties["distance"][:-3].replace(".", "")) == properties["distance_m"]


@pytest.mark.django_db
def test_place_page_lists_nearby_places_with_greek_units_and_plurals(client):
    from content.models import PlacePage

    page = PlacePage.objects.get(locale__language_code="el", place__source_id="638356144")
    html = client.get(page.get_url_parts()[2], **HOST).content.decode()
    nearest = re.findall(r"</a> — ([^<]*)</li>", html)
    assert nearest, "the Acropolis has places within 2 km"
    for text in nearest:
        assert re.fullmatch(r"\d{1,3}(\.\d{3})* μ\., (1 λεπτό|\d+ λεπτά) με τα πόδια", text), text
        assert not text.startswith("1 λεπτά")
