"""gis.bulk on PostGIS: the stage, the plan's stages and the writes, without a reader (rows staged by hand).

Points are EPSG:4326 (lon, lat): the Acropolis and the Ancient Agora in Athens, the Palamidi in Nafplio.
"""

import logging

import pytest
from django.contrib.gis.geos import Point
from django.db import transaction
from wagtail.models import Locale

from gis import bulk
from gis.models import Place, PlaceText
from gis.services import dataset_upsert

pytestmark = pytest.mark.django_db
ACROPOLIS = (23.7257, 37.9715)
AGORA = (23.7225, 37.9747)
PALAMIDI = (22.8063, 37.5622)


@pytest.fixture
def dataset():
    return dataset_upsert(slug="bulk-test", title="Bulk (test)", licence="CC0", attribution="tests")


@pytest.fixture
def locale_id() -> int:
    return Locale.objects.get(language_code="el").pk


def row(feature: int, source_id: str, lon_lat: tuple[float, float], *, name_el: str = "", name_en: str = "", **extra):
    """A stage row in bulk.STAGE_COLUMNS order (geometry as hex EWKB, EPSG:4326)."""
    values = {
        "feature": feature,
        "source_id": source_id,
        "rejected": False,
        "name_el": name_el,
        "name_en": name_en,
        "category_slug": None,
        "period_slugs": None,
        "wikidata": "",
        "pleiades": "",
        "location": Point(*lon_lat, srid=4326).hexewkb.decode(),
        "footprint": None,
        "attributes": "{}",
        **extra,
    }
    return tuple(values[column] for column in bulk.STAGE_COLUMNS)


def run(dataset, rows, *, mapped=frozenset({"source_id", "name_el", "name_en"}), matches=None, locale_id, scope=None):
    """Stage ``rows``, plan and apply in one transaction, as importers.services does; returns (plan, written)."""
    scope = scope or bulk.Scope()
    with transaction.atomic():
        bulk.stage_begin(dataset_id=dataset.pk)
        bulk.stage_write(rows)
        plan = bulk.plan_build(
            dataset_id=dataset.pk, mapped=set(mapped), scope=scope, locale_id=locale_id, matches=matches
        )
        written = bulk.plan_apply(dataset_id=dataset.pk, mapped=set(mapped), scope=scope, locale_id=locale_id)
    return plan, written


def texts(place: Place) -> dict[str, tuple[str, bool]]:
    return {text.language: (text.name, text.from_page) for text in PlaceText.objects.filter(place=place)}


def test_first_write_creates_places_with_source_texts_and_municipality(dataset, locale_id, athens, nafplio):
    rows = [
        row(1, "a", ACROPOLIS, name_el="Ακρόπολη", name_en="Acropolis"),
        row(2, "b", PALAMIDI, name_el="Παλαμήδι"),
    ]
    plan, written = run(dataset, rows, locale_id=locale_id)
    assert plan.counts["create"] == 2 and plan.counts["withdraw"] == 0
    assert [sample["source_id"] for sample in plan.created] == ["a", "b"]
    assert written["create"] == 2 and written["texts"] == 4
    acropolis, palamidi = Place.objects.get(source_id="a"), Place.objects.get(source_id="b")
    assert acropolis.municipality == athens and palamidi.municipality == nafplio
    assert texts(acropolis) == {"el": ("Ακρόπολη", False), "en": ("Acropolis", False)}
    assert texts(palamidi) == {"el": ("Παλαμήδι", False), "en": ("Παλαμήδι", False)}  # English falls back to Greek
    assert {feature["properties"]["action"] for feature in plan.preview} == {"create"}


def test_duplicate_ids_are_rejected_after_the_first(dataset, locale_id, athens):
    rows = [row(1, "a", ACROPOLIS, name_el="Ακρόπολη"), row(2, "a", AGORA, name_el="Αγορά")]
    plan, written = run(dataset, rows, locale_id=locale_id)
    assert plan.duplicates == [{"feature": 2, "source_id": "a", "first": 1}]
    assert written["create"] == 1 and Place.objects.get(source_id="a").name_el == "Ακρόπολη"


