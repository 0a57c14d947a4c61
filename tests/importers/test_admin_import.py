"""The admin import, end to end in Chromium: upload, what the file holds, mapping, dry run, confirm, report."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect
from pyproj import Geod

from gis.models import Place, PlaceText
from importers.models import ImportMapping, ImportRun
from tests.browser import admin_log_in, assert_accessible

from .helpers import CHECK_LAT, CHECK_LON, GREEK_NAMES, greek_grid_shapefile, zip_shapefile

pytestmark = [pytest.mark.browser]
GEOD = Geod(ellps="WGS84")


@pytest.mark.django_db(transaction=True)
def test_editor_imports_a_zipped_greek_grid_shapefile(page, live_server, tmp_path, settings):
    settings.XENAGOS_IMPORT_ROOT = tmp_path / "uploads"
    shp = greek_grid_shapefile(tmp_path / "src", name="μνημεία")
    upload = zip_shapefile(shp, tmp_path / "mnimeia.zip", folder="Δεδομένα/", utf8_names=False)
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/imports/new/")
    page.locator("#id_file").set_input_files(str(upload))
    page.locator("#id_title").fill("Monuments of the town")
    page.locator("#id_licence").fill("CC BY 4.0")
    page.locator("#id_attribution").fill("Δήμος Αθηναίων")
    page.locator("form[data-importers-upload] button[type=submit]").click()

    facts = page.locator("[data-importers-facts]")
    expect(facts.locator("[data-fact=format]")).to_have_text("Shapefile")
    expect(facts.locator("[data-fact=crs]")).to_contain_text("EPSG:2100")
    expect(facts.locator("[data-fact=encoding]")).to_contain_text("Windows-1253")
    expect(facts.locator("[data-fact=count]")).to_have_text("3")
    expect(page.locator(".importers-sample")).to_contain_text(GREEK_NAMES[0])
    expect(page.locator(".importers-map .leaflet-interactive")).to_have_count(3)  # the preview map shows them
    page.locator("button[name=next]").click()

    assert_accessible(page)  # the places' mapping form
    page.locator("#id_field_source_id").select_option("KODIKOS")
    page.locator("#id_field_name_el").select_option("ONOMA")
    page.locator("#id_field_category").select_option("TYPOS")
    page.locator("#id_categories").fill("Ναός = church-monastery\nΕκκλησία = church-monastery\nΘέατρο = monument")
    page.locator("form[data-importers-mapping] button[type=submit]").click()

    counts = page.locator("[data-importers-counts]")
    expect(counts.locator("[data-count=create]")).to_have_text("3")
    expect(page.locator(".importers-map .leaflet-interactive")).to_have_count(3)
    assert not Place.objects.filter(dataset__slug="monuments-of-the-town").exists()  # a dry run
    assert_accessible(page)

    page.locator("[data-importers-confirm]").click()
    expect(page.locator("[data-importers-done]")).to_be_visible()
    expect(counts.locator("[data-count=create]")).to_have_text("3")
    places = Place.objects.filter(dataset__slug="monuments-of-the-town")
    assert sorted(places.values_list("name_el", flat=True)) == sorted(GREEK_NAMES)
    first = places.get(source_id="1")
    assert GEOD.inv(first.location.x, first.location.y, CHECK_LON, CHECK_LAT)[2] < 1.0
    assert first.category.slug == "church-monastery" and first.municipality.code == "9186"
    assert PlaceText.objects.filter(place__in=places).count() == 6
    run = ImportRun.objects.get(dataset__slug="monuments-of-the-town")
    assert run.status == ImportRun.Status.SUCCEEDED and run.user.username == "editor-athens"
    assert ImportMapping.objects.get(dataset=run.dataset).rules["fields"]["source_id"] == "KODIKOS"

    page.goto(f"{live_server.url}/admin/imports/")  # the history: who, when, which file, what changed
    history = page.locator("table.importers-history")
    expect(history).to_contain_text("mnimeia.zip")
    expect(history).to_contain_text("editor-athens")
    expect(history).to_contain_text("3")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_a_file_without_crs_gets_a_readable_message_and_can_be_fixed(page, live_server, tmp_path, settings):
    settings.XENAGOS_IMPORT_ROOT = tmp_path / "uploads"
    shp = greek_grid_shapefile(tmp_path / "src")
    shp.with_suffix(".prj").unlink()
    upload = zip_shapefile(shp, tmp_path / "no_prj.zip")
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/imports/new/")
    page.locator("#id_file").set_input_files(str(upload))
    page.locator("#id_dataset").select_option(label="Pleiades gazetteer (demo selection)")
    page.locator("form[data-importers-upload] button[type=submit]").click()
    # the admin speaks Greek: "the shapefile has no .prj file"
    expect(page.locator("[data-importers-error]")).to_contain_text("no_prj.zip: το shapefile δεν έχει αρχείο .prj")
    page.locator("#id_srid").fill("2100")
    page.locator("button[name=apply]").click()
    expect(page.locator("[data-fact=crs]")).to_contain_text("EPSG:2100")


@pytest.mark.django_db(transaction=False)
def test_editor_of_another_municipality_cannot_open_the_run(client):
    nafplio_editor = get_user_model().objects.get(username="editor-nafplio")
    run = ImportRun.objects.create(
        dataset=Place.objects.get(pleiades="570740").dataset,
        municipality=Place.objects.get(pleiades="570740").municipality,  # Tiryns, in Nafplio
        user=nafplio_editor,
        file_name="nafplio.geojson",
    )
    client.force_login(nafplio_editor)
    assert client.get(f"/admin/imports/{run.uid}/report/").status_code == 200
    assert b"nafplio.geojson" in client.get("/admin/imports/").content
    client.force_login(get_user_model().objects.get(username="editor-athens"))
    # (a 404 outside /<lang>/ is redirected there by the locale middleware first)
    assert client.get(f"/admin/imports/{run.uid}/report/", follow=True).status_code == 404
    assert client.get(f"/admin/imports/{run.uid}/status/", follow=True).status_code == 404
    assert client.post(f"/admin/imports/{run.uid}/confirm/", follow=True).status_code == 404
    run.refresh_from_db()
    assert run.status == ImportRun.Status.UPLOADED
    assert b"nafplio.geojson" not in client.get("/admin/imports/").content
