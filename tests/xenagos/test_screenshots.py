"""Every public page of both demo municipalities, in both languages, at phone (390x844) and desktop (1280x900)
size: none may show an error response, a JS error or a broken image, and each is saved as a screenshot under
var/screenshots/pages/<municipality>-<language>-<page>-<size>.png for a person to look at."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.browser import assert_images_loaded, site_url, watched_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "pages"
SIZES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
PLACE_PAGES = {"athens": "/el/places/akropoli-athinon/", "nafplio": "/el/places/tiryntha/"}
PAGES = ["home", "map", "places", "place", "data", "privacy", "404"]


def path_of(name: str, language: str, subdomain: str) -> str:
    """The page's path; the place page is reached in English through the language switcher (its slug may differ)."""
    return {
        "home": f"/{language}/",
        "map": f"/{language}/map/",
        "places": f"/{language}/places/",
        "data": f"/{language}/data/",
        "privacy": f"/{language}/privacy/",
        "404": f"/{language}/no-such-page/",
    }.get(name, PLACE_PAGES[subdomain])


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("subdomain", ["athens", "nafplio"])
def test_every_public_page_at_phone_and_desktop_size(browser, live_server, subdomain, size):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="el-GR", **SIZES[size])
    page = watched_page(context)
    try:
        for language in ("el", "en"):
            for name in PAGES:
                url = site_url(live_server, subdomain, path_of(name, language, subdomain))
                if name == "404":
                    page.problems.expect(404, url, documents_only=True)
                response = page.goto(url)
                if name == "place" and language == "en":
                    with page.expect_navigation():
                        page.locator(".language-switcher a[hreflang=en]").click()
                    assert "/en/places/" in page.url
                else:
                    assert response.status == (404 if name == "404" else 200), url
                page.wait_for_load_state("networkidle")
                assert_images_loaded(page)
                page.screenshot(path=SHOTS / f"{subdomain}-{language}-{name}-{size}.png", full_page=True)
        assert not page.problems.messages, "\n".join(page.problems.messages)
    finally:
        context.close()
