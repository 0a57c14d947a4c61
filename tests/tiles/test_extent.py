"""A raster is only seen on the maps of the municipalities it overlaps (issue 12, defect 10): an upload that lies
outside them says so in the editor's language, before or when it is saved, and the layer's page keeps saying so."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.users.models import UserProfile

from tests.tiles.helpers import greek_grid_raster
from tests.tiles.test_registry import form_data
from tiles.models import RasterLayer

pytestmark = pytest.mark.django_db

# Greek Grid (EPSG:2100) easting/northing: central Athens, Nafplio, and the west Peloponnese (no demo municipality)
ATHENS, NAFPLIO, IONIAN_SEA = (476000.0, 4205000.0), (398000.0, 4160000.0), (260000.0, 4180000.0)


def upload(tmp_path, name: str, spot) -> SimpleUploadedFile:
    path = greek_grid_raster(tmp_path / name, spot=spot)
    return SimpleUploadedFile(name, path.read_bytes(), "image/tiff")


def speaking(user, language: str):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


def test_a_superusers_raster_outside_every_municipality_is_kept_with_a_warning_in_greek(
    admin_user, admin_client, tile_media, tmp_path, django_capture_on_commit_callbacks
):
    speaking(admin_user, "el")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/raster_layers/new/",
            form_data(source=upload(tmp_path, "sea.tif", IONIAN_SEA), slug="sea"),
            follow=True,
        )
    page = response.content.decode()
    layer = RasterLayer.objects.get(slug="sea")
    assert layer.status == "ready"
    assert "Το sea.tif βρίσκεται εκτός κάθε δήμου" in page, page[:3000]  # in Greek, as the editor reads the admin
    edit = admin_client.get(f"/admin/raster_layers/edit/{layer.pk}/").content.decode()
    assert "το επίπεδο βρίσκεται εκτός κάθε δήμου" in edit  # the layer's page keeps saying it reaches no map


def test_a_raster_over_a_municipality_gets_no_warning_and_names_it(
    admin_user, admin_client, tile_media, tmp_path, django_capture_on_commit_callbacks
):
    speaking(admin_user, "en")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/raster_layers/new/",
            form_data(source=upload(tmp_path, "athens.tif", ATHENS), slug="athens"),
            follow=True,
        )
    assert "lies outside" not in response.content.decode()
    layer = RasterLayer.objects.get(slug="athens")
    edit = admin_client.get(f"/admin/raster_layers/edit/{layer.pk}/").content.decode()
    assert "Offered on the maps of" in edit and "Athens" in edit.split("Offered on the maps of")[1][:300]


def test_an_editor_cannot_upload_a_raster_outside_their_municipality(athens_raster_editor, tile_media, tmp_path):
    editor, client = athens_raster_editor
    speaking(editor, "el")
    for name, spot in [("nafplio.tif", NAFPLIO), ("sea.tif", IONIAN_SEA)]:
        response = client.post("/admin/raster_layers/new/", form_data(source=upload(tmp_path, name, spot), slug="x"))
        assert response.status_code == 200
        page = response.content.decode()
        assert f"Το {name} βρίσκεται εκτός του δήμου Αθηναίων" in page, page[:2000]
        assert "/tmp/" not in page  # no server path
    assert not RasterLayer.objects.exists() and not list(tile_media.rglob("*.tif"))


def test_an_editor_may_upload_a_raster_over_their_municipality(
    athens_raster_editor, tile_media, tmp_path, django_capture_on_commit_callbacks
):
    _editor, client = athens_raster_editor
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/raster_layers/new/", form_data(source=upload(tmp_path, "a.tif", ATHENS), slug="a")
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert RasterLayer.objects.get(slug="a").status == "ready"


def test_the_command_warns_about_a_raster_outside_every_municipality(tile_media, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    source = greek_grid_raster(tmp_path / "sea.tif", spot=IONIAN_SEA)
    call_command("build_tiles", str(source), "--layer", "sea", "--workers", "1", stdout=out, stderr=err)
    assert "outside every municipality" in err.getvalue()
    err = StringIO()
    source = greek_grid_raster(tmp_path / "athens.tif", spot=ATHENS)
    call_command("build_tiles", str(source), "--layer", "athens", "--workers", "1", stdout=out, stderr=err)
    assert err.getvalue() == ""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_sees_the_refusal_in_the_greek_admin(tile_media, page, live_server, tmp_path):
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from tests.browser import admin_log_in

    editor = get_user_model().objects.get(username="editor-athens")
    editor.user_permissions.add(*Permission.objects.filter(content_type__app_label="tiles"))
    speaking(editor, "el")
    admin_log_in(page, live_server)
    source = greek_grid_raster(tmp_path / "nafplio.tif", spot=NAFPLIO)
    shots = settings.BASE_DIR / "var" / "screenshots" / "research"
    shots.mkdir(parents=True, exist_ok=True)
    for width, height, name in [(1280, 900, "desktop"), (390, 844, "phone")]:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/admin/raster_layers/new/")
        page.locator("#id_title_el").fill("Ναύπλιο 1890")
        page.locator("#id_slug").fill("nafplio-1890")
        page.locator("#id_source").set_input_files(str(source))
        page.locator('form[enctype="multipart/form-data"] button[type=submit]').first.click()
        error = page.get_by_text("Το nafplio.tif βρίσκεται εκτός του δήμου Αθηναίων")
        error.wait_for()
        error.scroll_into_view_if_needed()
        page.screenshot(path=shots / f"admin-raster-outside-editor-{name}.png")
    assert not RasterLayer.objects.exists()
