"""A layer on the map in Chromium: the overlay's tiles load from our archive, the opacity slider changes it and the
swipe clips it to one side of the divider."""

import re
from urllib.parse import urlsplit

import pytest
from django.utils.translation import gettext, override

from tests.browser import site_url
from tests.tiles.helpers import DATA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERLAY = ".leaflet-xenagosOverlays-pane .leaflet-layer"
LOADED_TILES = ".leaflet-xenagosOverlays-pane img.leaflet-tile-loaded"


@pytest.fixture
def layer(tile_media):
    from tiles.models import RasterLayer
    from tiles.services import layer_upsert_from_file

    built = layer_upsert_from_file(slug="olinda-landsat", source=DATA / "l7_etms_rgb.tif", workers=1).layer
    RasterLayer.objects.filter(pk=built.pk).update(title_el="Ολίντα", title_en="Olinda", default_opacity=0.7)
    return built


def test_the_overlay_shows_and_its_opacity_and_swipe_work(tile_media, page, live_server, layer):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site_url(live_server, "athens", "/tiles/olinda-landsat/preview/"))
    page.wait_for_selector(LOADED_TILES)
    tiles = page.eval_on_selector_all(LOADED_TILES, "imgs => imgs.map(i => [i.src, i.naturalWidth])")
    assert tiles and all(re.search(r"/tiles/olinda-landsat/[0-9a-f]{12}/1[12]/\d+/\d+\.png$", s) for s, _w in tiles)
    assert all(width == 256 for _src, width in tiles)
    assert page.eval_on_selector(OVERLAY, "layer => layer.style.opacity") == "0.7"
    # the attribution's links are underlined, not told from its text by colour alone (WCAG 1.4.1)
    underlines = "links => links.map(a => getComputedStyle(a).textDecorationLine)"
    assert set(page.eval_on_selector_all(".leaflet-control-attribution a", underlines)) == {"underline"}

    slider = page.get_by_role("slider", name="Ολίντα")  # the page is in Greek (the browser asks for el-GR)
    assert slider.input_value() == "70"
    slider.fill("25")
    assert page.eval_on_selector(OVERLAY, "layer => layer.style.opacity") == "0.25"

    pane_clip = "() => document.querySelector('.leaflet-xenagosOverlays-pane').style.clip"
    assert page.evaluate(pane_clip) == ""
    with override("el"):  # the page is in Greek; without compiled translations its controls speak English
        compare, divider_name = gettext("Compare with today"), gettext("Divider between the old map and today's map")
    page.get_by_role("button", name=compare).click()
    divider = page.get_by_role("slider", name=divider_name)
    assert divider.count() == 1
    box = page.locator(".folium-map").bounding_box()
    width = box["width"]

    def clip_right() -> float:
        page.wait_for_function(f"() => ({pane_clip})().startsWith('rect(')")
        top, right, bottom, left = map(float, re.findall(r"-?[\d.]+", page.evaluate(pane_clip)))
        return right - left

    assert abs(clip_right() - width / 2) < 30  # the divider starts in the middle
    page.mouse.move(box["x"] + width / 2, box["y"] + box["height"] / 2)  # drag the thumb, as a person would
    page.mouse.down()
    page.mouse.move(box["x"] + width * 0.2, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    assert abs(clip_right() - width * 0.2) < 30  # only the left fifth still shows the old map
    assert 0.15 < float(divider.input_value()) < 0.25
    divider.focus()  # and from the keyboard: each arrow moves the divider by a hundredth of the width
    for _ in range(10):
        divider.press("ArrowRight")
    assert abs(clip_right() - width * 0.3) < 30
    centre = "() => xenagos.overlays.map.getCenter().lng"
    before = page.evaluate(centre)
    page.mouse.move(box["x"] + width * 0.7, box["y"] + box["height"] * 0.8)  # the map itself still drags
    page.mouse.down()
    page.mouse.move(box["x"] + width * 0.5, box["y"] + box["height"] * 0.8, steps=8)
    page.mouse.up()
    assert page.evaluate(centre) > before
    page.get_by_role("button", name=compare).click()
    assert page.evaluate(pane_clip) == "" and not divider.count()

    hosts = {urlsplit(url).hostname for url in requests if url.startswith("http")}
    assert hosts == {"athens.localhost"}, f"requests left our origin: {hosts}"
