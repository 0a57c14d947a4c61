"""A new feature with the Wikidata or Pleiades id of an existing place of the municipality (any dataset) is offered as
a match to link, not silently duplicated; one close to a place with a similar name is reported as a possible
duplicate. The demo has «Παρθενώνας» (Q10288), «Ακρόπολη Αθηνών» (Q131013, Pleiades 638356144) and «Πνύκα» (Pleiades
205264674, no Wikidata id) in Athens."""

import csv
from io import StringIO

import pytest
from django.core.management import call_command

from gis.models import Place, PlaceText
from gis.services import dataset_upsert
from importers.mapping import Mapping
from importers.matching import names_similar
from importers.services import places_import

from .helpers import DATA
from .test_import_places import snapshot

pytestmark = pytest.mark.django_db
ENGLISH = DATA / "athens_monuments_en.csv"
FIELDS = {"source_id": "id", "name_en": "name", "wikidata": "wikidata", "pleiades": "pleiades"}


@pytest.fixture
def dataset():
    return dataset_upsert(slug="athens-en", title="Monuments (English)", licence="CC BY 3.0", attribution="Pleiades")


def demo(pleiades: str) -> Place:
    return Place.objects.get(dataset__slug="pleiades-demo", source_id=pleiades)


def test_features_with_an_existing_places_id_are_linked_not_duplicated(dataset, athens):
    parthenon = demo("168254096")
    before = Place.objects.filter(municipality=athens).count()
    report = places_import(path=ENGLISH, dataset=dataset, mapping=Mapping(fields=FIELDS), municipality=athens)
    assert (report.counts["matched"], report.counts["link"], report.counts["create"]) == (3, 3, 2)
    by_feature = {item["feature"]: item for item in report.matched}
    assert by_feature[1]["place_uid"] == str(parthenon.uid) and by_feature[1]["by"] == "wikidata"
    assert by_feature[1]["place_name"] == "Παρθενώνας" and by_feature[1]["distance_m"] == 0
    assert by_feature[2]["by"] == "wikidata"  # the Acropolis has both ids: Wikidata is tried first
    assert by_feature[3]["by"] == "pleiades" and by_feature[3]["place_name"] == "Πνύκα"
    assert sorted(Place.objects.filter(dataset=dataset).values_list("source_id", flat=True)) == ["EN-4", "EN-5"]
    assert Place.objects.filter(municipality=athens).count() == before + 2
    assert not Place.objects.filter(name_en="Parthenon").exclude(pk=parthenon.pk).exists()
    parthenon_after = demo("168254096")
    assert (parthenon_after.name_el, parthenon_after.name_en, parthenon_after.location) == (
        parthenon.name_el,
        parthenon.name_en,
        parthenon.location,
    )  # a link overwrites nothing
    assert any("3 rows have the Wikidata or Pleiades id" in warning for warning in report.warnings)


def test_the_dry_run_counts_the_matches_and_changes_nothing(dataset, athens):
    before = snapshot()
    report = places_import(
        path=ENGLISH, dataset=dataset, mapping=Mapping(fields=FIELDS), municipality=athens, dry_run=True
    )
    assert report.counts["matched"] == 3 and report.counts["link"] == 3 and report.counts["create"] == 2
    assert {f["properties"]["action"] for f in report.preview} == {"link", "create"}
    assert snapshot() == before


def test_a_reimport_of_a_linked_file_writes_nothing(dataset, athens):
    places_import(path=ENGLISH, dataset=dataset, mapping=Mapping(fields=FIELDS), municipality=athens)
    before = snapshot()
    report = places_import(path=ENGLISH, dataset=dataset, mapping=Mapping(fields=FIELDS), municipality=athens)
    assert report.counts["link"] == 3 and report.counts["unchanged"] == 2 and report.counts["create"] == 0
    assert report.written["link"] == 0
    after = snapshot()
    assert after["places"] == before["places"] and after["texts"] == before["texts"]


@pytest.mark.parametrize(("choice", "created", "skipped"), [("create", 5, 0), ("skip", 2, 3)])
def test_matches_can_be_imported_as_new_or_skipped(dataset, athens, choice, created, skipped):
    mapping = Mapping(fields=FIELDS, matches=choice)
    report = places_import(path=ENGLISH, dataset=dataset, mapping=mapping, municipality=athens)
    assert report.counts["matched"] == 3
    assert (report.counts["create"], report.counts["skip"], report.counts["link"]) == (created, skipped, 0)
    assert Place.objects.filter(dataset=dataset).count() == created


