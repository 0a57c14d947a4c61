"""The public archive's reads (gis.archive_selectors) on PostGIS: facet counts against counts made here from the
records themselves, the decades of intervals, a search that ignores accents, case and the final sigma, sorting, and
another municipality's items never listed nor counted."""

from collections import Counter
from datetime import date

import pytest
from django.contrib.gis.geos import Point

from gis.archive_selectors import (
    ArchiveFilter,
    archive_count,
    archive_facets,
    archive_item_values,
    archive_items_of_place,
    archive_page,
)
from gis.models import ArchiveItem
from tests.factories import ArchiveCollectionFactory, ArchiveItemFactory, PlaceFactory

pytestmark = pytest.mark.django_db

NAFPLIO_POINT = (22.8085, 37.5673)  # the Bourtzi, Nafplio
CC_BY = "http://creativecommons.org/licenses/by/4.0/"
PDM = "http://creativecommons.org/publicdomain/mark/1.0/"


def dc(title: str, *, date_text: str = "", dc_type: str = "", rights: str = "", more=()) -> list:
    values = [("title", title, "el")]
    if date_text:
        values.append(("date", date_text, ""))
    if dc_type:
        values.append(("type", dc_type, ""))
    if rights:
        values.append(("rights", rights, ""))
    return values + list(more)


@pytest.fixture
def archive(athens, nafplio):
    """Athens' items (one withdrawn, one of no municipality) and Nafplio's, with places and collections."""
    ArchiveItem.objects.all().delete()
    agora = PlaceFactory(name_el="Αρχαία Αγορά", location=Point(23.7227, 37.9747, srid=4326))
    plaka = PlaceFactory(name_el="Πλάκα", location=Point(23.7300, 37.9715, srid=4326))
    bourtzi = PlaceFactory(name_el="Μπούρτζι", location=Point(*NAFPLIO_POINT, srid=4326))
    postcards = ArchiveCollectionFactory(municipality=athens, slug="postcards", name_el="Καρτ ποστάλ")
    plates = ArchiveCollectionFactory(municipality=athens, slug="plates", name_el="Γυάλινες πλάκες")
    foreign = ArchiveCollectionFactory(municipality=nafplio, slug="postcards", name_el="Καρτ ποστάλ Ναυπλίου")
    items = {
        "range": ArchiveItemFactory(
            dc=dc("Η Αγορά το 1912", date_text="1912–1913", dc_type="StillImage", rights=CC_BY),
            places=[agora],
            collections=[postcards],
        ),
        "decade": ArchiveItemFactory(
            dc=dc("Η Πλάκα", date_text="1910s", dc_type="StillImage", rights=PDM),
            places=[plaka, agora],
            collections=[postcards, plates],
        ),
        "circa": ArchiveItemFactory(
            dc=dc(
                "Επιστολή για το Ναύπλιο",
                date_text="c. 1920",
                dc_type="Text",
                rights=CC_BY,
                more=[("description", "ΕΠΙΣΤΟΛΗ ΑΠΟ ΤΟ ΝΑΥΠΛΙΟ ΠΡΟΣ ΤΗΝ ΑΘΗΝΑ", "el")],
            ),
            collections=[plates],
        ),
        "undated": ArchiveItemFactory(dc=dc("Άγνωστος φωτογράφος", more=[("creator", "Νικόλαος Κοντός", "")])),
        "withdrawn": ArchiveItemFactory(
            dc=dc("Αποσυρμένο Ναύπλιο", date_text="1915", dc_type="StillImage"), withdrawn=True, places=[agora]
        ),
        "nowhere": ArchiveItemFactory(dc=dc("Κανενός Ναύπλιο", date_text="1915"), municipality=None),
        "nafplio": ArchiveItemFactory(
            municipality=nafplio,
            dc=dc("Το Ναύπλιο από τη θάλασσα", date_text="1911", dc_type="StillImage", rights=CC_BY),
            places=[bourtzi],
            collections=[foreign],
        ),
    }
    return {"items": items, "places": {"agora": agora, "plaka": plaka, "bourtzi": bourtzi}}


def titles(where: ArchiveFilter, sort: str = "title") -> list[str]:
    return [row.title for row in archive_page(where=where, sort=sort, limit=100)]


