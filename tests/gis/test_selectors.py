"""Spatial selectors against known geography (EPSG:4326; distances in geodesic metres)."""

import json

import pytest
from django.contrib.gis.geos import Point
from pyproj import Geod

from gis import selectors
from gis.models import Place
from tests.factories import CategoryFactory, DatasetFactory, PlaceFactory

pytestmark = pytest.mark.django_db

SYNTAGMA = Point(23.7348, 37.9755, srid=4326)  # Syntagma Square, Athens


@pytest.fixture
def landmarks(athens):
    """Two places that are not in the demo: the Parliament (about 190 m from Syntagma Square, east) and the
    Acropolis Museum (about 1 km away, south-west)."""
    dataset = DatasetFactory(slug="test-landmarks")
    parliament = PlaceFactory(
        dataset=dataset,
        source_id="parliament",
        location=Point(23.7369, 37.9755, srid=4326),
        name_el="Βουλή των Ελλήνων",
        name_en="Hellenic Parliament",
        category=CategoryFactory(slug="historic-building"),
    )
    museum = PlaceFactory(
        dataset=dataset,
        source_id="museum",
        location=Point(23.7285, 37.9684, srid=4326),
        name_el="Μουσείο Ακρόπολης",
        name_en="Acropolis Museum",
        category=CategoryFactory(slug="museum"),
    )
    return parliament, museum


def test_municipality_containing_known_points(athens, nafplio):
    assert selectors.municipality_containing(point=SYNTAGMA) == athens
    assert selectors.municipality_containing(point=Point(22.8010, 37.5640, srid=4326)) == nafplio  # Palamidi
    assert selectors.municipality_containing(point=Point(22.9444, 40.6401, srid=4326)) is None  # Thessaloniki


def test_near_syntagma_finds_the_parliament_not_the_acropolis_museum(landmarks):
    parliament, museum = landmarks
    found = selectors.places_near(point=SYNTAGMA, language="en", radius_m=500, limit=10)
    names = [item.name for item in found]
    assert "Hellenic Parliament" in names
    assert "Acropolis Museum" not in names


def test_near_distances_are_geodesic_metres_nearest_first(landmarks):
    found = selectors.places_near(point=SYNTAGMA, language="en", radius_m=2000, limit=10)
    geod = Geod(ellps="WGS84")
    for item in found:
        _azimuth, _back, metres = geod.inv(SYNTAGMA.x, SYNTAGMA.y, item.lon, item.lat)
        assert abs(item.distance_m - metres) < 1.0, item.name
    distances = [item.distance_m for item in found]
    assert distances == sorted(distances)
    assert found[0].name == "Hellenic Parliament" and 170 < found[0].distance_m < 200
    assert found[0].walking_min == 3  # 185 m at 80 m a minute, rounded up


def test_near_respects_radius_and_limit(landmarks):
    everything = selectors.places_near(point=SYNTAGMA, language="el", radius_m=5000, limit=50)
    assert all(item.distance_m <= 5000 for item in everything)
    assert len(selectors.places_near(point=SYNTAGMA, language="el", radius_m=5000, limit=3)) == 3


def _names(where) -> list[str]:
    return [f["properties"]["name"] for f in selectors.places_page(where=where, limit=100)]


@pytest.mark.parametrize("typed", ["ακροπολη", "Ακρόπολη", "ΑΚΡΟΠΟΛΗ", "ακρόπ", "Ακρόπολης", "ΑΚΡΟΠΟΛΗΣ αθηνων"])
def test_greek_search_ignores_accents_case_and_final_sigma(athens, typed):
    names = _names(selectors.PlaceFilter(municipality=athens, language="el", text=typed))
    assert names == ["Ακρόπολη Αθηνών"]


def test_greek_search_stems(athens):
    """«Παναθηναϊκού» (genitive, with dialytika) finds «Παναθηναϊκό Στάδιο»."""
    assert _names(selectors.PlaceFilter(municipality=athens, language="el", text="Παναθηναϊκού")) == [
        "Παναθηναϊκό Στάδιο"
    ]


