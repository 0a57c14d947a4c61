"""Search in either script and either language (issue 12, defect 6): "Acropolis" on the Greek map, «Ακρόπολη» on the
English one, and ELOT 743 transliterations ("Akropoli") find the place; accents, case and final sigma never matter."""

import json

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from gis.models import Place
from gis.search import matching_places_sql, search_query
from tests.factories import DatasetFactory, PlaceFactory

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "athens.localhost"}

# ELOT 743 (ISO 843) romanisations, as on Greek road signs and in the standard's rules: each case is one rule.
ELOT_743 = [
    ("Ακρόπολη", "akropoli"),  # η -> i, accents dropped
    ("ΑΚΡΌΠΟΛΗ", "akropoli"),  # capitals
    ("Θεσσαλονίκη", "thessaloniki"),  # θ -> th
    ("Χαλκίδα", "chalkida"),  # χ -> ch
    ("Ψυχικό", "psychiko"),  # ψ -> ps, υ -> y
    ("Λυκαβηττός", "lykavittos"),  # final sigma
    ("Ναύπλιο", "nafplio"),  # αυ before a voiceless consonant -> af
    ("Ναύπακτος", "nafpaktos"),
    ("Αυλώνας", "avlonas"),  # αυ before a voiced consonant -> av
    ("Εύβοια", "evvoia"),  # ευ -> ev
    ("Ευαγγελίστρια", "evangelistria"),  # ευ before a vowel -> ev; γγ -> ng
    ("Ελευσίνα", "elefsina"),  # ευ before σ -> ef
    ("ταυ", "taf"),  # αυ at the end of a word -> af
    ("άυλος", "aylos"),  # the accent on α: no diphthong
    ("αϋπνία", "aypnia"),  # a diaeresis on υ: no diphthong
    ("Παναθηναϊκό", "panathinaiko"),  # a diaeresis on ι
    ("Μπούρτζι", "bourtzi"),  # μπ at the start of a word -> b; ου -> ou
    ("Καλαμπάκα", "kalampaka"),  # μπ inside a word -> mp
    ("Σύνταγμα", "syntagma"),  # ντ -> nt
    ("Γκάζι", "gkazi"),  # γκ -> gk
    ("Σφίγγα", "sfinga"),
    ("Λάρυμνα", "larymna"),
    ("Ἀθῆναι", "athinai"),  # polytonic accents and breathings dropped too
    ("Café Ωραίο", "cafe oraio"),  # Latin text passes through, without its accents
]


@pytest.mark.parametrize(("greek", "latin"), ELOT_743)
def test_elot_743(greek, latin):
    with connection.cursor() as cursor:
        cursor.execute("SELECT xenagos_elot743(%s)", [greek])
        assert cursor.fetchone()[0] == latin


def found(client, language: str, typed: str) -> list[str]:
    response = client.get(f"/{language}/map/places/", {"q": typed, "limit": 100}, **HOST)
    assert response.status_code == 200
    return [feature["properties"]["name"] for feature in json.loads(response.content)["features"]]


@pytest.mark.parametrize("typed", ["Acropolis", "acropol", "Akropoli", "akropolis athinon", "ακροπολη", "ΑΚΡΌΠΟΛΗ"])
@pytest.mark.parametrize(("language", "name"), [("el", "Ακρόπολη Αθηνών"), ("en", "Acropolis of Athens")])
def test_either_script_finds_the_acropolis_on_either_map(client, typed, language, name):
    assert found(client, language, typed) == [name]


@pytest.mark.parametrize("typed", ["Parthenonas", "parthenónas", "PARTHENONAS"])
def test_parthenon_transliterated(client, typed):
    assert found(client, "el", typed) == ["Παρθενώνας"]
    assert found(client, "en", typed) == ["Parthenon"]


@pytest.mark.parametrize("typed", ["Parthenon", "Παρθενώνα"])
def test_parthenon_also_in_the_acropolis_summary(client, typed):
    """The Acropolis' page says «Ο βράχος με τον Παρθενώνα» / "The rock of the Parthenon": summaries are searched."""
    assert found(client, "el", typed) == ["Ακρόπολη Αθηνών", "Παρθενώνας"]
    assert found(client, "en", typed) == ["Acropolis of Athens", "Parthenon"]


@pytest.fixture
def lycabettus():
    return PlaceFactory(
        dataset=DatasetFactory(slug="test-hills"),
        source_id="1",
        location=Point(23.7434, 37.9819, srid=4326),
        name_el="Λυκαβηττός",
        name_en="Lycabettus",
    )


@pytest.mark.parametrize("typed", ["Lykavittos", "lykavit", "Λυκαβηττός", "λυκαβηττοσ", "ΛΥΚΑΒΗΤΤΟΣ", "Lycabettus"])
def test_final_sigma_and_transliteration(client, lycabettus, typed):
    assert lycabettus.municipality.code == "9186"
    assert found(client, "el", typed) == ["Λυκαβηττός"]
    assert found(client, "en", typed) == ["Lycabettus"]


def test_latin_search_misses_what_does_not_match(client):
    assert found(client, "el", "Akropolx") == []
    assert found(client, "el", "Nafplio") == []  # Nafplio's places are not on Athens' map


def test_texts_written_in_sql_are_searchable(client, lycabettus):
    """The transliteration is a generated column: text written by any means (here plain SQL, as imports write) is
    indexed without the writer knowing."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE xgis_placetext SET name = 'Λόφος του Στρέφη' WHERE place_id = %s", [lycabettus.pk])
    assert found(client, "el", "Strefi") == ["Λόφος του Στρέφη"]


def test_the_search_uses_its_indexes(athens):
    """With a few thousand places, every branch of the search reads its GIN index rather than scanning texts."""
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO xgis_place (uid, municipality_id, location, name_el, name_en, step_free, wikidata, pleiades,
                                       source_id, source_attributes, withdrawn, created_at, updated_at)
               SELECT gen_random_uuid(), %s, ST_SetSRID(ST_MakePoint(23.72 + g * 1e-6, 37.97), 4326),
                      'Τόπος ' || g, '', '', '', '', '', '{}', false, now(), now()
               FROM generate_series(1, 3000) g""",
            [athens.pk],
        )
        cursor.execute(
            """INSERT INTO xgis_placetext (place_id, language, name, summary, url, image_url, image_alt, from_page)
               SELECT p.id, l.code, p.name_el, '', '', '', '', false FROM xgis_place p, (VALUES ('el'), ('en')) l(code)
               WHERE p.name_el LIKE 'Τόπος %%'"""
        )
        cursor.execute("ANALYZE xgis_placetext")
        cursor.execute(f"EXPLAIN {matching_places_sql('%s')}", [search_query("Akropoli")] * 3)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert plan.count("Bitmap Index Scan on placetext_search_latin") == 1, plan
    assert plan.count("Bitmap Index Scan on placetext_search ") == 2, plan


def test_a_place_saved_in_the_admin_is_found_by_its_names(client, athens):
    place = Place.objects.create(
        name_el="Πλατεία Μοναστηρακίου", name_en="Monastiraki Square", location=Point(23.7255, 37.9761, srid=4326)
    )
    place.municipality = athens
    place.save()
    assert found(client, "el", "Monastiraki") == ["Πλατεία Μοναστηρακίου"]
    assert found(client, "en", "Μοναστηράκι") == ["Monastiraki Square"]
