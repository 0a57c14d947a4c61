"""Importing places into PostGIS: keyed on (dataset, source id), idempotent, atomic, editors' work untouched."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from pyproj import Geod
from wagtail.models import Locale

from content.models import PlacePage
from gis.models import Place, PlaceText
from gis.services import dataset_upsert
from importers.errors import MappingError
from importers.mapping import Mapping
from importers.models import ImportMapping, ImportRun
from importers.services import places_import

from .helpers import CHECK_LAT, CHECK_LON, GREEK_NAMES, PLEIADES, greek_grid_shapefile

pytestmark = pytest.mark.django_db
GEOD = Geod(ellps="WGS84")
PLEIADES_MAPPING = Mapping(fields={"source_id": "pleiades_id", "name_el": "title"})
DEMO_PLACES = PLEIADES.parents[3] / "site" / "xenagos" / "demo" / "places.geojson"
ACROPOLIS = "638356144"


@pytest.fixture
def dataset():
    return dataset_upsert(slug="pleiades-test", title="Pleiades (test)", licence="CC BY 3.0", attribution="Pleiades")


def features(path=PLEIADES) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def write_features(path, items: list[dict]):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": items}, ensure_ascii=False), "utf-8")
    return path


def snapshot() -> dict:
    """Everything an import could write, row by row (xmin shows whether a row was rewritten)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, xmin::text, md5(t::text) FROM xgis_place t ORDER BY id")
        places = cursor.fetchall()
        cursor.execute("SELECT id, xmin::text, md5(t::text) FROM xgis_placetext t ORDER BY id")
        texts = cursor.fetchall()
        cursor.execute("SELECT place_id, period_id FROM xgis_place_periods ORDER BY 1, 2")
        periods = cursor.fetchall()
    return {
        "places": places,
        "texts": texts,
        "periods": periods,
        "runs": ImportRun.objects.count(),
        "mappings": list(ImportMapping.objects.values_list("dataset_id", "rules")),
    }


def test_first_import_creates_places_texts_and_municipalities(dataset, athens, nafplio):
    report = places_import(path=PLEIADES, dataset=dataset, mapping=PLEIADES_MAPPING)
    items = features()
    assert report.counts["create"] == len(items) == 49 and report.counts["rejected"] == 0
    places = Place.objects.filter(dataset=dataset)
    in_athens = sum("ΑΘΗΝΑΙΩΝ" in f["properties"]["muni_name_gr"] for f in items)
    assert places.filter(municipality=athens).count() == in_athens
    assert places.filter(municipality=nafplio).count() == len(items) - in_athens
    mint = places.get(source_id="100638613")
    lon, lat = next(f["geometry"]["coordinates"] for f in items if f["properties"]["pleiades_id"] == "100638613")
    assert GEOD.inv(mint.location.x, mint.location.y, lon, lat)[2] < 0.01
    assert mint.source_attributes["names"] == "Mint | Agora Mint"
    texts = PlaceText.objects.filter(place__dataset=dataset)
    assert texts.count() == 2 * len(items) and not texts.filter(from_page=True).exists()
    assert set(texts.filter(place=mint).values_list("language", "name")) == {("el", "Agora Mint"), ("en", "Agora Mint")}
    run = ImportRun.objects.get(dataset=dataset)
    assert run.status == ImportRun.Status.SUCCEEDED and run.report["counts"]["create"] == 49
    assert ImportMapping.objects.get(dataset=dataset).rules["fields"] == PLEIADES_MAPPING.fields


def test_reimport_of_an_unchanged_file_writes_nothing(dataset):
    places_import(path=PLEIADES, dataset=dataset, mapping=PLEIADES_MAPPING)
    before = snapshot()
    report = places_import(path=PLEIADES, dataset=dataset, mapping=PLEIADES_MAPPING)
    assert report.counts["unchanged"] == 49
    assert report.counts["create"] == report.counts["update"] == report.counts["withdraw"] == 0
    after = snapshot()
    assert after["places"] == before["places"] and after["texts"] == before["texts"]  # same xmin: no row rewritten
    assert after["runs"] == before["runs"] + 1  # the history still records the import


