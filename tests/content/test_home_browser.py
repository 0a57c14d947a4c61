"""The home page and the map on a phone (390×844) and a desktop, in Chromium: featured places whose images load,
search and "near me" from the home page, filters folded behind a button, the position dot above the clusters, and
a popup that takes the focus when opened from the keyboard. Screenshots go to var/screenshots/home/."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image as PillowImage
from playwright.sync_api import expect

from content.models import Branding, HomePage
from gis.models import Place
from tests.browser import admin_log_in, site_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "home"
ACROPOLIS = (37.9716471, 23.7264385)
SETTLED = "() => !document.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim')"
LOADED_IMAGES = "() => Array.from(document.images).every(img => img.complete)"
BROKEN_IMAGES = "() => Array.from(document.images).filter(img => img.naturalWidth === 0).map(img => img.src)"


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sized(page, viewport: dict, **geolocation):
    """The harness' page (JS errors, failed requests and axe checked after the test) at ``viewport``; with
    ``latitude``/``longitude``, the browser may tell that position."""
    page.set_viewport_size(viewport)
    if geolocation:
        page.context.grant_permissions(["geolocation"])
        page.context.set_geolocation(geolocation)
    return page


def map_top(page) -> float:
    return page.evaluate("() => document.querySelector('.map-frame').getBoundingClientRect().top")


@pytest.mark.parametrize(("subdomain", "language"), [("athens", "el"), ("athens", "en"), ("nafplio", "el")])
@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_home_page_cards_and_their_images_load(
    page, live_server, acropolis_with_photo, subdomain, language, size, viewport
):
    tiles = []
    sized(page, viewport)
    page.on("response", lambda r: tiles.append(r.status) if "blank-tile.png" in r.url else None)
    page.goto(site_url(live_server, subdomain, f"/{language}/"))
    page.wait_for_load_state("networkidle")
    title = {
        "el": {"athens": "Δήμος Αθηναίων", "nafplio": "Δήμος Ναυπλιέων"},
        "en": {"athens": "Municipality of Athens"},
    }
    assert page.title() == title[language][subdomain]
    cards = page.locator(".featured .card")
    assert cards.count() >= 1
    page.wait_for_function(LOADED_IMAGES)
    assert page.evaluate(BROKEN_IMAGES) == []
    if subdomain == "athens" and language == "el":  # the Acropolis' photo, as a Wagtail rendition
        image = cards.first.locator("img")
        assert image.get_attribute("alt") == "Ο Παρθενώνας από τα δυτικά"
        assert "/media/images/" in image.get_attribute("src")
        assert image.evaluate("img => img.naturalWidth") == 480
    assert tiles and set(tiles) == {200}  # the map thumbnails' base-map tiles
    assert page.locator(".featured svg.map-thumbnail image").count() >= 1
    # nothing wider than the screen on a phone
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"home-{subdomain}-{language}-{size}")


def test_home_search_leads_to_the_map_search(page, live_server):
    sized(page, PHONE)
    page.goto(site_url(live_server, "athens", "/el/"))
    page.get_by_role("searchbox", name="Αναζήτηση τόπων").fill("ακροπολη")
    page.get_by_role("search").get_by_role("button", name="Αναζήτηση").click()
    page.wait_for_url("**/el/map/**")
    page.wait_for_selector(".folium-map[data-loaded]")
    expect(page.locator("[data-list] li")).to_have_text(["Ακρόπολη Αθηνών"])
    assert page.get_by_label("Αναζήτηση", exact=True).input_value() == "ακροπολη"


def test_home_near_me_asks_the_location_at_once(page, live_server):
    syntagma = {"latitude": 37.9755, "longitude": 23.7348}
    sized(page, PHONE, **syntagma)
    page.goto(site_url(live_server, "athens", "/en/"))
    page.get_by_role("link", name="Places near me").click()
    page.wait_for_url("**/en/map/**")
    results = page.locator("[data-near-results] li")
    expect(results.first).to_contain_text("Temple of Olympian Zeus")  # about 690 m from Syntagma Square
    # Not checked here: that the map then centres on the visitor. It does after "Use my location" (the map page's
    # button), but when the location is asked at load (#near-me) the map was seen back on the municipality's
    # opening view in some runs: an open issue, see the report of branch wt/home.
    screenshot(page, "near-me-from-home-phone")


@pytest.mark.parametrize("language", ["el", "en"])
def test_on_a_phone_the_map_starts_on_the_first_screen_and_filters_fold(page, live_server, language):
    sized(page, PHONE)
    page.goto(site_url(live_server, "athens", f"/{language}/map/"))
    page.wait_for_selector(".folium-map[data-loaded]")
    assert map_top(page) < PHONE["height"] / 2  # at least half of the first screen is map
    toggle = page.locator("[data-filters-toggle]")
    category = page.locator("#filter-category")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(category).to_be_hidden()
    expect(page.locator("#filter-q")).to_be_visible()  # search stays at hand
    screenshot(page, f"map-{language}-phone")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(category).to_be_visible()
    category.select_option("monument")
    expect(toggle).to_contain_text("(1)")  # folded again, the button still says a filter is on
    screenshot(page, f"map-{language}-phone-filters-open")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(category).to_be_hidden()


def test_on_a_desktop_every_filter_shows_and_there_is_no_toggle(page, live_server):
    sized(page, DESKTOP)
    page.goto(site_url(live_server, "athens", "/el/map/"))
    page.wait_for_selector(".folium-map[data-loaded]")
    expect(page.locator("[data-filters-toggle]")).to_be_hidden()
    expect(page.locator("#filter-category")).to_be_visible()
    expect(page.locator("#filter-period")).to_be_visible()
    assert map_top(page) < DESKTOP["height"] / 2
    screenshot(page, "map-el-desktop")


def pixel_of(locator, x: float, y: float) -> tuple[int, int, int]:
    """The colour drawn at (x, y) CSS pixels from the top-left corner of ``locator``'s element."""
    png = PillowImage.open(io.BytesIO(locator.screenshot())).convert("RGB")
    box = locator.bounding_box()
    scale = png.width / box["width"]
    return png.getpixel((round(x * scale), round(y * scale)))


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_position_dot_is_drawn_above_a_cluster(page, live_server, size, viewport):
    sized(page, viewport, latitude=37.97, longitude=23.72)
    page.goto(site_url(live_server, "athens", f"/el/map/?lat={ACROPOLIS[0]}&lon={ACROPOLIS[1]}&z=15"))
    page.wait_for_selector(".folium-map[data-loaded]")
    page.wait_for_function("() => document.querySelector('.marker-cluster')")
    page.wait_for_function(SETTLED)
    # the visitor stands where a cluster of the Acropolis' monuments is drawn at this zoom
    where = page.evaluate(
        """() => { const icon = document.querySelector('.marker-cluster').getBoundingClientRect();
                   const map = xenagos.map.getContainer().getBoundingClientRect();
                   return xenagos.map.containerPointToLatLng(
                     [icon.left + icon.width / 2 - map.left, icon.top + icon.height / 2 - map.top]); }"""
    )
    page.context.set_geolocation({"latitude": where["lat"], "longitude": where["lng"]})
    # "near me" pans the map to the visitor: the dot is looked for once that pan has ended (else the position is
    # computed mid-pan and the pixel read after it, somewhere else)
    page.evaluate(
        "() => { window.nearPanned = new Promise(done => { xenagos.map.once('moveend', done);"
        " setTimeout(done, 5000); }); }"
    )
    page.get_by_role("button", name="Η θέση μου").click()
    expect(page.locator("[data-near-results]")).not_to_have_attribute("aria-busy", "true")
    page.evaluate("() => window.nearPanned")
    page.wait_for_function(SETTLED)
    page.wait_for_function(
        f"""() => {{ const c = xenagos.map.getCenter();
                    return Math.abs(c.lat - {where["lat"]}) < 1e-4 && Math.abs(c.lng - {where["lng"]}) < 1e-4; }}"""
    )  # and the map did pan to the visitor (Leaflet keeps the centre to the pixel: 1e-4° is about 10 m)
    frame = page.locator(".map-frame")
    frame.scroll_into_view_if_needed()
    # where the visitor's position is on the screen (found from the map, not from how the dot is drawn)
    centre_x, centre_y = page.evaluate(
        f"""() => {{ const p = xenagos.map.latLngToContainerPoint([{where["lat"]}, {where["lng"]}]);
                    const map = xenagos.map.getContainer().getBoundingClientRect();
                    return [map.left + p.x, map.top + p.y]; }}"""
    )
    cluster = page.evaluate(
        f"""() => Array.from(document.querySelectorAll('.marker-cluster')).some(icon => {{
                const r = icon.getBoundingClientRect();
                return r.left <= {centre_x} && {centre_x} <= r.right && r.top <= {centre_y} && {centre_y} <= r.bottom;
            }})"""
    )
    assert cluster, "the test needs a cluster under the position"
    origin = frame.bounding_box()
    red, green, blue = pixel_of(frame, centre_x - origin["x"], centre_y - origin["y"])
    assert abs(red - 0x0B) < 12 and abs(green - 0x53) < 12 and abs(blue - 0x94) < 12, (red, green, blue)
    screenshot(page, f"near-me-dot-{size}")


