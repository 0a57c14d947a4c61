"""Harvest sources in Chromium: an editor creates a source of the local OAI-PMH server, harvests it now and reads
where it stands; the list and the source's page are clean under axe."""

import pytest
from playwright.sync_api import expect

from gis.models import ArchiveItem
from importers.models import HarvestSource
from tests.browser import admin_log_in, assert_accessible
from tests.factories import DatasetFactory
from tests.importers.oai_server import OAIServer

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_an_editor_creates_a_source_harvests_it_and_sees_where_it_stands(page, live_server):
    dataset = DatasetFactory(slug="fake1-harvest", title="Erasmus repository")
    with OAIServer(page_size=5).running() as server:
        admin_log_in(page, live_server)
        page.goto(f"{live_server.url}/admin/imports/harvest/")
        assert_accessible(page)
        page.get_by_role("link", name="Νέα πηγή συγκομιδής").click()
        page.locator("#id_dataset").select_option(str(dataset.pk))
        page.locator("#id_base_url").fill(server.base("fake1"))
        page.locator("form[novalidate] button[type=submit]").click()
        expect(page.get_by_role("button", name="Συγκομιδή τώρα")).to_be_visible()
        source = HarvestSource.objects.get(dataset=dataset)
        assert source.municipality.code == "9186"  # the editor's only municipality, offered alone
        page.locator("#id_base_url").fill("http://10.0.0.1/oai")  # refused when saved, readably
        page.locator("form[novalidate] button[type=submit]").click()
        expect(page.locator(".error-message")).to_contain_text("10.0.0.1")
        assert_accessible(page)
        page.goto(f"{live_server.url}/admin/imports/harvest/{source.pk}/")
        page.get_by_role("button", name="Συγκομιδή τώρα").click()  # the test settings run tasks at once
        expect(page.locator("[data-harvest-pages]")).to_have_text("4")
        expect(page.locator("[data-harvest-records]")).to_have_text("16 / 16")
        expect(page.locator("[data-harvest-status]")).to_have_text("εισήχθη")
        if page.locator(".messages > ul").count():  # Wagtail's message fades in: checked once it is shown
            expect(page.locator(".messages > ul")).to_have_css("opacity", "1")
        assert_accessible(page)
    assert ArchiveItem.objects.filter(dataset=dataset).count() == 16