def test_changed_and_missing_features(dataset, tmp_path):
    places_import(path=PLEIADES, dataset=dataset, mapping=PLEIADES_MAPPING)
    items = features()
    renamed, moved, dropped = items[0], items[1], items.pop(2)
    renamed["properties"]["title"] = "Νομισματοκοπείο της Αγοράς"
    moved["geometry"]["coordinates"][0] += 0.001
    report = places_import(
        path=write_features(tmp_path / "v2.geojson", items), dataset=dataset, mapping=PLEIADES_MAPPING
    )
    assert (report.counts["update"], report.counts["withdraw"], report.counts["unchanged"]) == (2, 1, 46)
    changed = {row["source_id"]: row["changed"] for row in report.updated}
    assert "name_el" in changed[renamed["properties"]["pleiades_id"]]
    assert "location" in changed[moved["properties"]["pleiades_id"]]
    assert [row["source_id"] for row in report.withdrawn] == [dropped["properties"]["pleiades_id"]]
    gone = Place.objects.get(dataset=dataset, source_id=dropped["properties"]["pleiades_id"])
    assert gone.withdrawn  # hidden, not deleted
    text = PlaceText.objects.get(place__source_id=renamed["properties"]["pleiades_id"], language="el")
    assert text.name == "Νομισματοκοπείο της Αγοράς"
    report = places_import(path=PLEIADES, dataset=dataset, mapping=PLEIADES_MAPPING)  # it comes back
    assert report.counts["update"] == 3 and report.counts["withdraw"] == 0
    gone.refresh_from_db()
    assert not gone.withdrawn


def test_reimport_leaves_an_editors_translated_page_untouched(tmp_path):
    """The demo's Acropolis has a Greek page and an English translation (wagtail-localize)."""
    place = Place.objects.get(dataset__slug="pleiades-demo", source_id=ACROPOLIS)
    english = Locale.objects.get(language_code="en")
    page_en = PlacePage.objects.get(place=place, locale=english)
    summary_en, revisions_en = page_en.summary, page_en.revisions.count()
    editor_texts = list(
        PlaceText.objects.filter(place=place, from_page=True).values_list("language", "name", "summary")
    )
    assert {language for language, *_ in editor_texts} == {"el", "en"}
    items = features(DEMO_PLACES)
    for item in items:
        if item["properties"]["pleiades_id"] == ACROPOLIS:
            item["properties"]["name_el"] = "Ακρόπολη (νέα ονομασία της υπηρεσίας)"
            item["properties"]["name_en"] = "Acropolis (new name from the GIS office)"
    mapping = Mapping(fields={"source_id": "pleiades_id", "name_el": "name_el", "name_en": "name_en"})
    report = places_import(
        path=write_features(tmp_path / "demo.geojson", items), dataset=place.dataset, mapping=mapping
    )
    assert report.counts["update"] >= 1
    place.refresh_from_db()
    assert place.name_en == "Acropolis (new name from the GIS office)"  # the source's field follows the source
    page_en.refresh_from_db()
    assert page_en.summary == summary_en and page_en.revisions.count() == revisions_en
    after = list(PlaceText.objects.filter(place=place, from_page=True).values_list("language", "name", "summary"))
    assert after == editor_texts


def test_a_failed_import_leaves_the_database_exactly_as_it_was(dataset, tmp_path):
    places_import(path=PLEIADES, dataset=dataset, mapping=PLEIADES_MAPPING)
    items = features()
    items[0]["properties"]["title"] = "Άλλο όνομα"
    changed = write_features(tmp_path / "v2.geojson", items[:-5])
    before = snapshot()

    def crash(stage, done, total):
        if stage == "done":  # every write of the import has been made by now
            raise RuntimeError("the worker was stopped")

    with pytest.raises(RuntimeError, match="worker was stopped"):
        places_import(path=changed, dataset=dataset, mapping=PLEIADES_MAPPING, progress=crash)
    assert snapshot() == before


def test_dry_run_reports_and_changes_nothing(dataset, tmp_path):
    before = snapshot()
    report = places_import(path=PLEIADES, dataset=dataset, mapping=PLEIADES_MAPPING, dry_run=True)
    assert report.dry_run and report.counts["create"] == 49 and len(report.preview) == 49
    assert {f["properties"]["action"] for f in report.preview} == {"create"}
    assert snapshot() == before


def test_greek_grid_shapefile_import_lands_on_the_check_point(tmp_path):
    dataset = dataset_upsert(slug="town-monuments", title="Μνημεία", licence="CC BY 4.0", attribution="Δήμος")
    shp = greek_grid_shapefile(tmp_path)
    mapping = Mapping(fields={"source_id": "KODIKOS", "name_el": "ONOMA"})
    report = places_import(path=shp, dataset=dataset, mapping=mapping)
    assert report.source["encoding"] == "Windows-1253 (Greek)" and report.source["epsg"] == 2100
    place = Place.objects.get(dataset=dataset, source_id="1")
    assert place.name_el == GREEK_NAMES[0]
    assert GEOD.inv(place.location.x, place.location.y, CHECK_LON, CHECK_LAT)[2] < 1.0
    assert place.municipality.code == "9186"


