"""Historical maps on the public map as a visitor meets them (issue 12, defect 10): an overlay is off at first but
announced by a visible, keyboard-reachable hint that opens the layer list at it, and on a phone its opacity panel
does not cover the zoom buttons."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

from tests.browser import site_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "research"
MAP = "/{lang}/map/?lat=37.9949&lon=23.7284&z=16"


def overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and (b["y"] < a["y"] + a["height"])
    )


@pytest.mark.parametrize(("width", "height", "name"), [(390, 844, "phone"), (1280, 900, "desktop")])
def test_the_overlay_is_announced_and_its_controls_leave_the_zoom_free(
    tile_media,
    page,
    live_server,
    athens_layer,  # noqa: F811
    width,
    height,
    name,
):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(site_url(live_server, "athens", MAP.format(lang="el")))
    page.wait_for_selector(".folium-map[data-loaded]")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"map-overlay-el-{name}.png")
    assert page.locator(".leaflet-xenagosOverlays-pane img").count() == 0  # offered, not imposed
    with translation.override("el"):
        hint = translation.ngettext("Historical map (%(count)s)", "Historical maps (%(count)s)", 1) % {"count": 1}
    button = page.get_by_role("button", name=hint)
    expect(button).to_be_visible()
    zoom = page.locator(".leaflet-control-zoom").bounding_box()
    for control in (".xenagos-opacity", ".xenagos-swipe-toggle", ".xenagos-overlays-hint"):
        box = page.locator(control).bounding_box()
        assert box is None or not overlap(box, zoom), (control, box, zoom)
    # from the keyboard: the hint opens the layer list and puts the focus on the layer's switch
    button.focus()
    page.keyboard.press("Enter")
    switcher = page.locator(".leaflet-control-layers:not(.xenagos-opacity) .leaflet-control-layers-overlays")
    checkbox = switcher.locator("label", has_text="Αθήνα 1875").locator("input[type=checkbox]")
    expect(checkbox).to_be_focused()
    page.keyboard.press("Space")
    page.wait_for_selector(".leaflet-xenagosOverlays-pane img.leaflet-tile-loaded")
    page.screenshot(path=SCREENSHOTS / f"map-overlay-el-{name}-on.png")
    zoom = page.locator(".leaflet-control-zoom").bounding_box()
    for control in (".xenagos-opacity", ".leaflet-control-layers:not(.xenagos-opacity)"):
        box = page.locator(control).bounding_box()
        assert box is None or not overlap(box, zoom), (control, box, zoom)
