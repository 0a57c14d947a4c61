"""Spatial selectors against known geography."""

import json

import pytest
from django.contrib.gis.geos import Point
from django.utils import translation

from gis import selectors

pytestmark = pytest.mark.django_db


def test_municipality_containing_known_points(athens, nafplio):
    assert selectors.municipality_containing(point=Point(23.7348, 37.9755, srid=4326)) == athens  # Syntagma
    assert selectors.municipality_containing(point=Point(22.8010, 37.5640, srid=4326)) == nafplio  # Palamidi
    assert selectors.municipality_containing(point=Point(22.9444, 40.6401, srid=4326)) is None  # Thessaloniki


def test_places_are_assigned_by_boundary(athens, nafplio):
    assert sorted(athens.places.values_list("name_en", flat=True))[:3] == [
        "Acropolis of Athens",
        "Ancient Agora of Athens",
        "Areopagus",
    ]
    assert "Tiryns" in nafplio.places.values_list("name_en", flat=True)


def test_boundary_geojson_is_rfc7946_wound(athens):
    geometry = json.loads(selectors.municipality_boundary_geojson(municipality=athens))
    ring = geometry["coordinates"][0][0]
    signed_area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2
    assert signed_area > 0  # exterior rings counter-clockwise


def test_places_geojson_in_language(nafplio):
    greek = json.loads(selectors.places_geojson(municipality=nafplio, language="el"))
    english = json.loads(selectors.places_geojson(municipality=nafplio, language="en"))
    assert {f["properties"]["name"] for f in greek["features"]} >= {"Τίρυνθα", "Ναύπλιο"}
    assert {f["properties"]["name"] for f in english["features"]} >= {"Tiryns", "Nafplio"}
    assert [f["id"] for f in greek["features"]] != [] and {f["id"] for f in greek["features"]} == {
        f["id"] for f in english["features"]
    }


def test_place_list_sorts_greek_with_accents_like_a_dictionary(athens):
    with translation.override("el"):
        names = [p.name_el for p in selectors.places_for_list(municipality=athens, language="el")]
    # «Άρειος» sorts with «Α», before «Β...»; a byte-order sort would put «Ά» after «Ω».
    assert names.index("Άρειος Πάγος") < names.index("Ερέχθειο")
    assert names == sorted(
        names,
        key=lambda n: (
            n.replace("Ά", "Α")
            .replace("Έ", "Ε")
            .replace("Ή", "Η")
            .replace("Ί", "Ι")
            .replace("Ό", "Ο")
            .replace("Ύ", "Υ")
            .replace("Ώ", "Ω")
        ),
    )