def test_duplicate_ids_and_empty_names_are_rejected_with_their_feature(dataset, tmp_path):
    items = features()[:4]
    items[2]["properties"]["pleiades_id"] = items[0]["properties"]["pleiades_id"]
    items[3]["properties"]["title"] = "  "
    report = places_import(
        path=write_features(tmp_path / "d.geojson", items), dataset=dataset, mapping=PLEIADES_MAPPING
    )
    assert report.counts["create"] == 2
    assert [(r["feature"], r["field"]) for r in report.rejected] == [(3, "pleiades_id"), (4, "title")]
    assert "also used by feature 1" in report.rejected[0]["reason"]


def test_categories_through_the_mapping(dataset, tmp_path):
    items = features()[:3]
    for item, kind in zip(items, ["Ναός", "Θέατρο", "Κάτι άλλο"], strict=True):
        item["properties"]["kind"] = kind
    mapping = Mapping(
        fields={"source_id": "pleiades_id", "name_el": "title", "category": "kind"},
        categories={"Ναός": "church-monastery", "Θέατρο": "monument"},
    )
    path = write_features(tmp_path / "c.geojson", items)
    report = places_import(path=path, dataset=dataset, mapping=mapping)
    slugs = dict(Place.objects.filter(dataset=dataset).values_list("source_id", "category__slug"))
    ids = [item["properties"]["pleiades_id"] for item in items]
    assert [slugs[i] for i in ids] == ["church-monastery", "monument", None]
    assert any("'Κάτι άλλο' (1)" in warning for warning in report.warnings)
    with pytest.raises(MappingError, match="'Ναός' maps to 'temple', which is not a category"):
        places_import(path=path, dataset=dataset, mapping=Mapping(fields=mapping.fields, categories={"Ναός": "temple"}))


def test_editor_imports_only_into_their_municipality(dataset, athens):
    editor = get_user_model().objects.get(username="editor-athens")
    report = places_import(path=PLEIADES, dataset=dataset, mapping=PLEIADES_MAPPING, user=editor)
    outside = [f for f in features() if "ΑΘΗΝΑΙΩΝ" not in f["properties"]["muni_name_gr"]]
    assert report.counts["create"] == 49 - len(outside)
    assert sorted(r["source_id"] for r in report.rejected) == sorted(f["properties"]["pleiades_id"] for f in outside)
    assert {r["reason"] for r in report.rejected} == {"outside the municipalities you edit"}
    assert not Place.objects.filter(dataset=dataset).exclude(municipality=athens).exists()


def test_features_far_outside_the_municipality_are_flagged(dataset, athens):
    report = places_import(path=PLEIADES, dataset=dataset, mapping=PLEIADES_MAPPING, municipality=athens)
    in_nafplio = {
        f["properties"]["pleiades_id"] for f in features() if "ΑΘΗΝΑΙΩΝ" not in f["properties"]["muni_name_gr"]
    }
    assert {row["source_id"] for row in report.far} == in_nafplio
    assert all(row["distance_m"] > 50_000 for row in report.far)  # the Argolid is 70-90 km from Athens' boundary
    assert any("outside the municipality" in warning for warning in report.warnings)


def test_command_line_dry_run_and_failure(tmp_path):
    shp = greek_grid_shapefile(tmp_path)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[fields]\nsource_id = "KODIKOS"\nname_el = "ONOMA"\n', encoding="utf-8")
    out = StringIO()
    call_command(
        "import_places",
        str(shp),
        "--dataset",
        "town",
        "--mapping",
        str(mapping),
        "--licence",
        "CC BY 4.0",
        "--attribution",
        "Δήμος",
        "--dry-run",
        stdout=out,
    )
    text = out.getvalue()
    assert "Dry run" in text and "created: 3" in text and "Windows-1253" in text and "EPSG:2100" in text
    assert not Place.objects.filter(dataset__slug="town").exists()
    call_command("import_places", str(shp), "--dataset", "town", "--mapping", str(mapping), stdout=StringIO())
    assert Place.objects.filter(dataset__slug="town").count() == 3
    shp.with_suffix(".dbf").unlink()
    with pytest.raises(CommandError, match=r"mnimeia.shp: the shapefile has no \.dbf file"):
        call_command("import_places", str(shp), "--dataset", "town", stdout=StringIO())
    assert Place.objects.filter(dataset__slug="town").count() == 3
