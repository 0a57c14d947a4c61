"""The route record: its length is measured by PostGIS on the line (geodesic), never typed."""

import pytest
from django.contrib.gis.geos import LineString, MultiLineString

from gis.models import Route, Theme
from gis.services import vocabularies_ensure

pytestmark = pytest.mark.django_db


def test_length_is_geodesic_and_follows_the_line():
    # one degree of longitude at the equator is 111,319.49 m on the WGS 84 ellipsoid
    route = Route.objects.create(name_el="Δοκιμή", geometry=MultiLineString(LineString((0, 0), (1, 0)), srid=4326))
    route.refresh_from_db()
    assert route.length_m == pytest.approx(111_319.49, abs=0.1)
    route.geometry = MultiLineString(LineString((0, 0), (1, 0)), LineString((1, 0), (2, 0)), srid=4326)
    route.save()
    route.refresh_from_db()
    assert route.length_m == pytest.approx(2 * 111_319.49, abs=0.2)


def test_themes_start_in_greek_with_english_translations():
    vocabularies_ensure()
    slugs = set(Theme.objects.filter(locale__language_code="el").values_list("slug", flat=True))
    assert {"byzantine-heritage", "literature-arts", "gastronomy"} <= slugs
    english = Theme.objects.get(slug="byzantine-heritage", locale__language_code="en")
    assert english.name == "Byzantine heritage"
    greek = Theme.objects.get(slug="byzantine-heritage", locale__language_code="el")
    assert english.translation_key == greek.translation_key
