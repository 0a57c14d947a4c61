"""In Chromium: after the upload the admin shows the file being read by the background worker, and moves on to
what the file holds by itself once the worker is done (no reload by the editor)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from importers.models import ImportRun
from tests.browser import admin_log_in, assert_accessible

from .helpers import greek_grid_shapefile, zip_shapefile

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_the_upload_page_shows_the_inspection_and_moves_on_without_reload(
    page, live_server, tmp_path, settings, database_tasks
):
    settings.XENAGOS_IMPORT_ROOT = tmp_path / "uploads"
    upload = zip_shapefile(greek_grid_shapefile(tmp_path / "src"), tmp_path / "mnimeia.zip")
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/imports/new/")
    page.locator("#id_file").set_input_files(str(upload))
    page.locator("#id_title").fill("Monuments of Athens")
    page.locator("#id_licence").fill("CC BY 4.0")
    page.locator("#id_attribution").fill("Δήμος Αθηναίων")
    page.locator("form[data-importers-upload] button[type=submit]").click()

    run = ImportRun.objects.get(file_name="mnimeia.zip")
    page.wait_for_url(f"{live_server.url}/admin/imports/{run.uid}/progress/")
    label = page.locator("[data-importers-label]")
    expect(label).to_have_text("ανάγνωση του αρχείου που ανέβηκε")  # "reading the upload": the worker has it
    expect(page.locator("h1")).to_contain_text("Ανάγνωση του αρχείου")
    assert_accessible(page)
    page.evaluate("window.notReloaded = true")  # gone if the editor (or the page) reloads
    page.wait_for_timeout(1500)  # the page polls meanwhile and stays
    assert page.url.endswith("/progress/") and page.evaluate("window.notReloaded === true")
    assert run.source_info == {}

    call_command("db_worker", "--batch", "--no-startup-delay", "-v", "0")  # the worker reads the file
    run.refresh_from_db()
    assert run.status == ImportRun.Status.UPLOADED, run.message

    page.wait_for_url(f"{live_server.url}/admin/imports/{run.uid}/source/", timeout=15_000)  # by itself
    facts = page.locator("[data-importers-facts]")
    expect(facts.locator("[data-fact=format]")).to_have_text("Shapefile")
    expect(facts.locator("[data-fact=count]")).to_have_text("3")
    expect(page.locator(".importers-map .leaflet-interactive")).to_have_count(3)
