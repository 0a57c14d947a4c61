"""Languages in one place (gis.languages): a third locale, German, added through settings alone — no migration — gets
names by its fallback order, vocabulary labels with fallbacks, its own collation and its own stemmer, through the same
selectors and API queries as Greek and English; and Greek and English behave as before."""

import json

import pytest
from django.contrib.gis.geos import Point
from django.core.checks import Error
from django.utils import translation
from wagtail.models import Locale

from gis import selectors
from gis.api import queries
from gis.api.collections import Collection
from gis.api.kinds import BOUNDARIES, PLACES
from gis.checks import check_language_database, check_language_rules
from gis.languages import collate_sql, fallback_order, language_rules, localized, name_order
from gis.models import Category, Period, PlaceText
from gis.search import search_params
from gis.services import dataset_upsert, place_text_publish, place_upsert

THREE = [("el", "Ελληνικά"), ("en", "English"), ("de", "Deutsch")]
GERMAN_RULES = {"de": {"search_config": "german", "collation": "de-x-icu", "fallback": ["en", "el"]}}
SPOT = (23.7400, 37.9800)  # in Athens, away from the demo's places (WGS 84 degrees)


@pytest.fixture
def three_languages(settings):
    """German as a third language, by settings alone."""
    settings.LANGUAGES = settings.WAGTAIL_CONTENT_LANGUAGES = THREE
    settings.XENAGOS_LANGUAGE_RULES = GERMAN_RULES


@pytest.fixture
def german(three_languages, db):
    """The German locale: a row, as an administrator adds it in Wagtail's Locales screen (no migration)."""
    return Locale.objects.create(language_code="de")


@pytest.fixture
def dataset(db):
    return dataset_upsert(slug="test-languages", title="test", licence="CC0", attribution="test")


def _place(dataset, source_id: str, *, offset: float = 0.0, **fields):
    location = Point(SPOT[0] + offset, SPOT[1], srid=4326)
    return place_upsert(dataset=dataset, source_id=source_id, location=location, **fields)


def _translate(model, slug: str, locale: Locale, name: str):
    source = model.objects.get(slug=slug, locale__language_code="el")
    translation_row = source.copy_for_translation(locale)
    translation_row.name = name
    translation_row.save()
    return translation_row


def _names(where: selectors.PlaceFilter, wanted: set[str]) -> list[str]:
    features = selectors.places_page(where=where, limit=1000)
    return [f["properties"]["name"] for f in features if f["properties"]["name"] in wanted]


def _api_feature(language: str, uid: str) -> dict:
    collection = Collection(kind=PLACES)
    page = queries.features_page(collection=collection, values={}, language=language, limit=10000, offset=0, members={})
    features = json.loads(page.document)["features"]
    return next(feature for feature in features if feature["id"] == uid)


def test_rules_of_greek_and_english_are_as_before():
    assert fallback_order("el") == ["el"]
    assert fallback_order("en") == ["en", "el"]
    assert name_order("el") == ["el", "en"]  # Greek of a source with English names only: the English name
    assert name_order("en") == ["en", "el"]
    assert (language_rules("el").search_config, language_rules("el").collation) == ("xenagos_el", "el-x-icu")
    assert (language_rules("en").search_config, language_rules("en").collation) == ("xenagos_en", "en-x-icu")
    assert language_rules("en-gb").code == "en" and language_rules("de").code == "el"  # not configured: the source
    assert len(search_params("q")) == 3  # Greek, English, transliteration: each branch reads its GIN index


