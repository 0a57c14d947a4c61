"""The feature cache's triggers come from the places' declaration: every column says what it reads, a column that
reads what no trigger watches is named, the database holds exactly the generated triggers, and a column added to
the declaration gets its invalidation without anyone writing a trigger."""

from dataclasses import replace

import pytest
from django.db import connection

from gis.api import cache_triggers, feature_cache
from gis.api.kinds import KINDS, PLACES, Column
from gis.models import Municipality, Place, PlaceFeature

pytestmark = pytest.mark.django_db
MUNICIPALITY = Municipality._meta.db_table


def _with_column(column: Column):
    return replace(PLACES, columns=[*PLACES.columns, column])


def test_every_column_of_places_declares_what_it_reads_and_each_table_is_watched():
    for kind in KINDS.values():  # every published kind (those without a cache have nothing to cover)
        assert cache_triggers.cache_uncovered(kind) == [], kind.name
    assert PLACES.cache is not None and KINDS["places"] is PLACES
    unread = _with_column(Column("photo", "r.photo_id", "integer", "A photo."))
    assert cache_triggers.cache_uncovered(unread) == ["column 'photo' of places does not declare what it reads"]
    elsewhere = _with_column(
        Column("photo", "i.title", "string", "A photo's title.", reads={"wagtailimages_image": ("title",)})
    )
    assert cache_triggers.cache_uncovered(elsewhere) == [
        "column 'photo' of places reads wagtailimages_image, which no trigger of xgis_placefeature watches"
    ]


def test_the_compared_columns_are_those_the_columns_read():
    assert cache_triggers.read_columns(PLACES, MUNICIPALITY) == ["code", "licence", "name_el", "name_en", "slug"]
    assert cache_triggers.read_columns(PLACES, "xgis_dataset") == ["attribution", "licence", "slug"]
    assert "boundary_source" not in cache_triggers.read_columns(PLACES, MUNICIPALITY)


def test_the_database_holds_the_generated_triggers_and_nothing_else():
    for kind in KINDS.values():
        assert cache_triggers.cache_triggers_check(kind) == [], kind.name
    with connection.cursor() as cursor:  # every watched table has a trigger, straight from pg_trigger
        cursor.execute(
            "SELECT DISTINCT t.tgrelid::regclass::text FROM pg_trigger t JOIN pg_proc f ON f.oid = t.tgfoid"
            " WHERE NOT t.tgisinternal AND f.proname LIKE 'xgis\\_placefeature\\_%%'"
        )
        tables = {table for (table,) in cursor.fetchall()}
    assert PLACES.cache is not None
    assert tables == {watch.table for watch in PLACES.cache.watches}
    # a function edited by hand (comparing fewer columns than the declaration reads) is named
    with connection.cursor() as cursor:
        cursor.execute(
            """CREATE OR REPLACE FUNCTION xgis_placefeature_forget_municipality() RETURNS trigger LANGUAGE plpgsql
               AS $$ BEGIN RETURN NULL; END $$"""
        )
        cursor.execute("DROP TRIGGER placefeature_text_insert ON xgis_placetext")
    assert cache_triggers.cache_triggers_check(PLACES) == [
        "trigger placefeature_text_insert on xgis_placetext should run xgis_placefeature_forget(), found None",
        "function xgis_placefeature_forget_municipality() is not what the declaration of places generates",
    ]
    assert cache_triggers.cache_triggers_install(PLACES, force=True)
    assert cache_triggers.cache_triggers_check(PLACES) == []
    assert not cache_triggers.cache_triggers_install(PLACES)  # the fingerprint matches: nothing to do


def _cached_by_municipality() -> dict[str, int]:
    counts: dict[str, int] = {}
    for slug in PlaceFeature.objects.filter(language="el").values_list("municipality__slug", flat=True):
        counts[slug] = counts.get(slug, 0) + 1
    return counts


def test_a_column_added_to_the_declaration_gets_its_trigger():
    feature_cache.feature_cache_fill(language="el")
    athens = Municipality.objects.get(slug="athens")
    before = _cached_by_municipality()
    assert before["athens"] > 0 and before["nafplio"] > 0
    Municipality.objects.filter(pk=athens.pk).update(boundary_source="changed, but shown by no column")
    assert _cached_by_municipality() == before  # places do not show it: their features stay

    shown = _with_column(
        Column(
            "boundary_source",
            "m.boundary_source",
            "string",
            "Where the boundary comes from.",
            reads={MUNICIPALITY: ("boundary_source",)},
        )
    )
    assert cache_triggers.cache_uncovered(shown) == []
    problems = cache_triggers.cache_triggers_check(shown)
    assert problems == [
        "function xgis_placefeature_forget_municipality() is not what the declaration of places generates"
    ]
    assert cache_triggers.cache_triggers_install(shown)  # what migrate does after the declaration changed
    assert PlaceFeature.objects.count() == 0  # the features' SQL changed: every stored one was forgotten
    feature_cache.feature_cache_fill(language="el")
    before = _cached_by_municipality()
    Municipality.objects.filter(pk=athens.pk).update(boundary_source="changed again")
    after = _cached_by_municipality()
    assert "athens" not in after and after["nafplio"] == before["nafplio"]
    assert set(PlaceFeature.objects.values_list("place_id", flat=True)).isdisjoint(
        Place.objects.filter(municipality=athens).values_list("id", flat=True)
    )
