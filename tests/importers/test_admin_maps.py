"""In Chromium, as the Athens editor: the import's preview and report maps are drawn at their height (they were 0 px
tall), and the progress page follows the background task without a reload (status requests reach the server)."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from gis.models import Dataset, Municipality
from importers.models import ImportRun
from tests.browser import admin_log_in

from .helpers import greek_grid_shapefile, zip_shapefile

pytestmark = [pytest.mark.browser]


def map_height(page) -> float:
    frame = page.locator(".importers-map .folium-map")
    expect(frame).to_have_count(1)
    return frame.bounding_box()["height"]


@pytest.mark.django_db(transaction=True)
def test_the_preview_and_report_maps_have_their_height(page, live_server, tmp_path, settings):
    settings.XENAGOS_IMPORT_ROOT = tmp_path / "uploads"
    upload = zip_shapefile(greek_grid_shapefile(tmp_path / "src"), tmp_path / "mnimeia.zip")
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/imports/new/")
    page.locator("#id_file").set_input_files(str(upload))
    page.locator("#id_title").fill("Monuments of the town")
    page.locator("#id_licence").fill("CC BY 4.0")
    page.locator("#id_attribution").fill("Δήμος Αθηναίων")
    page.locator("form[data-importers-upload] button[type=submit]").click()

    expect(page.locator("[data-importers-facts]")).to_be_visible()
    assert map_height(page) >= 300  # the frame's 360 px, borders aside
    expect(page.locator(".importers-map .leaflet-interactive").first).to_be_visible()  # its features are seen
    page.locator("button[name=next]").click()
    page.locator("#id_field_source_id").select_option("KODIKOS")
    page.locator("#id_field_name_el").select_option("ONOMA")
    page.locator("form[data-importers-mapping] button[type=submit]").click()

    expect(page.locator("[data-importers-counts]")).to_be_visible()
    assert map_height(page) >= 300
    expect(page.locator(".importers-map .leaflet-interactive").first).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_the_progress_bar_moves_while_the_task_runs(page, live_server):
    athens = Municipality.objects.get(code="9186")
    run = ImportRun.objects.create(
        dataset=Dataset.objects.create(slug="progress", title="Progress", licence="CC BY 4.0", attribution="test"),
        municipality=athens,
        user=get_user_model().objects.get(username="editor-athens"),
        file_name="places.csv",
        status=ImportRun.Status.QUEUED,
        progress_total=40,
    )
    statuses = []
    page.on("request", lambda request: statuses.append(request.url) if request.url.endswith("/status/") else None)
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/imports/{run.uid}/progress/")
    bar = page.locator("[data-importers-progress]")
    expect(page.locator("[data-importers-count]")).to_have_text("0 / 40")

    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, progress_done=10)  # the worker
    expect(page.locator("[data-importers-count]")).to_have_text("10 / 40")
    expect(page.locator("[data-importers-label]")).to_have_text("εισαγωγή σε εξέλιξη")  # "importing", from the worker
    assert bar.evaluate("bar => bar.value") == 25
    ImportRun.objects.filter(pk=run.pk).update(progress_done=30)
    expect(page.locator("[data-importers-count]")).to_have_text("30 / 40")
    assert bar.evaluate("bar => bar.value") == 75
    assert page.url.endswith("/progress/") and len(statuses) >= 2  # polled, not reloaded