def test_rules_of_a_third_language_come_from_settings(three_languages, settings):
    rules = language_rules("de")
    assert (rules.search_config, rules.collation, fallback_order("de")) == ("german", "de-x-icu", ["de", "en", "el"])
    assert name_order("de") == ["en", "el"]  # no name_de column: English, then Greek
    assert collate_sql("de") == 'COLLATE "de-x-icu"'
    settings.XENAGOS_LANGUAGE_RULES = {}
    rules = language_rules("de")  # without a rule: searched as stored, sorted by its ICU locale, English then Greek
    assert (rules.search_config, rules.collation, fallback_order("de")) == (
        "xenagos_en",
        "de-x-icu",
        ["de", "en", "el"],
    )
    with translation.override("de"):
        assert localized({"el": "Ακρόπολη", "en": "Acropolis"}) == "Acropolis"
        assert localized({"el": "Ακρόπολη", "en": ""}) == "Ακρόπολη"


def test_a_place_with_greek_and_english_names_is_named_in_english_in_german(german, dataset, athens):
    both = _place(dataset, "both", name_el="Παλιό Λουτρό", name_en="Old Bathhouse")
    greek = _place(dataset, "greek", offset=0.0001, name_el="Μόνο Ελληνικά")
    assert PlaceText.objects.get(place=both, language="de").name == "Old Bathhouse"  # source texts, per language
    with translation.override("de"):
        assert (both.name, greek.name, athens.name) == ("Old Bathhouse", "Μόνο Ελληνικά", "Athens")
    with translation.override("el"):
        assert (both.name, athens.name) == ("Παλιό Λουτρό", "Αθηναίων")
    PlaceText.objects.filter(language="de").delete()  # a language added after the import: no German rows yet
    where = selectors.PlaceFilter(municipality=athens, language="de")
    assert _names(where, {"Old Bathhouse", "Μόνο Ελληνικά", "Παλιό Λουτρό"}) == [
        "Old Bathhouse",
        "Μόνο Ελληνικά",
    ]  # de-x-icu: Latin script first
    near = selectors.places_near(point=both.location, language="de", radius_m=50, limit=5)
    assert {item.name for item in near} == {"Old Bathhouse", "Μόνο Ελληνικά"}
    feature = _api_feature("de", str(both.uid))
    assert feature["properties"]["name"] == "Old Bathhouse"
    assert feature["properties"]["municipality_name"] == "Athens"
    boundaries = json.loads(
        queries.features_page(
            collection=Collection(kind=BOUNDARIES), values={}, language="de", limit=10, offset=0, members={}
        ).document
    )["features"]
    assert {f["properties"]["name"] for f in boundaries} >= {"Athens", "Nafplio"}


def test_vocabularies_fall_back_row_by_row(german, dataset, athens):
    castle = _translate(Category, "castle", german, "Burg oder Festung")
    _translate(Period, "roman", german, "Römerzeit")
    names = [category.name for category in selectors.categories(language="de")]
    assert "Burg oder Festung" in names and "Monument" in names  # German where there is a row, else English
    assert "Castle or fortification" not in names and "Μνημείο" not in names
    assert len(names) == Category.objects.filter(locale__language_code="el").count()
    assert [p.name for p in selectors.periods(language="de")][5:7] == ["Römerzeit", "Byzantine"]
    assert [c.name for c in selectors.categories(language="en")][:2] == ["Archaeological site", "Monument"]
    greek_castle = Category.objects.get(slug="castle", locale__language_code="el")
    assert selectors.vocabulary_in(greek_castle, language="de") == castle
    monument = Category.objects.get(slug="monument", locale__language_code="el")
    assert selectors.vocabulary_in(monument, language="de").name == "Monument"
    assert selectors.vocabulary_in(monument, language="el") == monument
    choices = dict(selectors.vocabulary_choices(model=Category, language="de"))
    assert (choices[greek_castle.pk], choices[monument.pk]) == ("Burg oder Festung", "Monument")

    place = _place(dataset, "fort", name_el="Κάστρο", name_en="Fort", category="castle", periods=["roman", "byzantine"])
    feature = _api_feature("de", str(place.uid))["properties"]
    assert (feature["category_name"], feature["period_names"]) == ("Burg oder Festung", ["Römerzeit", "Byzantine"])
    feature = _api_feature("en", str(place.uid))["properties"]
    assert (feature["category_name"], feature["period_names"]) == ("Castle or fortification", ["Roman", "Byzantine"])
    feature = _api_feature("el", str(place.uid))["properties"]
    assert (feature["category_name"], feature["period_names"]) == ("Κάστρο ή οχύρωση", ["Ρωμαϊκή", "Βυζαντινή"])