def test_second_write_updates_changed_leaves_unchanged_and_withdraws_missing(dataset, locale_id, athens):
    run(
        dataset,
        [
            row(1, "a", ACROPOLIS, name_el="Ακρόπολη"),
            row(2, "b", AGORA, name_el="Αρχαία Αγορά"),
            row(3, "c", (23.7270, 37.9700), name_el="Ωδείο"),
        ],
        locale_id=locale_id,
    )
    unchanged_before = list(PlaceText.objects.filter(place__source_id="a").values_list("id", "name"))
    plan, written = run(
        dataset,
        [row(1, "a", ACROPOLIS, name_el="Ακρόπολη"), row(2, "b", AGORA, name_el="Αγορά της Αθήνας")],
        locale_id=locale_id,
    )
    assert {key: plan.counts[key] for key in ("create", "update", "unchanged", "withdraw")} == {
        "create": 0,
        "update": 1,
        "unchanged": 1,
        "withdraw": 1,
    }
    assert plan.updated[0]["source_id"] == "b" and plan.updated[0]["changed"] == ["name_el"]
    assert plan.withdrawn == [{"source_id": "c", "name_el": "Ωδείο"}]
    assert written == {"create": 0, "texts": 0, "update": 1, "link": 0, "withdraw": 1}
    agora = Place.objects.get(source_id="b")
    assert agora.name_el == "Αγορά της Αθήνας"
    assert texts(agora) == {"el": ("Αγορά της Αθήνας", False), "en": ("Αγορά της Αθήνας", False)}
    assert Place.objects.get(source_id="c").withdrawn
    assert list(PlaceText.objects.filter(place__source_id="a").values_list("id", "name")) == unchanged_before


def test_a_changed_name_never_overwrites_an_editors_text(dataset, locale_id, athens):
    run(dataset, [row(1, "a", ACROPOLIS, name_el="Ακρόπολη", name_en="Acropolis")], locale_id=locale_id)
    place = Place.objects.get(source_id="a")
    PlaceText.objects.filter(place=place, language="el").update(name="Ο Ιερός Βράχος", from_page=True)
    run(dataset, [row(1, "a", ACROPOLIS, name_el="Ακρόπολη Αθηνών", name_en="Athens Acropolis")], locale_id=locale_id)
    assert texts(place) == {"el": ("Ο Ιερός Βράχος", True), "en": ("Athens Acropolis", False)}


def test_a_link_fills_what_the_matched_place_lacks_and_its_source_text(locale_id, athens):
    first = dataset_upsert(slug="bulk-first", title="First", licence="CC0", attribution="tests")
    second = dataset_upsert(slug="bulk-second", title="Second", licence="CC0", attribution="tests")
    mapped = {"source_id", "name_el", "name_en", "wikidata"}
    run(first, [row(1, "a", ACROPOLIS, name_el="Ακρόπολη", wikidata="Q999999001")], mapped=mapped, locale_id=locale_id)
    place = Place.objects.get(dataset=first)
    plan, written = run(
        second,
        [row(1, "x", AGORA, name_el="Άλλο όνομα", name_en="Acropolis", wikidata="Q999999001")],
        mapped=mapped,
        matches="link",
        locale_id=locale_id,
    )
    assert plan.counts["link"] == 1 and plan.matched[0]["place_uid"] == str(place.uid)
    assert plan.matched[0]["fills"] == ["name_en"]
    assert written["link"] == 1 and written["create"] == 0
    place.refresh_from_db()
    assert (place.name_el, place.name_en) == ("Ακρόπολη", "Acropolis")  # filled, never overwritten
    assert place.location.coords == pytest.approx(ACROPOLIS)  # never moved
    assert texts(place) == {"el": ("Ακρόπολη", False), "en": ("Acropolis", False)}
    assert not Place.objects.filter(dataset=second).exists()


def test_features_outside_the_scope_are_refused(dataset, locale_id, athens, nafplio):
    scope = bulk.Scope(municipality_ids=[athens.pk], target=athens.pk)
    plan, written = run(
        dataset,
        [row(1, "a", ACROPOLIS, name_el="Ακρόπολη"), row(2, "b", PALAMIDI, name_el="Παλαμήδι")],
        scope=scope,
        locale_id=locale_id,
    )
    assert [(item["feature"], item["source_id"]) for item in plan.forbidden] == [(2, "b")]
    assert written["create"] == 1 and not Place.objects.filter(source_id="b").exists()


def test_every_stage_logs_its_duration(dataset, locale_id, athens, caplog):
    with caplog.at_level(logging.DEBUG, logger="gis.bulk"):
        run(
            dataset,
            [row(1, "a", ACROPOLIS, name_el="Ακρόπολη")],
            matches="create",
            scope=bulk.Scope(municipality_ids=[athens.pk], target=athens.pk),
            locale_id=locale_id,
        )
    stages = [record.stage for record in caplog.records if hasattr(record, "stage")]
    assert stages == [
        "duplicates",
        "classify",
        "scope",
        "matches",
        "counts",
        "withdrawals",
        "far",
        "preview",
        "creates",
        "updates",
        "links",
        "withdraw",
    ]
    assert all(record.seconds >= 0 for record in caplog.records if hasattr(record, "stage"))
