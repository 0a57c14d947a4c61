"""Serving tiles from the archive: ETag and long caching, quick answers outside the data, any storage backend."""

import pytest
from django.core.files.storage import InMemoryStorage

from tests.tiles.helpers import DATA, decode
from tiles import selectors
from tiles.models import RasterLayer
from tiles.services import layer_upsert_from_file

pytestmark = pytest.mark.django_db

DATA_TILE = (12, 1650, 2139)  # a zoom-12 tile of the Olinda scene
EMPTY_TILE = (12, 1000, 1000)  # the same zoom, in the Atlantic far from it


def url(layer, z, x, y, version=None):
    template = selectors.tile_url_template(slug=layer.slug, version=version or layer.version, tile_format="png")
    return template.format(z=z, x=x, y=y)


def test_a_tile_is_served_with_etag_and_a_long_cache_life(client, landsat_layer):
    response = client.get(url(landsat_layer, *DATA_TILE))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert decode(response.content).shape == (256, 256, 4)
    again = client.get(url(landsat_layer, *DATA_TILE), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again["ETag"] == response["ETag"]
    other = client.get(url(landsat_layer, 11, 825, 1069))
    assert other.status_code == 200 and other["ETag"] != response["ETag"]


def test_outside_the_data_answers_204_and_unknown_layers_404(client, landsat_layer):
    for z, x, y in [EMPTY_TILE, (5, 12, 15), (20, 0, 0)]:
        response = client.get(url(landsat_layer, z, x, y))
        assert response.status_code == 204 and not response.content
        assert "immutable" in response["Cache-Control"]
    assert client.get(url(landsat_layer, *DATA_TILE).replace(".png", ".webp")).status_code == 404
    assert client.get(url(landsat_layer, *DATA_TILE).replace("olinda-landsat", "nowhere")).status_code == 404


def test_an_older_build_address_gets_current_tiles_briefly_cached(client, landsat_layer):
    response = client.get(url(landsat_layer, *DATA_TILE, version="0123456789ab"))
    assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=300"


def test_an_unpublished_layer_is_served_to_staff_only(client, admin_client, landsat_layer):
    RasterLayer.objects.filter(pk=landsat_layer.pk).update(published=False)
    selectors.tile_source_forget(slug=landsat_layer.slug)
    assert client.get(url(landsat_layer, *DATA_TILE)).status_code == 404
    assert admin_client.get(url(landsat_layer, *DATA_TILE)).status_code == 200
    assert selectors.layers_for_map(language="el") == []


def test_layers_for_map_in_each_language_and_by_extent(landsat_layer):
    [greek] = selectors.layers_for_map(language="el")
    [english] = selectors.layers_for_map(language="en", bounds=(-35.0, -8.1, -34.8, -7.9))
    assert (greek.title, english.title, greek.period) == ("Ολίντα, Landsat 7", "Olinda, Landsat 7", "2000")
    assert greek.attribution == "USGS &lt;Landsat&gt; · Apache-2.0"
    assert (greek.min_zoom, greek.max_zoom, greek.opacity) == (11, 12, 0.7)
    west, south, east, north = greek.bounds
    assert -34.92 < west < east < -34.82 and -8.05 < south < north < -7.94
    assert greek.tile_url == f"/tiles/olinda-landsat/{landsat_layer.version}/{{z}}/{{x}}/{{y}}.png"
    assert selectors.layers_for_map(language="el", bounds=(23.6, 37.9, 23.8, 38.1)) == []  # Athens: not there


def test_tilejson_describes_the_layer(client, landsat_layer):
    data = client.get(f"/tiles/{landsat_layer.slug}/tilejson.json").json()
    assert data["tilejson"] == "3.0.0" and (data["minzoom"], data["maxzoom"]) == (11, 12)
    assert data["tiles"] == [f"http://testserver/tiles/olinda-landsat/{landsat_layer.version}/{{z}}/{{x}}/{{y}}.png"]


def test_archives_are_read_through_the_storage_api(settings, client, tile_media):
    """A storage without local paths (as S3 through django-storages) serves the same tiles."""
    settings.STORAGES = {**settings.STORAGES, "tiles": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    from tiles.models import tiles_storage

    assert isinstance(tiles_storage(), InMemoryStorage)
    layer = layer_upsert_from_file(slug="in-memory", source=DATA / "l7_etms_rgb.tif", workers=1).layer
    assert tiles_storage().exists(layer.archive.name) and not (tile_media / layer.archive.name).exists()
    response = client.get(url(layer, *DATA_TILE))
    assert response.status_code == 200 and decode(response.content)[..., -1].max() == 255
    assert client.get(url(layer, *EMPTY_TILE)).status_code == 204
