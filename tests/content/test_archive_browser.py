"""The public archive in Chromium at phone (390×844) and desktop (1280×800) size: a facet filters the list and its
count, the search finds an item by a word typed without accents, the pages go on, and an item's page shows its
values, draws its map (the item's point and its place) and copies its citation; axe finds nothing serious on the list
and the item page (the harness also fails on JS errors, failed requests and other hosts). Screenshots go to
var/screenshots/archive/."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from content.archive_views import LIST_PAGE
from gis.models import ArchiveItem
from tests.browser import assert_accessible, site_url
from tests.factories import ArchiveCollectionFactory, ArchiveItemFactory, PlaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "archive"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def archive(live_server, athens):
    ArchiveItem.objects.all().delete()
    agora = PlaceFactory(name_el="Αρχαία Αγορά", location=Point(23.7227, 37.9747, srid=4326))
    cards = ArchiveCollectionFactory(municipality=athens, slug="cards", name_el="Καρτ ποστάλ")
    postcard = ArchiveItemFactory(
        dc=[
            ("title", "Η Αρχαία Αγορά από τον Άρειο Πάγο", "el"),
            ("creator", "Κοντός, Νικόλαος", ""),
            ("description", "Καρτ ποστάλ με την Αγορά και τον Θησείο.", "el"),
            ("date", "1912–1913", ""),
            ("type", "StillImage", ""),
            ("rights", "CC BY 4.0", ""),
            # a long URL: on a phone it wraps, it does not widen the page (WCAG 1.4.10)
            ("source", "https://archive.example.org/collections/postcards/" + "athens-agora-" * 8 + "1912.jpg", ""),
        ],
        places=[agora],
        collections=[cards],
        location=Point(23.7215, 37.9740, srid=4326),
    )
    for n in range(LIST_PAGE + 3):
        ArchiveItemFactory(dc=[("title", f"Έγγραφο {n:02d}", "el"), ("date", str(1930 + n), ""), ("type", "Text", "")])
    return postcard


def count(page) -> int:
    return int(page.locator("[data-archive-count]").get_attribute("data-archive-count"))


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_facets_search_and_pages(page, live_server, archive, size):
    page.set_viewport_size(VIEWPORTS[size])
    page.goto(site_url(live_server, "athens", "/el/archive/"))
    assert count(page) == LIST_PAGE + 4
    assert page.locator("[data-archive-list] li").count() == LIST_PAGE
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"archive-list-{size}.png"), full_page=True)
    assert_accessible(page)
    page.locator('a[rel="next"]').first.click()
    page.wait_for_url("**page=2")
    assert page.locator("[data-archive-list] li").count() == 4
    page.goto(site_url(live_server, "athens", "/el/archive/"))
    filters = page.locator("[data-archive-filters]")
    if size == "phone":  # the results first: the filters folded behind their button, until one is chosen
        expect(filters).not_to_have_attribute("open", "")
        expect(page.locator('[data-facet="type"]')).to_be_hidden()
        filters.locator("summary").click()
    expect(filters).to_have_attribute("open", "")
    page.locator('[data-facet="type"] a[data-facet-value="StillImage"]').click()
    page.wait_for_url("**type=StillImage")
    assert count(page) == 1
    assert page.locator('[data-facet="type"] a[aria-current]').count() == 1
    expect(filters).to_have_attribute("open", "")  # a chosen filter keeps them open, to be seen and taken off
    page.locator('[data-facet="type"] a[aria-current]').click()  # chosen again: taken off
    page.wait_for_function(
        "(n) => document.querySelector('[data-archive-count]').dataset.archiveCount == String(n)", arg=LIST_PAGE + 4
    )
    page.locator("#archive-q").fill("θησειο")  # no accent, in the description
    page.locator(".archive-search button[type=submit]").click()
    page.wait_for_url("**q=*")
    assert count(page) == 1
    assert page.locator("[data-archive-list] h2 a").inner_text() == "Η Αρχαία Αγορά από τον Άρειο Πάγο"
    page.screenshot(path=str(SCREENSHOTS / f"archive-search-{size}.png"), full_page=True)
    assert_accessible(page)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_item_page_shows_its_values_and_draws_its_map(page, live_server, archive, size):
    page.set_viewport_size(VIEWPORTS[size])
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(site_url(live_server, "athens", f"/el/archive/{archive.uid}/"))
    assert page.locator("h1").inner_text() == "Η Αρχαία Αγορά από τον Άρειο Πάγο"
    assert page.locator('[data-element="date"] dd').inner_text() == "1912–1913"
    assert page.locator('[data-element="rights"] a').inner_text() == "CC BY 4.0"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= VIEWPORTS[size]["width"]
    term, value = (page.locator(f'[data-element="source"] {tag}').bounding_box() for tag in ("dt", "dd"))
    if size == "phone":  # one column: the value under its name
        assert value["y"] >= term["y"] + term["height"] and value["x"] < term["x"] + term["width"]
    else:
        assert value["x"] >= term["x"] + term["width"]
    page.wait_for_selector("#xenagos-archive-map[data-xenagos-built] .leaflet-marker-icon")
    assert page.locator("#xenagos-archive-map path.leaflet-interactive").count() == 1  # the place's circle
    page.locator('button[data-copy="cite-bibtex"]').click()
    page.wait_for_function("() => document.querySelector('.cite .copied').textContent.length > 0")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("@misc{xenagos-") and "Κοντός, Νικόλαος" in copied
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"archive-item-{size}.png"), full_page=True)
    page.locator('[data-element="collections"] a').click()
    page.wait_for_url("**collection=cards")
    assert count(page) == 1
    page.goto(site_url(live_server, "athens", f"/el/archive/{archive.uid}/"))  # axe on the item (the harness)


@pytest.mark.expect_http_error(400)
def test_a_bad_parameter_page_names_it_and_leads_back(page, live_server, archive):
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(site_url(live_server, "athens", "/en/archive/?type=Photo&q=agora"))
    assert "type=Photo" in page.locator("[data-archive-bad]").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Show the archive without it").click()
    page.wait_for_url("**/en/archive/?q=agora")
    assert page.locator("[data-archive-count]").count() == 1  # and axe on it (the harness)
