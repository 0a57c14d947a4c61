"""Historical maps on the public map page: a layer built over the municipality appears with its controls
(content/views.py wires tiles.maps into /<lang>/map/)."""

import pytest
from playwright.sync_api import expect

from tests.browser import site_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_layer_over_the_municipality_is_offered_on_the_map(tile_media, page, live_server, athens_layer):
    page.goto(site_url(live_server, "athens", "/en/map/?lat=37.9949&lon=23.7284&z=16"))
    page.wait_for_selector(".folium-map[data-loaded]")
    assert page.locator(".leaflet-xenagosOverlays-pane img").count() == 0  # offered, not imposed
    page.locator(".leaflet-control-layers:has(.leaflet-control-layers-base label)").hover()  # the layer switcher
    page.locator(".leaflet-control-layers-overlays label", has_text="Athens 1875").locator(
        "input[type=checkbox]"
    ).check()
    page.wait_for_selector(".leaflet-xenagosOverlays-pane img.leaflet-tile-loaded")
    slider = page.get_by_role("slider", name="Athens 1875")
    slider.fill("40")
    layer = ".leaflet-xenagosOverlays-pane .leaflet-layer"
    assert page.eval_on_selector(layer, "element => element.style.opacity") == "0.4"
    expect(page.get_by_role("button", name="Compare with today")).to_be_visible()


def test_layer_elsewhere_is_not_offered(tile_media, page, live_server, athens_layer):
    page.goto(site_url(live_server, "nafplio", "/en/map/"))
    page.wait_for_selector(".folium-map[data-loaded]")
    assert page.get_by_role("slider", name="Athens 1875").count() == 0


def test_the_archive_items_link_opens_the_map_with_its_layer_on_and_named(tile_media, page, live_server, athens_layer):
    from tests.factories import ArchiveItemFactory
    from tiles.models import RasterLayer

    item = ArchiveItemFactory(name_el="Χάρτης των Αθηνών", name_en="Map of Athens, 1875")
    RasterLayer.objects.filter(pk=athens_layer.pk).update(archive_item=item)
    page.goto(site_url(live_server, "athens", f"/en/archive/{item.uid}/"))
    page.get_by_role("link", name="This map is a layer on the map").click()
    page.wait_for_selector(".folium-map[data-loaded]")
    assert "layer=athens-1875" in page.url
    page.wait_for_selector(".leaflet-xenagosOverlays-pane img.leaflet-tile-loaded")  # on, without a click
    expect(page.get_by_role("slider", name="Athens 1875")).to_be_visible()
    source = page.locator(".leaflet-control-attribution a", has_text="Map of Athens, 1875")
    expect(source).to_have_attribute("href", f"/en/archive/{item.uid}/")
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("From the archive: Map of Athens, 1875")
    source.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Map of Athens, 1875")