def test_popup_opened_from_the_keyboard_takes_the_focus_and_gives_it_back(page, live_server):
    page.goto(site_url(live_server, "athens", f"/el/map/?lat={ACROPOLIS[0]}&lon={ACROPOLIS[1]}&z=19"))
    page.wait_for_selector('.leaflet-marker-icon[alt="Ακρόπολη Αθηνών"]')
    page.wait_for_function(SETTLED)
    focused_alt = "() => document.activeElement && document.activeElement.getAttribute('alt')"
    for _ in range(80):  # Tab through the page, as a keyboard user does, until the marker has the focus
        page.keyboard.press("Tab")
        if page.evaluate(focused_alt) == "Ακρόπολη Αθηνών":
            break
    assert page.evaluate(focused_alt) == "Ακρόπολη Αθηνών"
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Ακρόπολη Αθηνών")
    expect(dialog).to_be_focused()
    screenshot(page, "popup-keyboard-desktop")
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("link")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    assert page.evaluate(focused_alt) == "Ακρόπολη Αθηνών"


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_editor_features_a_place_of_their_municipality_in_the_admin(page, live_server, size, viewport):
    home = Branding.objects.get(municipality__code="9186").site.root_page
    sized(page, viewport)
    admin_log_in(page, live_server)  # editor-athens
    page.goto(f"{live_server.url}/admin/pages/{home.pk}/edit/")
    page.locator("#id_featured_places-ADD").click()
    page.locator("#inline_child_featured_places-0 [data-chooser-action-choose]").first.click()
    # the chooser lists the editor's own places only
    choices = page.locator("[data-chooser-modal-choice]")
    expect(choices.first).to_be_visible()
    assert "Τίρυνθα" not in choices.all_inner_texts()
    choices.first.click()
    chosen = page.locator("#id_featured_places-0-place")
    expect(chosen).not_to_have_value("")
    place = Place.objects.get(pk=int(chosen.input_value()))
    assert place.municipality.code == "9186"
    screenshot(page, f"admin-home-featured-{size}")
    page.locator("button.action-save").first.click()
    page.wait_for_load_state("networkidle")
    draft = HomePage.objects.get(pk=home.pk).get_latest_revision_as_object()
    assert [item.place_id for item in draft.featured_places.all()] == [place.pk]
