"""Athens' editor in Chromium: Nafplio's pages and places are refused, and the explorer, search and reports show
nothing of Nafplio's."""

import os

import pytest
from wagtail.models import Site

from content.models import PlacePage
from tests.browser import admin_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("XENAGOS_SCREENSHOTS", "")  # a folder to keep screenshots in, for a person to look at


def nafplio_texts() -> list[str]:
    home = Site.objects.get(hostname="nafplio.localhost").root_page
    pages = PlacePage.objects.filter(path__startswith=home.path)
    return [home.title, *pages.values_list("title", flat=True), *(page.place.name_el for page in pages)]


def test_athens_editor_sees_nothing_of_nafplio(page, live_server):
    hidden = nafplio_texts()
    nafplio_page = PlacePage.objects.filter(
        path__startswith=Site.objects.get(hostname="nafplio.localhost").root_page.path
    ).first()
    admin_log_in(page, live_server)
    for path in [
        "/admin/pages/",
        "/admin/pages/search/?q=a",
        "/admin/reports/site-history/",
        "/admin/localize/reports/translations/",
        "/admin/snippets/xgis/place/",
        "/admin/reports/aging-pages/",
    ]:
        page.goto(f"{live_server.url}{path}")
        text = page.locator("main").inner_text()
        assert not [name for name in hidden if name in text], path
        if SCREENSHOTS:
            page.screenshot(path=os.path.join(SCREENSHOTS, path.strip("/").replace("/", "_") + ".png"), full_page=True)
    # Nafplio's place page and place record: sent back to the dashboard with an error, nothing of them shown
    for path in [f"/admin/pages/{nafplio_page.pk}/edit/", f"/admin/snippets/xgis/place/edit/{nafplio_page.place_id}/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status in (200, 403)
        text = page.locator("body").inner_text()
        assert nafplio_page.title not in text and nafplio_page.place.name_el not in text, path
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "nafplio_refused.png"), full_page=True)
