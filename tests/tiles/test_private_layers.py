"""A raster layer's files are never reachable by URL, and an unpublished layer is not reachable at all except by
those who may see it: superusers, and editors of a municipality its extent covers who may view raster layers."""

import morecantile
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from tests.tiles.helpers import decode, greek_grid_raster
from tiles import selectors
from tiles.models import RasterLayer
from tiles.services import layer_upsert_from_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def athens_layer(tile_media, tmp_path):
    """A layer built from a 64x64 EPSG:2100 GeoTIFF of 10 m pixels centred near Syntagma (in Athens)."""
    source = greek_grid_raster(tmp_path / "athens-1890.tif")
    layer = layer_upsert_from_file(slug="athens-1890", source=source, workers=1).layer
    layer.refresh_from_db()
    selectors.tile_source_forget(slug=layer.slug)  # the build forgets on commit, which a test never reaches
    return layer


def tile_url(layer: RasterLayer, *, version: str | None = None) -> str:
    """The address of the layer's deepest tile holding its centre (XYZ, Web Mercator)."""
    centre = layer.bounds.centroid
    tile = morecantile.tms.get("WebMercatorQuad").tile(centre.x, centre.y, layer.built_max_zoom)
    template = selectors.tile_url_template(slug=layer.slug, version=version or layer.version, tile_format="png")
    return template.format(z=tile.z, x=tile.x, y=tile.y)


def unpublish(layer: RasterLayer) -> None:
    RasterLayer.objects.filter(pk=layer.pk).update(published=False)
    selectors.tile_source_forget(slug=layer.slug)


def layer_urls(layer: RasterLayer) -> list[str]:
    """Every address that serves something of the layer."""
    return [
        tile_url(layer),
        tile_url(layer, version="0123456789ab"),  # an older build's address
        f"/tiles/{layer.slug}/tilejson.json",
        f"/tiles/{layer.slug}/preview/",
    ]


def file_urls(layer: RasterLayer) -> list[str]:
    """Every address that could name the layer's source GeoTIFF or its PMTiles archive as a file."""
    names = [layer.source.name, layer.archive.name]
    urls = [f"/media/{name}" for name in names]
    urls += [f"/media/images/../{name}" for name in names]
    urls += [f"/static/../media/{name}" for name in names]
    urls += [f"/tiles/{name.split('/', 1)[1]}" for name in names]  # /tiles/sources/..., /tiles/archives/...
    urls += [f"/tiles/{layer.slug}/{layer.version}/", f"/tiles/{layer.slug}/", "/media/tiles/archives/"]
    urls += [f"/tiles/{layer.slug}/{layer.version}.pmtiles", f"/tiles/{layer.slug}.pmtiles"]
    return urls


def editor(username: str, *, may_view_layers: bool):
    user = get_user_model().objects.get(username=username)
    if may_view_layers:
        group = Group.objects.get(name="Athens: editors" if "athens" in username else "Nafplio: editors")
        group.permissions.add(Permission.objects.get(content_type__app_label="tiles", codename="view_rasterlayer"))
    return get_user_model().objects.get(pk=user.pk)  # without the permission cache of the first instance


def test_a_published_layer_is_served_as_tiles_only(client, tile_media, athens_layer):
    for url in layer_urls(athens_layer):
        assert client.get(url).status_code == 200, url
    tile = client.get(tile_url(athens_layer))
    assert decode(tile.content)[..., -1].max() == 255 and tile["Cache-Control"].startswith("public")
    assert (tile_media / athens_layer.source.name).is_file() and (tile_media / athens_layer.archive.name).is_file()
    for url in file_urls(athens_layer):
        response = client.get(url, follow=True)
        assert response.status_code == 404, url
        assert b"PMTiles" not in response.content and b"II*\x00" not in response.content


def test_an_unpublished_layer_is_not_reachable_anonymously_by_any_url(client, athens_layer):
    published_tile = client.get(tile_url(athens_layer))
    unpublish(athens_layer)
    for url in layer_urls(athens_layer) + file_urls(athens_layer):
        assert client.get(url, follow=True).status_code == 404, url
    # not even a 304 that would confirm a tile someone kept
    assert client.get(tile_url(athens_layer), HTTP_IF_NONE_MATCH=published_tile["ETag"]).status_code == 404
    assert selectors.layers_for_map(language="el") == []


def test_a_django_staff_flag_alone_does_not_open_an_unpublished_layer(client, athens_layer):
    unpublish(athens_layer)
    staff = get_user_model().objects.create_user("staff-only", is_staff=True)
    client.force_login(staff)
    for url in layer_urls(athens_layer):
        assert client.get(url).status_code == 404, url


def test_editors_of_the_layers_municipality_may_preview_it_privately(client, athens_layer):
    unpublish(athens_layer)
    client.force_login(editor("editor-athens", may_view_layers=False))
    assert client.get(tile_url(athens_layer)).status_code == 404  # an editor without the raster layers right

    client.force_login(editor("editor-athens", may_view_layers=True))
    for url in layer_urls(athens_layer):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-cache", url  # never kept by a proxy or a CDN
    tile = client.get(tile_url(athens_layer))
    assert not tile.has_header("Access-Control-Allow-Origin") and decode(tile.content)[..., -1].max() == 255
    assert client.get(tile_url(athens_layer), HTTP_IF_NONE_MATCH=tile["ETag"]).status_code == 304
    for url in file_urls(athens_layer):
        assert client.get(url, follow=True).status_code == 404, url  # files are not served to editors either


def test_another_municipalitys_editor_may_not_preview_it(client, athens_layer):
    unpublish(athens_layer)
    client.force_login(editor("editor-nafplio", may_view_layers=True))
    for url in layer_urls(athens_layer):
        assert client.get(url).status_code == 404, url


def test_superusers_preview_any_unpublished_layer(admin_client, athens_layer):
    unpublish(athens_layer)
    for url in layer_urls(athens_layer):
        assert admin_client.get(url).status_code == 200, url


def test_unpublishing_in_the_admin_closes_the_tiles_at_once(client, athens_layer, django_capture_on_commit_callbacks):
    assert client.get(tile_url(athens_layer)).status_code == 200  # now in the short cache of tile sources
    athens_layer.published = False
    with django_capture_on_commit_callbacks(execute=True):
        athens_layer.save()  # as the Raster layers admin saves it
    assert client.get(tile_url(athens_layer)).status_code == 404
