"""Fixtures of the tile tests: media in a temporary folder, a built layer."""

import pytest

from tests.tiles.helpers import DATA
from tiles.storage import readers


@pytest.fixture
def tile_media(settings, tmp_path):
    """Sources and archives go to a temporary MEDIA_ROOT; open archive readers are forgotten afterwards.

    Browser tests name this fixture before ``page``: fixtures are torn down in reverse order, so the page (which
    may still be fetching tiles) closes before MEDIA_ROOT is restored."""
    settings.MEDIA_ROOT = tmp_path / "media"
    yield settings.MEDIA_ROOT
    readers.clear()


@pytest.fixture
def landsat_layer(db, tile_media):
    """A published layer built from the Landsat RGB scene of Olinda (zooms 11-12, 5 tiles)."""
    from tiles.models import RasterLayer
    from tiles.services import layer_upsert_from_file

    built = layer_upsert_from_file(slug="olinda-landsat", source=DATA / "l7_etms_rgb.tif", workers=1)
    RasterLayer.objects.filter(pk=built.layer.pk).update(
        title_el="Ολίντα, Landsat 7",
        title_en="Olinda, Landsat 7",
        year_from=2000,
        attribution="USGS <Landsat>",
        licence="Apache-2.0",
        default_opacity=0.7,
    )
    built.layer.refresh_from_db()
    return built.layer


@pytest.fixture
def athens_layer(tile_media, tmp_path):
    """A small raster in the Greek Grid over central Athens (E 476000, N 4205000), built to tiles, titled
    "Αθήνα 1875" / "Athens 1875"."""
    from tests.tiles.helpers import greek_grid_raster
    from tiles.models import RasterLayer
    from tiles.services import layer_upsert_from_file

    source = greek_grid_raster(tmp_path / "athens-1875.tif")
    built = layer_upsert_from_file(slug="athens-1875", source=source, workers=1).layer
    RasterLayer.objects.filter(pk=built.pk).update(title_el="Αθήνα 1875", title_en="Athens 1875")
    built.refresh_from_db()
    return built


@pytest.fixture
def athens_raster_editor(django_user_model):
    """Athens' demo editor, allowed to manage raster layers (superusers only, by default), and a client logged in
    as them."""
    from django.contrib.auth.models import Permission
    from django.test import Client

    editor = django_user_model.objects.get(username="editor-athens")
    editor.user_permissions.add(*Permission.objects.filter(content_type__app_label="tiles"))
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    client.force_login(editor)
    return editor, client
