"""The archive's admin screens in Chromium, as a municipality's editor: the items' list (with its filters), an item's
edit form (values, media, links), the new-item form and the collections' list are clean under axe; the editor's
list holds only their municipality's items."""

import pytest
from playwright.sync_api import expect

from gis.models import ArchiveItem
from tests.browser import admin_log_in, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
ITEMS = "/admin/snippets/xgis/archiveitem/"


def test_an_editor_reads_lists_and_edits_archive_items_on_accessible_screens(page, live_server):
    athens = ArchiveItem.objects.filter(municipality__code="9186", withdrawn=False).order_by("pk")
    nafplio = ArchiveItem.objects.exclude(municipality__code="9186").order_by("pk")
    assert athens.exists() and nafplio.exists()  # the demo's items of both towns
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}{ITEMS}")
    expect(page.locator("table.listing tbody tr")).to_have_count(athens.count())
    assert nafplio.first().name_el not in page.locator("table.listing").inner_text()
    assert_accessible(page)
    page.goto(f"{live_server.url}{ITEMS}edit/{athens.first().pk}/")
    expect(page.locator("form")).not_to_have_count(0)
    minimap = page.locator("#w-minimap-toggle")
    if minimap.get_attribute("aria-expanded") != "true":
        # Wagtail's own minimap, folded, is a scrollable list of links it takes out of the tab order (axe:
        # scrollable-region-focusable); a keyboard user unfolds it with its button (or "]"), and then it is clean
        minimap.click()
        expect(minimap).to_have_attribute("aria-expanded", "true")
    assert_accessible(page)
    page.goto(f"{live_server.url}{ITEMS}add/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/admin/snippets/xgis/archivecollection/")
    assert_accessible(page)
    theirs = nafplio.first()
    response = page.goto(f"{live_server.url}{ITEMS}edit/{theirs.pk}/")  # another town's item: not opened
    assert response is not None and (response.status in (403, 404) or response.url == f"{live_server.url}/admin/")
    assert theirs.name_el not in page.content()
