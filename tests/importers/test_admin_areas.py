"""Protected areas (archaeological zones) load through the admin the same way as places: upload, mapping, dry run,
confirm, report, history; a failed import changes nothing and says why."""

import geopandas as gpd
import pytest
import shapely
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from playwright.sync_api import expect
from pyproj import Geod
from shapely.geometry import box

from gis.models import Dataset, ProtectedArea
from gis.services import dataset_upsert
from importers.areas import areas_import
from importers.errors import ImporterError
from importers.forms import AreaMappingForm
from importers.mapping import AreaMapping
from importers.models import ImportRun
from importers.runs import import_run_create, import_run_execute, import_run_update
from importers.selectors import area_mapping_for
from tests.browser import admin_log_in, assert_accessible

from .helpers import CHECK_E, CHECK_LAT, CHECK_LON, CHECK_N, ZONE_NAMES, zones_gpkg

GEOD = Geod(ellps="WGS84")
FIELDS = ["KODIKOS", "ONOMA", "NAME_EN", "EIDOS_ZONIS"]


def upload_zones(page, live_server, path, *, dataset_label: str | None = None) -> None:
    page.goto(f"{live_server.url}/admin/imports/new/")
    assert_accessible(page)  # the upload form, with its choice of what the file holds
    page.locator("#id_file").set_input_files(str(path))
    page.locator("input[name=kind][value=areas]").check()
    if dataset_label:
        page.locator("#id_dataset").select_option(label=dataset_label)
    else:
        page.locator("#id_title").fill("Archaeological zones")
        page.locator("#id_licence").fill("CC BY 4.0")
        page.locator("#id_attribution").fill("Εφορεία Αρχαιοτήτων Πόλης Αθηνών")
    page.locator("form[data-importers-upload] button[type=submit]").click()
    expect(page.locator("[data-fact=crs]")).to_contain_text("EPSG:2100")
    expect(page.locator("[data-fact=count]")).to_have_text("2")
    expect(page.locator(".importers-map .leaflet-interactive")).to_have_count(2)
    assert_accessible(page)  # what the file holds, with its map
    page.locator("button[name=next]").click()
    expect(page.locator("form[data-importers-kind=areas]")).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_imports_archaeological_zones_and_a_reimport_changes_nothing(page, live_server, tmp_path, settings):
    settings.XENAGOS_IMPORT_ROOT = tmp_path / "uploads"
    path = zones_gpkg(tmp_path / "zones.gpkg")
    areas_before = ProtectedArea.objects.count()
    admin_log_in(page, live_server)
    upload_zones(page, live_server, path)

    # the mapping guesses id, names from the field names; the kind's field has a name no guess knows
    expect(page.locator("#id_field_source_id")).to_have_value("KODIKOS")
    expect(page.locator("#id_field_name_el")).to_have_value("ONOMA")
    expect(page.locator("#id_field_name_en")).to_have_value("NAME_EN")
    expect(page.locator("#id_field_kind")).to_have_value("")
    assert_accessible(page)  # the areas' mapping form
    page.locator("#id_field_kind").select_option("EIDOS_ZONIS")
    page.locator("form[data-importers-mapping] button[type=submit]").click()

    counts = page.locator("[data-importers-counts]")
    expect(counts.locator("[data-count=create]")).to_have_text("2")
    expect(counts).to_contain_text("Νέες περιοχές")  # the admin speaks Greek, and of areas, not places
    expect(page.locator(".importers-map .leaflet-interactive")).to_have_count(2)  # the zones on the map
    assert ProtectedArea.objects.count() == areas_before  # a dry run wrote nothing
    assert_accessible(page)  # the dry-run report with its map
    run = ImportRun.objects.get(dataset__slug="archaeological-zones")
    assert run.kind == ImportRun.Kind.AREAS and run.status == ImportRun.Status.CHECKED

    page.locator("[data-importers-confirm]").click()
    expect(page.locator("[data-importers-done]")).to_be_visible()
    expect(counts.locator("[data-count=create]")).to_have_text("2")
    zones = ProtectedArea.objects.filter(dataset__slug="archaeological-zones")
    assert {z.source_id: z.name_el for z in zones} == ZONE_NAMES
    zone = zones.get(source_id="ZA-1")
    assert (zone.name_en, zone.kind, zone.withdrawn) == ("Acropolis zone A", "Ζώνη Α", False)
    assert zone.geometry.srid == 4326 and zone.geometry.geom_type == "MultiPolygon"
    corners = zone.geometry[0].exterior_ring.coords
    assert min(GEOD.inv(lon, lat, CHECK_LON, CHECK_LAT)[2] for lon, lat in corners) < 1.0  # the check point
    area_m2, _ = GEOD.geometry_area_perimeter(shapely.from_wkt(zone.geometry.wkt))
    assert abs(abs(area_m2) - 90_000) < 200  # 300 m x 300 m on the grid (scale factor 0.9996)
    run.refresh_from_db()  # the outcome is on the admin's run, not on a second one
    assert ImportRun.objects.filter(dataset__slug="archaeological-zones").count() == 1
    assert run.status == ImportRun.Status.SUCCEEDED and run.finished_at is not None
    assert run.report["counts"]["create"] == 2 and run.municipality.code == "9186"
    assert run.user.username == "editor-athens" and run.mapping["fields"]["kind"] == "EIDOS_ZONIS"

    # the same file again: the mapping of the last import is offered, and nothing changes
    upload_zones(page, live_server, path, dataset_label="Archaeological zones")
    expect(page.locator("#id_field_kind")).to_have_value("EIDOS_ZONIS")
    page.locator("form[data-importers-mapping] button[type=submit]").click()
    expect(counts.locator("[data-count=unchanged]")).to_have_text("2")
    expect(counts.locator("[data-count=create]")).to_have_text("0")
    page.locator("[data-importers-confirm]").click()
    expect(page.locator("[data-importers-done]")).to_be_visible()
    expect(counts.locator("[data-count=unchanged]")).to_have_text("2")
    expect(counts.locator("[data-count=update]")).to_have_text("0")
    assert zones.count() == 2 and zones.get(source_id="ZA-1").updated_at == zone.updated_at

    page.goto(f"{live_server.url}/admin/imports/?dataset=archaeological-zones")  # the history shows both
    rows = page.locator("table.importers-history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("zones.gpkg")
    expect(rows.first).to_contain_text("προστατευόμενες περιοχές")


@pytest.mark.django_db
def test_area_mapping_form_names_the_missing_and_the_unknown_field():
    with translation.override("en"):
        form = AreaMappingForm(data={"field_name_el": "ONOMA", "invalid": "repair"}, source_fields=FIELDS)
        assert not form.is_valid()
        assert form.errors["field_source_id"] == ["Choose the field of the file that holds each area's stable id."]
        form = AreaMappingForm(
            data={"field_source_id": "KODIKOS", "field_name_el": "TITLOS", "invalid": "repair"}, source_fields=FIELDS
        )
        assert not form.is_valid()
        assert form.errors["field_name_el"] == ["“TITLOS” is not a field of the file."]
    form = AreaMappingForm(
        data={"field_source_id": "KODIKOS", "field_name_el": "ONOMA", "field_kind": "EIDOS_ZONIS", "invalid": "reject"},
        source_fields=FIELDS,
    )
    assert form.is_valid()
    assert form.area_mapping() == AreaMapping(
        fields={"source_id": "KODIKOS", "name_el": "ONOMA", "kind": "EIDOS_ZONIS"}, invalid="reject"
    )


@pytest.mark.django_db
def test_mapping_page_without_an_id_field_says_so_in_greek_and_runs_nothing(client, settings, tmp_path):
    settings.XENAGOS_IMPORT_ROOT = tmp_path / "uploads"
    client.force_login(get_user_model().objects.get(username="editor-athens"))
    upload = SimpleUploadedFile("zones.gpkg", zones_gpkg(tmp_path / "zones.gpkg").read_bytes())
    dataset = Dataset.objects.get(slug="pleiades-demo")
    response = client.post(
        "/admin/imports/new/", {"file": upload, "kind": "areas", "dataset": dataset.pk, "title": ""}, follow=True
    )
    run = ImportRun.objects.get(file_name="zones.gpkg")
    assert run.kind == ImportRun.Kind.AREAS and run.municipality.code == "9186"  # the editor's municipality
    assert "ONOMA" in response.content.decode()  # the source page read the file
    response = client.post(f"/admin/imports/{run.uid}/mapping/", {"field_name_el": "ONOMA", "invalid": "repair"})
    assert response.status_code == 200
    assert "Επιλέξτε το πεδίο του αρχείου με το σταθερό αναγνωριστικό κάθε περιοχής." in response.content.decode()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.UPLOADED and not run.mapping and not run.dry_run_report


@pytest.mark.django_db
def test_failed_area_import_changes_nothing_and_the_run_says_why(tmp_path, settings, athens):
    settings.XENAGOS_IMPORT_ROOT = tmp_path / "uploads"
    editor = get_user_model().objects.get(username="editor-athens")
    dataset = dataset_upsert(slug="zones", title="Ζώνες", licence="CC BY 4.0", attribution="ΥΠΠΟ")
    mapping = AreaMapping(fields={"source_id": "KODIKOS", "name_el": "ONOMA"}).to_dict()
    first = import_run_create(
        upload=SimpleUploadedFile("zones.gpkg", zones_gpkg(tmp_path / "zones.gpkg").read_bytes()),
        dataset=dataset,
        municipality=athens,
        user=editor,
        kind=ImportRun.Kind.AREAS,
    )
    import_run_update(run=first, mapping=mapping)
    assert import_run_execute(run_id=first.pk, dry_run=False).status == ImportRun.Status.SUCCEEDED
    before = sorted(ProtectedArea.objects.filter(dataset=dataset).values_list("source_id", "name_el", "withdrawn"))

    # the next version of the file renamed the name field, but the run keeps the last mapping
    renamed = zones_gpkg(tmp_path / "v2.gpkg", name_field="ONOMASIA")
    second = import_run_create(
        upload=SimpleUploadedFile("zones-v2.gpkg", renamed.read_bytes()),
        dataset=dataset,
        municipality=athens,
        user=editor,
        kind=ImportRun.Kind.AREAS,
    )
    import_run_update(run=second, mapping=mapping)
    second = import_run_execute(run_id=second.pk, dry_run=False)
    assert second.status == ImportRun.Status.FAILED and second.finished_at is not None
    # no admin queued it, so the run speaks the site's language: "field 'ONOMA': no such field in the source"
    assert second.message.startswith("zones-v2.gpkg, πεδίο «ONOMA»: δεν υπάρχει τέτοιο πεδίο στην πηγή")
    assert "ONOMASIA" in second.message  # the fields the file has
    assert sorted(ProtectedArea.objects.filter(dataset=dataset).values_list("source_id", "name_el", "withdrawn")) == (
        before
    )
    assert ImportRun.objects.filter(dataset=dataset).count() == 2 and not second.report


@pytest.mark.django_db
def test_an_error_half_way_rolls_back_the_areas_already_written(tmp_path):
    dataset = dataset_upsert(slug="zones", title="Ζώνες", licence="CC BY 4.0", attribution="ΥΠΠΟ")
    seen = []

    def cancel_at_the_second(stage: str, done: int, total: int) -> None:
        seen.append((stage, done, total))
        if stage == "read" and done == 2:  # the first zone is written by now
            raise ImporterError("cancelled", feature=done)

    with pytest.raises(ImporterError, match="cancelled"):
        areas_import(
            path=zones_gpkg(tmp_path / "zones.gpkg"),
            dataset=dataset,
            id_field="KODIKOS",
            name_field="ONOMA",
            progress=cancel_at_the_second,
        )
    assert seen == [("read", 1, 2), ("read", 2, 2)]
    assert not ProtectedArea.objects.filter(dataset=dataset).exists()
    assert not ImportRun.objects.filter(dataset=dataset).exists()


@pytest.mark.django_db
def test_command_line_import_records_its_own_run_and_its_mapping_is_offered_next(tmp_path):
    dataset = dataset_upsert(slug="zones", title="Ζώνες", licence="CC BY 4.0", attribution="ΥΠΠΟ")
    path = zones_gpkg(tmp_path / "zones.gpkg")
    progress = []
    report = areas_import(
        path=path,
        dataset=dataset,
        id_field="KODIKOS",
        name_field="ONOMA",
        kind_field="EIDOS_ZONIS",
        progress=lambda *step: progress.append(step),
    )
    assert report.counts["create"] == 2 and progress[-1] == ("done", 2, 2)
    assert [f["properties"]["action"] for f in report.preview] == ["create", "create"]
    run = ImportRun.objects.get(dataset=dataset)
    assert run.kind == ImportRun.Kind.AREAS and run.user is None and run.status == ImportRun.Status.SUCCEEDED
    assert area_mapping_for(dataset=dataset, source_fields=FIELDS) == AreaMapping(
        fields={"source_id": "KODIKOS", "name_el": "ONOMA", "kind": "EIDOS_ZONIS"}
    )
    assert area_mapping_for(dataset=dataset, source_fields=["KODIKOS", "ONOMASIA"]) is None  # no longer fits


@pytest.mark.django_db
def test_an_id_too_long_for_the_source_key_is_rejected_not_a_database_error(tmp_path):
    dataset = dataset_upsert(slug="zones", title="Ζώνες", licence="CC BY 4.0", attribution="ΥΠΠΟ")
    e, n = CHECK_E, CHECK_N
    frame = gpd.GeoDataFrame(
        {"KODIKOS": ["A", "Χ" * 250], "ONOMA": ["Ζώνη Α", "Ζώνη με πολύ μακρύ κωδικό"]},
        geometry=[box(e, n, e + 300, n + 300), box(e + 600, n, e + 800, n + 200)],
        crs="EPSG:2100",
    )
    frame.to_file(tmp_path / "long.gpkg", driver="GPKG")
    report = areas_import(path=tmp_path / "long.gpkg", dataset=dataset, id_field="KODIKOS", name_field="ONOMA")
    assert report.counts["create"] == 1 and report.counts["rejected"] == 1
    assert report.rejected[0]["feature"] == 2 and report.rejected[0]["field"] == "KODIKOS"
    assert report.rejected[0]["reason"] == "the id is longer than 200 characters"


def _zones_around(path, zones: dict[str, tuple[str, object]]):
    """A GeoJSON (EPSG:4326) of ~200 m squares: id -> (Greek name, point inside the square)."""
    frame = gpd.GeoDataFrame(
        {"KODIKOS": list(zones), "ONOMA": [name for name, _point in zones.values()]},
        geometry=[box(p.x - 0.001, p.y - 0.001, p.x + 0.001, p.y + 0.001) for _name, p in zones.values()],
        crs="EPSG:4326",
    )
    frame.to_file(path, driver="GeoJSON")
    return path


@pytest.mark.django_db
def test_an_editor_writes_and_withdraws_only_areas_in_the_municipalities_they_edit(tmp_path, athens, nafplio):
    dataset = dataset_upsert(slug="zones", title="Ζώνες", licence="CC BY 4.0", attribution="ΥΠΠΟ")
    in_athens, in_nafplio = athens.boundary.point_on_surface, nafplio.boundary.point_on_surface
    common = {"dataset": dataset, "id_field": "KODIKOS", "name_field": "ONOMA"}
    areas_import(path=_zones_around(tmp_path / "all.geojson", {"N-1": ("Ζώνη Ναυπλίου", in_nafplio)}), **common)
    editor = get_user_model().objects.get(username="editor-athens")
    report = areas_import(
        path=_zones_around(
            tmp_path / "athens.geojson",
            {"A-1": ("Ζώνη Αθήνας", in_athens), "N-2": ("Άλλη ζώνη Ναυπλίου", in_nafplio)},
        ),
        user=editor,
        municipality=athens,
        **common,
    )
    assert report.counts["create"] == 1 and report.counts["withdraw"] == 0
    assert [(r["source_id"], r["field"], r["reason"]) for r in report.rejected] == [
        ("N-2", "geometry", "outside the municipalities you edit")
    ]
    zones = ProtectedArea.objects.filter(dataset=dataset)
    assert sorted(zones.values_list("source_id", "withdrawn")) == [("A-1", False), ("N-1", False)]
    # the editor cannot rename Nafplio's zone either, and a superuser's import for Athens withdraws only there
    renamed = areas_import(
        path=_zones_around(
            tmp_path / "rename.geojson", {"A-1": ("Ζώνη Αθήνας", in_athens), "N-1": ("Μετονομασία", in_athens)}
        ),
        user=editor,
        municipality=athens,
        **common,
    )
    assert renamed.counts["update"] == 0 and renamed.counts["unchanged"] == 1
    assert renamed.rejected[0]["source_id"] == "N-1"
    assert zones.get(source_id="N-1").name_el == "Ζώνη Ναυπλίου"
    empty_for_athens = areas_import(
        path=_zones_around(tmp_path / "none.geojson", {"N-1": ("Ζώνη Ναυπλίου", in_nafplio)}),
        municipality=athens,
        **common,
    )
    assert empty_for_athens.counts["withdraw"] == 1
    assert sorted(zones.values_list("source_id", "withdrawn")) == [("A-1", True), ("N-1", False)]
