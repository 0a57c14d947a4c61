"""An editor imports a small archive CSV in Chromium: upload, what the file holds, the guessed mapping, the dry run,
confirm, the progress page moving on to the report; the worker is the database queue, as in production."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from gis.models import ArchiveItem
from importers.models import ImportRun
from tests.browser import admin_log_in, assert_accessible

pytestmark = [pytest.mark.browser]
CSV = """κωδικός,τίτλος,δημιουργός,ημερομηνία,περιγραφή
Α-1,Ο ναός του Ηφαίστου,Άγνωστος φωτογράφος,1890,"Η δυτική όψη, από την Αγορά"
Α-2,Η Στοά του Αττάλου,Άγνωστος φωτογράφος,1912,
Α-3,Το Θησείο,Φρεντερίκ Μπουασονά,1903,Γυάλινη πλάκα
"""


def work() -> None:
    """Run what the admin queued (the inspection, the dry run or the import), as the worker would."""
    call_command("db_worker", "--batch", "--no-startup-delay", "-v", "0")


@pytest.mark.django_db(transaction=True)
def test_editor_imports_a_small_archive_csv(page, live_server, tmp_path, settings, database_tasks):
    settings.XENAGOS_IMPORT_ROOT = tmp_path / "uploads"
    path = tmp_path / "φωτογραφίες.csv"
    path.write_text(CSV, encoding="utf-8")
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/imports/new/")
    page.locator("#id_file").set_input_files(str(path))
    page.locator("input[name=kind][value=archive]").check()
    page.locator("#id_title").fill("Photographs of the Agora")
    page.locator("#id_licence").fill("CC BY 4.0")
    page.locator("#id_attribution").fill("Δημοτικό Αρχείο Αθηνών")
    page.locator("form[data-importers-upload] button[type=submit]").click()
    expect(page.locator("[data-importers-progress]")).to_be_visible()  # the worker has not read it yet
    work()

    facts = page.locator("[data-importers-facts]")
    expect(facts.locator("[data-fact=format]")).to_have_text("CSV")
    expect(facts.locator("[data-fact=count]")).to_have_text("3")
    expect(page.locator(".importers-sample")).to_contain_text("Ο ναός του Ηφαίστου")
    expect(page.locator(".importers-map")).to_have_count(0)  # no map for archive records
    assert_accessible(page)  # what the file holds
    page.screenshot(path=str(tmp_path / "source.png"), full_page=True)
    page.locator("button[name=next]").click()

    expect(page.locator("form[data-importers-kind=archive]")).to_be_visible()
    expect(page.locator("#id_id_column")).to_have_value("κωδικός")  # guessed from the Greek column names
    expect(page.locator("#id_field_title")).to_have_value("τίτλος")
    expect(page.locator("#id_field_creator")).to_have_value("δημιουργός")
    expect(page.locator("#id_field_date")).to_have_value("ημερομηνία")
    expect(page.locator("#id_field_description")).to_have_value("περιγραφή")
    assert_accessible(page)  # the archive mapping form
    page.screenshot(path=str(tmp_path / "mapping.png"), full_page=True)
    page.locator("#id_language_title").select_option("el")
    page.locator("#id_rights").select_option("http://creativecommons.org/licenses/by/4.0/")
    page.locator("#id_publisher").fill("Δήμος Αθηναίων")
    page.locator("form[data-importers-mapping] button[type=submit]").click()
    expect(page.locator("[data-importers-progress]")).to_be_visible()
    work()

    counts = page.locator("[data-importers-counts]")
    expect(counts.locator("[data-count=create]")).to_have_text("3")
    expect(counts.locator("[data-count=rejected]")).to_have_text("0")
    expect(page.locator(".importers-map")).to_have_count(0)
    assert not ArchiveItem.objects.filter(dataset__slug="photographs-of-the-agora").exists()  # a dry run
    assert_accessible(page)  # the dry-run report
    page.screenshot(path=str(tmp_path / "dry-run.png"), full_page=True)

    page.locator("[data-importers-confirm]").click()
    expect(page.locator("[data-importers-progress]")).to_be_visible()
    assert_accessible(page)  # the progress page
    work()
    expect(page.locator("[data-importers-done]")).to_be_visible()  # the progress page moved on to the report
    expect(counts.locator("[data-count=create]")).to_have_text("3")
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)

    items = ArchiveItem.objects.filter(dataset__slug="photographs-of-the-agora")
    assert sorted(items.values_list("name_el", flat=True)) == ["Η Στοά του Αττάλου", "Ο ναός του Ηφαίστου", "Το Θησείο"]
    assert {item.municipality.code for item in items} == {"9186"}
    item = items.get(source_id="Α-1")
    assert item.rights == "http://creativecommons.org/licenses/by/4.0/" and str(item.date_from) == "1890-01-01"
    assert item.dc_values.get(element="title").language == "el"
    assert item.dc_values.get(element="publisher").value == "Δήμος Αθηναίων"
    run = ImportRun.objects.get(dataset__slug="photographs-of-the-agora")
    assert run.status == ImportRun.Status.SUCCEEDED and run.user.username == "editor-athens"