def test_a_link_fills_only_what_the_place_lacks(dataset, athens, tmp_path):
    pnyx = demo("205264674")
    assert pnyx.wikidata == ""
    path = tmp_path / "pnyx.csv"
    # Q999999999: a made-up id, which the Pnyx lacks; the English name differs from the demo's and must not win
    path.write_text("id,name,latitude,longitude,wikidata,pleiades\nP1,Pnyx hill,37.9714,23.7195,Q999999999,205264674\n")
    report = places_import(path=path, dataset=dataset, mapping=Mapping(fields=FIELDS), municipality=athens)
    assert report.counts["link"] == 1 and report.written["link"] == 1
    assert report.matched[0]["fills"] == ["wikidata"]
    pnyx.refresh_from_db()
    assert (pnyx.wikidata, pnyx.name_en, pnyx.dataset.slug) == ("Q999999999", "Pnyx", "pleiades-demo")


def test_a_place_of_another_municipality_is_never_matched(dataset, athens, nafplio, tmp_path):
    assert demo("570740").municipality == nafplio  # Tiryns
    rows = list(csv.DictReader(ENGLISH.open(encoding="utf-8")))
    rows[4]["pleiades"] = "570740"  # Tiryns' id, on a point in Athens
    path = tmp_path / "tiryns.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = places_import(path=path, dataset=dataset, mapping=Mapping(fields=FIELDS), municipality=athens)
    assert "EN-5" not in {item["source_id"] for item in report.matched} and report.counts["matched"] == 3
    assert Place.objects.get(dataset=dataset, source_id="EN-5").municipality == athens


def test_a_new_place_near_one_with_a_similar_name_is_a_possible_duplicate(dataset, athens):
    report = places_import(path=ENGLISH, dataset=dataset, mapping=Mapping(fields=FIELDS), municipality=athens)
    duplicates = report.possible_duplicates
    assert [(item["source_id"], item["place_name"]) for item in duplicates] == [("EN-4", "Ηφαιστείο")]
    assert 15 <= duplicates[0]["distance_m"] <= 25
    assert Place.objects.filter(dataset=dataset, source_id="EN-4").exists()  # a hint, not a merge
    assert any("within 50 m of an existing place with a similar name" in warning for warning in report.warnings)


def test_names_agree_across_scripts_accents_and_case():
    assert names_similar(["Parthenon"], ["Παρθενώνας"])
    assert names_similar(["Akropoli"], ["ΑΚΡΟΠΟΛΗ"])
    assert names_similar(["Temple of Hephaestus"], ["Ηφαιστείο", "Temple of Hephaestus"])
    assert not names_similar(["Tower of the Winds"], ["Ρωμαϊκή Αγορά", "Roman Agora"])
    assert names_similar(["Acropolis"], ["Ακρόπολη Αθηνών", "Acropolis of Athens"])
    assert not names_similar(["Preclassical naiskos in the Parthenon"], ["Παρθενώνας", "Parthenon"])
    assert not names_similar([""], [""])


def test_the_command_line_has_the_same_choice_with_the_same_default(dataset, athens, tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(Mapping(fields=FIELDS).to_toml(), encoding="utf-8")
    common = [str(ENGLISH), "--dataset", dataset.slug, "--mapping", str(mapping), "--municipality", athens.code]
    out = StringIO()
    call_command("import_places", *common, "--dry-run", stdout=out)
    assert "by Wikidata/Pleiades id: 3 (linked: 3, skipped: 0, imported as new: 0)" in out.getvalue()
    assert "'Παρθενώνας' (Pleiades gazetteer (demo selection), 0 m away)" in out.getvalue()
    assert "possible duplicate: row 4 (id EN-4) Temple of Hephaestus" in out.getvalue()
    out = StringIO()
    call_command("import_places", *common, "--matches", "skip", stdout=out)
    assert "(linked: 0, skipped: 3, imported as new: 0)" in out.getvalue()
    assert sorted(Place.objects.filter(dataset=dataset).values_list("source_id", flat=True)) == ["EN-4", "EN-5"]
    assert PlaceText.objects.filter(place__dataset=dataset).count() == 4