def independent_counts(municipality) -> dict[str, Counter]:
    """The facet counts with no filter, from the ORM rows (not from the selectors' SQL)."""
    counts: dict[str, Counter] = {name: Counter() for name in ("type", "decade", "place", "collection", "rights")}
    for item in ArchiveItem.objects.filter(municipality=municipality, withdrawn=False):
        if item.dc_type:
            counts["type"][item.dc_type] += 1
        if item.rights:
            counts["rights"][item.rights] += 1
        if item.date_from:
            for year in range(item.date_from.year // 10 * 10, item.date_to.year // 10 * 10 + 1, 10):
                counts["decade"][str(year)] += 1
        for place in item.places.filter(withdrawn=False):
            counts["place"][str(place.uid)] += 1
        for collection in item.collections.all():
            counts["collection"][collection.slug] += 1
    return counts


def test_facet_counts_match_an_independent_count_and_leave_out_other_municipalities(archive, athens):
    facets = archive_facets(where=ArchiveFilter(municipality=athens, language="el"))
    got = {name: Counter({v.key: v.count for v in values}) for name, values in facets.items()}
    assert got == independent_counts(athens)
    assert got["type"] == Counter({"StillImage": 2, "Text": 1})  # not the withdrawn one, nor Nafplio's
    assert str(archive["places"]["bourtzi"].uid) not in got["place"]
    names = {v.key: v.label for v in facets["collection"]}
    assert names == {"postcards": "Καρτ ποστάλ", "plates": "Γυάλινες πλάκες"}  # not Nafplio's "postcards"
    assert {v.label for v in facets["place"]} == {"Αρχαία Αγορά", "Πλάκα"}


def test_decades_of_intervals_and_decade_filters(archive, athens):
    item = archive["items"]["range"]
    assert (item.date_from, item.date_to) == (date(1912, 1, 1), date(1913, 12, 31))
    facets = archive_facets(where=ArchiveFilter(municipality=athens, language="el"))
    # 1912–1913 and "1910s" are of the 1910s; c. 1920 (1915–1925) of the 1910s and 1920s; undated of none
    assert [(v.key, v.count) for v in facets["decade"]] == [("1910", 3), ("1920", 1)]
    assert titles(ArchiveFilter(municipality=athens, language="el", decades=[1920])) == ["Επιστολή για το Ναύπλιο"]
    assert len(titles(ArchiveFilter(municipality=athens, language="el", decades=[1900]))) == 0
    assert archive_count(where=ArchiveFilter(municipality=athens, language="el", decades=[1910, 1920])) == 3


def test_facets_combine_and_each_is_counted_without_its_own_choice(archive, athens):
    agora = str(archive["places"]["agora"].uid)
    where = ArchiveFilter(municipality=athens, language="el", places=[agora], types=["StillImage"])
    assert titles(where) == ["Η Αγορά το 1912", "Η Πλάκα"]
    where = ArchiveFilter(municipality=athens, language="el", places=[agora], rights=[CC_BY], collections=["postcards"])
    assert titles(where) == ["Η Αγορά το 1912"]
    facets = archive_facets(where=ArchiveFilter(municipality=athens, language="el", types=["StillImage"]))
    # the type facet is counted without the type chosen (the other types stay offered, with their counts) ...
    assert {v.key: v.count for v in facets["type"]} == {"StillImage": 2, "Text": 1}
    # ... every other facet with it
    assert {v.key: v.count for v in facets["rights"]} == {CC_BY: 1, PDM: 1}
    assert {v.key: v.count for v in facets["collection"]} == {"postcards": 2, "plates": 1}


@pytest.mark.parametrize("typed", ["Ναύπλιο", "ναυπλιο", "ΝΑΥΠΛΙΟ", "Ναυπλίου", "nafplio", "ΝΑΎΠΛΙΟ επιστολη"])
def test_search_ignores_accents_case_and_script(archive, athens, typed):
    assert titles(ArchiveFilter(municipality=athens, language="el", text=typed)) == ["Επιστολή για το Ναύπλιο"]


@pytest.mark.parametrize("typed", ["Κοντός", "ΚΟΝΤΟΣ", "κοντοσ", "Κοντος"])
def test_search_final_sigma_in_creators(archive, athens, typed):
    """The creator «Κοντός»: the capital Σ, a medial σ at the end and no accent find it."""
    assert titles(ArchiveFilter(municipality=athens, language="el", text=typed)) == ["Άγνωστος φωτογράφος"]


def test_search_needs_every_word_and_never_reaches_another_municipality(archive, athens, nafplio):
    assert titles(ArchiveFilter(municipality=athens, language="el", text="Ναύπλιο Πλάκα")) == []
    assert titles(ArchiveFilter(municipality=nafplio, language="el", text="Ναύπλιο")) == ["Το Ναύπλιο από τη θάλασσα"]
    facets = archive_facets(where=ArchiveFilter(municipality=athens, language="el", text="Ναύπλιο"))
    assert {v.key: v.count for v in facets["type"]} == {"Text": 1}


def test_sorting_by_title_with_the_greek_collation_and_by_date(archive, athens):
    where = ArchiveFilter(municipality=athens, language="el")
    # Greek collation: Ά sorts with Α (a byte order would put it after Ω)
    assert titles(where) == ["Άγνωστος φωτογράφος", "Επιστολή για το Ναύπλιο", "Η Αγορά το 1912", "Η Πλάκα"]
    assert titles(where, "date") == ["Η Πλάκα", "Η Αγορά το 1912", "Επιστολή για το Ναύπλιο", "Άγνωστος φωτογράφος"]
    assert titles(where, "-date") == ["Επιστολή για το Ναύπλιο", "Η Πλάκα", "Η Αγορά το 1912", "Άγνωστος φωτογράφος"]


def test_values_in_the_visitors_language_else_without_one_else_any():
    item = ArchiveItemFactory(
        dc=[
            ("title", "Η πλατεία", "el"),
            ("title", "The square", "en"),
            ("description", "Χωρίς γλώσσα", ""),
            ("description", "Only English", "en-GB"),
            ("subject", "πλατείες", "el"),
            ("coverage", "Αθήνα", "el"),
            ("coverage", "Athens, Attica", ""),
            ("creator", "Κοντός", "el"),
            ("creator", "Kontos", "fr"),
        ]
    )
    english = archive_item_values(item=item, languages=["en", "el"])
    assert [v.value for v in english["title"]] == ["The square"]
    assert [(v.value, v.language) for v in english["description"]] == [("Only English", "en-GB")]
    assert [(v.value, v.language) for v in english["subject"]] == [("πλατείες", "el")]  # the fallback, marked
    assert [v.value for v in english["coverage"]] == ["Athens, Attica"]  # without a language before the fallback
    assert [v.value for v in english["creator"]] == ["Κοντός"]  # the fallback (Greek) before another language
    greek = archive_item_values(item=item, languages=["el"])
    assert [v.value for v in greek["description"]] == ["Χωρίς γλώσσα"]
    french = archive_item_values(item=item, languages=["fr"])
    assert [v.value for v in french["creator"]] == ["Kontos"]
    assert [(v.value, v.language) for v in french["subject"]] == [("πλατείες", "el")]  # none in fr nor without: all


def test_items_of_a_place(archive, athens):
    rows, total = archive_items_of_place(place=archive["places"]["agora"], language="el", limit=1)
    assert total == 2 and [row.title for row in rows] == ["Η Πλάκα"]  # oldest first; the withdrawn one not counted


def test_the_search_is_served_by_the_indexes_of_migration_0015(archive, athens):
    """On 4,000 more values (analysed), the plan of a search reads the three GIN indexes: the selectors'
    expressions and elements are the indexes' (an index whose expression differs by a cast is never used)."""
    from django.db import connection
    from psycopg import sql

    from gis.archive_selectors import _source
    from gis.models import ArchiveValue

    filler = ArchiveItem.objects.bulk_create(
        ArchiveItem(municipality=athens, name_el=f"Γέμισμα {n}", source_id=f"filler-{n}") for n in range(1000)
    )
    ArchiveValue.objects.bulk_create(
        ArchiveValue(item=item, element=element, value=f"{element} λιμάνι πλατεία {n}", language="el")
        for n, item in enumerate(filler)
        for element in ("title", "description", "subject", "creator")
    )
    source, params = _source(ArchiveFilter(municipality=athens, language="el", text="Ναύπλιο"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE xgis_archivevalue")
        cursor.execute("ANALYZE xgis_archiveitem")
        cursor.execute(sql.SQL("EXPLAIN SELECT count(*) {}").format(source), params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in ("archivevalue_search_el", "archivevalue_search_en", "archivevalue_search_latin"):
        assert index in plan, plan
    assert archive_count(where=ArchiveFilter(municipality=athens, language="el", text="Ναύπλιο")) == 1
