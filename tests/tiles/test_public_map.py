"""Historical maps on the public map page: a layer built over the municipality appears with its controls
(content/views.py wires tiles.maps into /<lang>/map/)."""

import pytest
from playwright.sync_api import expect

from tests.browser import site_url
from tests.tiles.helpers import greek_grid_raster

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def athens_layer(tile_media, tmp_path):
    """A small raster in the Greek Grid over central Athens (E 476000, N 4205000), built to tiles."""
    from tiles.models import RasterLayer
    from tiles.services import layer_upsert_from_file

    source = greek_grid_raster(tmp_path / "athens-1875.tif")
    built = layer_upsert_from_file(slug="athens-1875", source=source, workers=1).layer
    RasterLayer.objects.filter(pk=built.pk).update(title_el="Αθήνα 1875", title_en="Athens 1875")
    return built


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
