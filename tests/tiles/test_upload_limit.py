"""A raster layer's source uploaded in the admin is limited in size (XENAGOS_RASTER_MAX_UPLOAD_MB), with a message
in the editor's language; nothing is saved and nothing is left in the media."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.users.models import UserProfile

from tests.tiles.helpers import DATA
from tests.tiles.test_registry import form_data
from tiles.models import RasterLayer

pytestmark = pytest.mark.django_db


@pytest.fixture
def greek_admin(admin_user, admin_client):
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "el"
    profile.save()
    return admin_client


def test_a_source_over_the_limit_is_refused_in_greek(greek_admin, tile_media, settings):
    content = (DATA / "l7_etms_rgb.tif").read_bytes()  # a real GeoTIFF of about 0.23 MB
    settings.XENAGOS_RASTER_MAX_UPLOAD_MB = 0.1
    assert len(content) > 0.1 * 1024 * 1024
    upload = SimpleUploadedFile("olinda.tif", content, "image/tiff")
    response = greek_admin.post("/admin/raster_layers/new/", form_data(source=upload))
    assert response.status_code == 200
    size = f"{len(content) / 1024 / 1024:.1f}".replace(".", ",")
    page = response.content.decode()
    assert f"Το olinda.tif είναι {size} MB· οι πηγές ψηφιδωτών χαρτών μπορούν να είναι έως 0,1 MB." in page
    assert not RasterLayer.objects.exists()
    assert not list(tile_media.rglob("*.tif"))


def test_a_source_within_the_limit_is_accepted(admin_client, tile_media, settings, django_capture_on_commit_callbacks):
    content = (DATA / "l7_etms_rgb.tif").read_bytes()
    settings.XENAGOS_RASTER_MAX_UPLOAD_MB = 1
    upload = SimpleUploadedFile("olinda.tif", content, "image/tiff")
    with django_capture_on_commit_callbacks(execute=False):
        response = admin_client.post("/admin/raster_layers/new/", form_data(source=upload))
    assert response.status_code == 302
    assert RasterLayer.objects.get(slug="olinda").source.size == len(content)