def test_lists_sort_with_the_language_collation(german, dataset, athens, settings):
    words = ["Birne", "Äpfel", "Apfel", "Zwetschge"]
    for index, word in enumerate(words):
        place = _place(dataset, word, offset=index * 0.0001, name_el=f"Φρούτο {index}")
        place_text_publish(place=place, language="de", name=word, summary="", url="")
    where = selectors.PlaceFilter(municipality=athens, language="de")
    assert _names(where, set(words)) == ["Apfel", "Äpfel", "Birne", "Zwetschge"]  # byte order puts Äpfel last
    settings.XENAGOS_LANGUAGE_RULES = {"de": {**GERMAN_RULES["de"], "collation": "sv-x-icu"}}
    assert _names(where, set(words)) == ["Apfel", "Birne", "Zwetschge", "Äpfel"]  # Swedish: Ä after Z

    greek = ["Βράχος", "Άρτεμις", "Αγορά", "Ωδείο", "Άγιος"]
    for index, word in enumerate(greek):
        _place(dataset, f"gr-{index}", offset=0.001 + index * 0.0001, name_el=word)
    with translation.override("el"):
        where = selectors.PlaceFilter(municipality=athens, language="el")
        assert _names(where, set(greek)) == ["Άγιος", "Αγορά", "Άρτεμις", "Βράχος", "Ωδείο"]


def test_german_text_is_searched_with_the_german_stemmer(german, dataset, athens, settings):
    houses = _place(dataset, "houses", name_el="Σπίτια της Πλάκας", name_en="Plaka homes")
    place_text_publish(place=houses, language="de", name="Häuser der Plaka", summary="", url="")
    house = _place(dataset, "house", offset=0.0001, name_el="Παλιό σπίτι", name_en="Old home")
    place_text_publish(place=house, language="de", name="Altes Haus", summary="Ein Haus am Hang", url="")

    def found(text: str, language: str = "de") -> set[str]:
        where = selectors.PlaceFilter(municipality=athens, language=language, text=text)
        return {feature["properties"]["name"] for feature in selectors.places_page(where=where, limit=100)}

    assert found("Haus") == {"Häuser der Plaka", "Altes Haus"}
    assert found("Häuser") == {"Häuser der Plaka", "Altes Haus"}  # german: häuser -> haus
    assert found("Häuser", "el") == {"Σπίτια της Πλάκας", "Παλιό σπίτι"}  # every language's text, any page
    assert found("Ακρόπολη")  # the Greek text is still found on the German map
    assert selectors.places_count(where=selectors.PlaceFilter(municipality=athens, language="de", text="Plakas")) == 1
    settings.XENAGOS_LANGUAGE_RULES = {}  # German searched as stored (English stemmer): no German stemming
    assert found("Häuser") == {"Häuser der Plaka"}


def test_the_start_up_check_names_what_the_database_lacks(three_languages, settings, db):
    assert check_language_database(databases=["default"]) == []
    assert check_language_rules() == []
    settings.XENAGOS_LANGUAGE_RULES = {"de": {"search_config": "klingon", "collation": "tlh-x-icu"}}
    errors = check_language_database(databases=["default"])
    assert [(type(e), e.id) for e in errors] == [(Error, "xgis.E005")] * 2
    assert "collation 'tlh-x-icu'" in errors[0].msg and "text search configuration 'klingon'" in errors[1].msg
    settings.XENAGOS_LANGUAGE_RULES = {"fr": {}, "de": {"fallback": ["it"], "colation": "de-x-icu"}}
    assert [e.id for e in check_language_rules()] == ["xgis.E004"] * 3
