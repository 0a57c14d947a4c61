"""The researchers' data page and the API's HTML pages in headless Chromium (axe-core runs after each test)."""

import json
from pathlib import Path

import pytest
from django.conf import settings
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
            expect(page.locator(f"#fields ~ .table-scroll table code:text-is('{column.name}')").first).to_be_visible()
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


SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "research"


@pytest.mark.parametrize("language", ["el", "en"])
def test_on_a_phone_the_data_page_fits_and_every_download_link_is_on_screen(page, live_server, language):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site_url(live_server, "athens", f"/{language}/data/"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"data-{language}-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth") == 390
    links = page.locator("a[download]")
    rows = page.locator("#downloads ~ table tbody tr")
    # every collection offers the four common downloads; routes add GPX (Kind.more_downloads)
    per_row = [rows.nth(n).locator("a[download]").count() for n in range(rows.count())]
    assert per_row and all(count >= 4 for count in per_row) and sum(per_row) == links.count()
    gpx = [rows.nth(n).locator("a[download][href*='download.gpx']").count() for n in range(rows.count())]
    assert sum(gpx) >= 1 and all(count in (0, 1) for count in gpx)
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (links.nth(index).get_attribute("href"), box)
    # the wide tables scroll inside a region that the keyboard can reach and a screen reader names
    for region in page.locator(".table-scroll").all():
        assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"
        caption = page.locator(f"#{region.get_attribute('aria-labelledby')}")
        expect(caption).to_have_count(1)
        box = region.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=SCREENSHOTS / f"data-{language}-desktop.png", full_page=True)


def test_the_data_page_says_what_each_id_is_whose_licence_applies_and_offers_csv_for_excel(page, live_server):
    page.goto(site_url(live_server, "nafplio", "/el/data/"))
    with translation.override("el"):
        expected = {kind.name: gettext(kind.id_description) for kind in KINDS.values()}
        titles = {kind.name: gettext(kind.title) for kind in KINDS.values()}
        excel = gettext("CSV for Excel")
    assert len(set(expected.values())) == len(expected)  # protected areas are not called Kallikratis codes
    for name, description in expected.items():
        table = page.locator("#fields ~ .table-scroll table", has=page.locator(f"caption:text-is('{titles[name]}')"))
        expect(table.locator("tr", has=page.locator("code:text-is('id')")).locator("td").nth(1)).to_have_text(
            description
        )
    row = page.locator("tr", has=page.locator("code:text-is('places-nafplio')"))
    href = row.get_by_role("link", name=excel).get_attribute("href")
    assert href.endswith("?lang=el&bom=true")
    status, start = page.evaluate(
        "async url => { const r = await fetch(url); const b = new Uint8Array(await r.arrayBuffer());"
        " return [r.status, Array.from(b.slice(0, 3))]; }",
        href,
    )
    assert (status, start) == (200, [0xEF, 0xBB, 0xBF])
    datasets = page.locator("table", has=page.locator("#caption-datasets"))
    pleiades = datasets.locator("tr", has=page.locator("code:text-is('pleiades-demo')"))
    expect(pleiades.locator("td").nth(1)).to_have_text("CC BY 3.0")
    expect(pleiades.locator("td").nth(2)).to_contain_text("Pleiades")
