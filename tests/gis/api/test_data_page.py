"""The researchers' data page and the API's HTML pages in headless Chromium (axe-core runs after each test)."""

import json

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from gis.api.kinds import KINDS
from gis.models import Place
from tests.browser import assert_accessible, site_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.mark.parametrize("language", ["el", "en"])
def test_data_page_explains_every_field_and_its_downloads_work(page, live_server, language):
    page.goto(site_url(live_server, "athens", f"/{language}/data/"))
    with translation.override(language):
        expect(page.locator("h1")).to_have_text(gettext("Open data"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    for kind in KINDS.values():
        for column in kind.columns:
            expect(page.locator(f"#fields ~ table code:text-is('{column.name}')").first).to_be_visible()
    athens = page.locator("tr", has=page.locator("code:text-is('places-athens')"))
    expect(athens.locator("td").nth(1)).to_have_text(str(Place.objects.filter(municipality__slug="athens").count()))
    href = athens.get_by_role("link", name="GEOJSON").first.get_attribute("href")
    assert href.endswith(f"?lang={language}")
    status, content_type, body = page.evaluate(
        "async url => { const r = await fetch(url);"
        " return [r.status, r.headers.get('content-type'), await r.text()]; }",
        href,
    )
    assert (status, content_type) == (200, "application/geo+json")
    data = json.loads(body)
    assert len(data["features"]) == Place.objects.filter(municipality__slug="athens").count()
    assert data["language"] == language


def test_api_html_pages_are_browsable(page, live_server):
    page.goto(site_url(live_server, "nafplio", "/api/features/?f=html&lang=en"))
    page.get_by_role("link", name="The collections").click()
    expect(page.locator("h1")).to_have_text("Collections")
    assert_accessible(page)
    page.goto(site_url(live_server, "nafplio", "/api/features/collections/places-nafplio/items?f=html&lang=en&limit=4"))
    expect(page.locator("tbody tr")).to_have_count(4)
    page.get_by_role("link", name="Next page").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    page.locator("tbody tr a").first.click()
    expect(page.locator("caption")).to_have_text("Properties")