def test_english_content_searched_in_english(athens):
    assert _names(selectors.PlaceFilter(municipality=athens, language="en", text="acropolis")) == [
        "Acropolis of Athens"
    ]
    assert _names(selectors.PlaceFilter(municipality=athens, language="en", text="temples")) == [
        "Temple of Hephaestus",
        "Temple of Olympian Zeus",
    ]


def test_category_and_period_filters(athens):
    monuments = _names(selectors.PlaceFilter(municipality=athens, language="en", categories=["monument"]))
    expected = Place.objects.filter(municipality=athens, category__slug="monument").count()
    assert len(monuments) == expected > 0
    roman = _names(selectors.PlaceFilter(municipality=athens, language="en", periods=["roman"]))
    assert "Roman Agora" in roman and "Parthenon" not in roman
    both = _names(selectors.PlaceFilter(municipality=athens, language="en", categories=["monument"], periods=["roman"]))
    assert set(both) == set(monuments) & set(roman)


def test_list_is_sorted_with_greek_collation(athens):
    names = _names(selectors.PlaceFilter(municipality=athens, language="el"))
    # «Άρειος» sorts with «Α», before «Β...»; a byte-order sort would put «Ά» after «Ω».
    assert names.index("Άρειος Πάγος") < names.index("Ερέχθειο")
    plain = str.maketrans("ΆΈΉΊΌΎΏ", "ΑΕΗΙΟΥΩ")
    assert names == sorted(names, key=lambda n: n.translate(plain))


def test_bbox_limits_to_the_view(athens):
    acropolis_hill = (23.7240, 37.9710, 23.7290, 37.9730)  # the Theatre of Dionysus (37.9704 N) is just south
    names = _names(selectors.PlaceFilter(municipality=athens, language="en", bbox=acropolis_hill))
    assert set(names) == {"Acropolis of Athens", "Parthenon", "Erechtheion"}


def test_clusters_cover_every_matching_place(athens):
    where = selectors.PlaceFilter(municipality=athens, language="el")
    clusters = json.loads(selectors.places_clustered_geojson(where=where, zoom=12, members={}))["features"]
    assert sum(f["properties"]["count"] for f in clusters) == selectors.places_count(where=where)
    assert len(clusters) < selectors.places_count(where=where)  # at city zoom, neighbours merge
    for feature in clusters:
        west, south, east, north = feature["properties"]["bounds"]
        lon, lat = feature["geometry"]["coordinates"]
        assert west <= lon <= east and south <= lat <= north


def test_boundary_geojson_is_rfc7946_wound(athens):
    import json

    geometry = json.loads(selectors.municipality_boundary_geojson(municipality=athens))
    ring = geometry["coordinates"][0][0]
    signed_area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2
    assert signed_area > 0  # exterior rings counter-clockwise


def test_greek_grid_check_point():
    """E 476000, N 4205000 (EPSG:2100) is 37.9949356 N, 23.7283669 E; PostGIS reprojects it within 1 m."""
    point = selectors.point_from_greek_grid(easting=476000, northing=4205000)
    _a, _b, metres = Geod(ellps="WGS84").inv(point.x, point.y, 23.7283669, 37.9949356)
    assert metres < 1.0


def test_near_matches_a_brute_force_geodesic_ranking(landmarks, athens):
    """The index-driven search returns exactly what ranking every place by ST_Distance on the spheroid would."""
    import random

    from django.db import connection

    rng = random.Random(7)
    for _ in range(25):
        lat, lon = 37.96 + rng.random() * 0.04, 23.70 + rng.random() * 0.06
        found = selectors.places_near(point=Point(lon, lat, srid=4326), language="el", radius_m=1500, limit=4)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT uid::text FROM xgis_place WHERE NOT withdrawn AND ST_DWithin(location::geography,"
                " ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, 1500)"
                " ORDER BY ST_Distance(location::geography, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography)"
                " LIMIT 4",
                [lon, lat, lon, lat],
            )
            assert [item.uid for item in found] == [row[0] for row in cursor.fetchall()]
