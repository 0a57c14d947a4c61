"""A file with English names only is not made to call them Greek: the guess declares the name column English (its
values are in Latin script only), the record keeps the Greek name empty, and the Greek pages fall back to the English
name."""

import pytest
from bs4 import BeautifulSoup
from django.utils import translation

from gis.models import Place, PlaceText
from gis.services import dataset_upsert
from importers.mapping import Mapping, latin_only, mapping_guess, mapping_guess_file
from importers.services import places_import

from .helpers import DATA, greek_grid_shapefile

ENGLISH = DATA / "athens_monuments_en.csv"
HOST = {"HTTP_HOST": "athens.localhost"}


def test_a_name_column_in_latin_script_is_guessed_english():
    rows = [["id", "title"], ["1", "Agora Mint"], ["2", "Stoa of Attalos"]]
    assert mapping_guess(["id", "title"], rows=rows).fields == {"source_id": "id", "name_en": "title"}
    greek = [["id", "title"], ["1", "Νομισματοκοπείο"], ["2", "Stoa of Attalos"]]
    assert mapping_guess(["id", "title"], rows=greek).fields == {"source_id": "id", "name_el": "title"}
    both = [["id", "name", "name_en"], ["1", "Pnyx", "Pnyx"]]
    assert mapping_guess(["id", "name", "name_en"], rows=both).fields == {"source_id": "id", "name_en": "name_en"}
    assert not latin_only(["", "  "]) and not latin_only(["1821"]) and latin_only(["Pnyx", ""])


def test_the_guess_for_the_english_file(tmp_path):
    guessed = mapping_guess_file(ENGLISH)
    assert guessed.fields == {"source_id": "id", "name_en": "name", "wikidata": "wikidata", "pleiades": "pleiades"}
    greek = mapping_guess_file(greek_grid_shapefile(tmp_path))
    assert greek.fields == {"source_id": "KODIKOS", "name_el": "ONOMA"}


@pytest.mark.django_db
def test_an_english_only_file_is_stored_as_english_and_greek_falls_back_to_it(client, athens):
    dataset = dataset_upsert(slug="athens-en", title="Monuments (English)", licence="CC BY 3.0", attribution="x")
    report = places_import(path=ENGLISH, dataset=dataset, mapping=mapping_guess_file(ENGLISH), municipality=athens)
    assert report.counts["rejected"] == 0
    tower = Place.objects.get(dataset=dataset, source_id="EN-5")
    assert (tower.name_el, tower.name_en) == ("", "Tower of the Winds")  # no English text posing as Greek
    texts = dict(PlaceText.objects.filter(place=tower).values_list("language", "name"))
    assert texts == {"el": "Tower of the Winds", "en": "Tower of the Winds"}
    for language in ("en", "el"):
        response = client.get(f"/{language}/places/p/{tower.uid}/", **HOST)
        assert response.status_code == 200
        soup = BeautifulSoup(response.content, "html.parser")
        assert soup.h1.get_text(strip=True) == "Tower of the Winds"
    with translation.override("el"):
        assert tower.name == "Tower of the Winds"


@pytest.mark.django_db
def test_a_greek_name_from_a_later_file_replaces_the_fallback(athens, tmp_path):
    dataset = dataset_upsert(slug="athens-en", title="Monuments (English)", licence="CC BY 3.0", attribution="x")
    path = tmp_path / "tower.csv"
    path.write_text("id,name,latitude,longitude\nT1,Tower of the Winds,37.97439,23.72722\n", encoding="utf-8")
    places_import(path=path, dataset=dataset, mapping=Mapping(fields={"source_id": "id", "name_en": "name"}))
    path.write_text(
        "id,name,onoma,latitude,longitude\nT1,Tower of the Winds,Αέρηδες,37.97439,23.72722\n", encoding="utf-8"
    )
    mapping = Mapping(fields={"source_id": "id", "name_en": "name", "name_el": "onoma"})
    report = places_import(path=path, dataset=dataset, mapping=mapping)
    assert report.counts["update"] == 1
    tower = Place.objects.get(dataset=dataset, source_id="T1")
    texts = dict(PlaceText.objects.filter(place=tower).values_list("language", "name"))
    assert (tower.name_el, texts) == ("Αέρηδες", {"el": "Αέρηδες", "en": "Tower of the Winds"})


@pytest.mark.django_db
def test_a_row_without_any_name_is_rejected(athens, tmp_path):
    dataset = dataset_upsert(slug="athens-en", title="Monuments (English)", licence="CC BY 3.0", attribution="x")
    path = tmp_path / "blank.csv"
    path.write_text("id,name,latitude,longitude\nT1,,37.97439,23.72722\nT2,Pnyx,37.9714,23.7195\n", encoding="utf-8")
    report = places_import(path=path, dataset=dataset, mapping=Mapping(fields={"source_id": "id", "name_en": "name"}))
    assert [(item["source_id"], item["field"], item["reason"]) for item in report.rejected] == [
        ("T1", "name", "empty name")
    ]
