"""The layer registry: the build_tiles command, the admin upload, the background build with the database worker."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django_tasks import task_backends

from tests.tiles.helpers import DATA, read_pmtiles
from tiles.models import RasterLayer, tiles_storage
from tiles.tasks import layer_build_schedule, layer_build_task

pytestmark = pytest.mark.django_db

VRT = b'<VRTDataset rasterXSize="1" rasterYSize="1"><VRTRasterBand dataType="Byte" band="1"/></VRTDataset>'


def form_data(**overrides):
    data = {
        "title_el": "Ολίντα",
        "title_en": "Olinda",
        "slug": "olinda",
        "kind": "historical_map",
        "year_from": "",
        "year_to": "",
        "attribution": "USGS",
        "licence": "",
        "licence_url": "",
        "bands": "",
        "tile_format": "png",
        "min_zoom": "",
        "max_zoom": "",
        "default_opacity": "0.8",
        "published": "on",
    }
    data.update(overrides)
    return data


def test_the_command_registers_a_layer_and_shows_progress(tile_media):
    out = StringIO()
    call_command("build_tiles", str(DATA / "l7_etms_rgb.tif"), "--layer", "olinda", "--workers", "1", stdout=out)
    layer = RasterLayer.objects.get(slug="olinda")
    assert (
        layer.status == "ready" and layer.tile_count == 5 and (layer.built_min_zoom, layer.built_max_zoom) == (11, 12)
    )
    assert tiles_storage().exists(layer.archive.name) and tiles_storage().exists(layer.source.name)
    assert "100%" in out.getvalue() and "olinda: 5 tiles, zoom 11–12" in out.getvalue()
    again = StringIO()
    call_command("build_tiles", str(DATA / "l7_etms_rgb.tif"), "--layer", "olinda", stdout=again)
    assert "up to date, nothing rebuilt" in again.getvalue()
    assert RasterLayer.objects.get(slug="olinda").archive.name == layer.archive.name


def test_the_command_writes_a_folder_or_archive_without_touching_the_registry(tmp_path, tile_media):
    out = StringIO()
    call_command(
        "build_tiles",
        str(DATA / "olinda_dem_utm25s.tif"),
        "--layer",
        "relief",
        "--hillshade",
        "--zoom",
        "9-11",
        "--out",
        str(tmp_path / "relief"),
        "--folder",
        "--workers",
        "1",
        stdout=out,
    )
    assert sorted(p.name for p in (tmp_path / "relief").iterdir()) == ["10", "11", "9", "metadata.json"]
    call_command("build_tiles", str(DATA / "l7_etms_rgb.tif"), "--layer", "x", "--out", str(tmp_path / "x.pmtiles"))
    assert len(read_pmtiles(tmp_path / "x.pmtiles")) == 5
    assert not RasterLayer.objects.exists()


def test_bad_input_to_the_command_leaves_no_layer(tmp_path, tile_media):
    disguised = tmp_path / "map.tif"
    disguised.write_bytes(VRT)
    with pytest.raises(CommandError, match="map.tif: the content is not a TIFF"):
        call_command("build_tiles", str(disguised), "--layer", "bad")
    with pytest.raises(CommandError, match="int16.*hillshade"):
        call_command("build_tiles", str(DATA / "elev_luxembourg.tif"), "--layer", "bad")
    with pytest.raises(CommandError, match="zoom range looks like"):
        call_command("build_tiles", str(DATA / "l7_etms_rgb.tif"), "--layer", "bad", "--zoom", "high")
    assert not RasterLayer.objects.exists() and not (tile_media / "tiles").exists()


def test_uploading_in_the_admin_builds_the_layer(admin_client, tile_media, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("olinda.tif", (DATA / "l7_etms_rgb.tif").read_bytes(), "image/tiff")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/raster_layers/new/", form_data(source=upload))
    assert response.status_code == 302, response.content.decode()[:3000]
    layer = RasterLayer.objects.get(slug="olinda")
    assert layer.status == "ready" and layer.progress == 100 and layer.tile_count == 5  # the immediate backend ran it
    listing = admin_client.get("/admin/raster_layers/").content.decode()
    assert 'data-tiles-status="ready"' in listing and '<progress max="100" value="100"' in listing
    status = admin_client.get(f"/admin/tiles/layers/{layer.pk}/status/").json()
    assert status["status"] == "ready" and status["tile_count"] == 5
    edit = admin_client.get(f"/admin/raster_layers/edit/{layer.pk}/").content.decode()
    assert "/tiles/olinda/preview/" in edit and "EPSG:4326" in edit


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("old-map.tif", VRT, "the content is not a TIFF"),
        ("old-map.jpg", b"\xff\xd8\xff\xe0", "expected a GeoTIFF"),
        ("relief.tif", (DATA / "elev_luxembourg.tif").read_bytes(), "not 8-bit colours"),
        ("truncated.tif", (DATA / "l7_etms_rgb.tif").read_bytes()[:5000], "cannot be read"),
    ],
)
def test_a_bad_upload_is_refused_with_a_message_and_no_layer(admin_client, tile_media, name, content, message):
    upload = SimpleUploadedFile(name, content, "image/tiff")
    response = admin_client.post("/admin/raster_layers/new/", form_data(source=upload))
    assert response.status_code == 200
    assert message in response.content.decode() and name in response.content.decode()
    assert not RasterLayer.objects.exists()


def test_a_dem_uploaded_as_hillshade_is_accepted(admin_client, tile_media, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("lux.tif", (DATA / "elev_luxembourg.tif").read_bytes(), "image/tiff")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/raster_layers/new/", form_data(source=upload, kind="hillshade", slug="lux")
        )
    assert response.status_code == 302
    assert RasterLayer.objects.get(slug="lux").status == "ready"


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_builds_a_queued_layer(database_tasks, tile_media):
    assert type(task_backends["default"]).__name__ == "DatabaseBackend"
    layer = RasterLayer(slug="olinda", title_el="Ολίντα")
    with (DATA / "l7_etms_rgb.tif").open("rb") as handle:
        layer.source.save("olinda.tif", SimpleUploadedFile("olinda.tif", handle.read()), save=True)
    layer_build_schedule(layer=layer)  # outside a transaction: enqueued at once
    layer.refresh_from_db()
    assert layer.status == "queued" and not layer.archive
    call_command("db_worker", "--batch", "--no-startup-delay", "-v", "0")
    layer.refresh_from_db()
    assert layer.status == "ready" and layer.tile_count == 5 and tiles_storage().exists(layer.archive.name)


def test_a_failed_build_is_recorded_and_keeps_no_archive(tile_media):
    layer = RasterLayer(slug="broken", title_el="Χαλασμένο")
    layer.source.save("broken.tif", SimpleUploadedFile("broken.tif", (DATA / "l7_etms_rgb.tif").read_bytes()[:5000]))
    layer_build_task.call(layer.pk)
    layer.refresh_from_db()
    assert layer.status == "failed" and "cannot be read" in layer.message and not layer.archive


def test_deleting_a_layer_deletes_its_files(tile_media, django_capture_on_commit_callbacks):
    call_command("build_tiles", str(DATA / "l7_etms_rgb.tif"), "--layer", "olinda", "--workers", "1", stdout=StringIO())
    layer = RasterLayer.objects.get(slug="olinda")
    names = [layer.archive.name, layer.source.name]
    with django_capture_on_commit_callbacks(execute=True):
        layer.delete()
    assert not any(tiles_storage().exists(name) for name in names)


def test_zooms_beyond_the_rasters_detail_are_refused_in_the_admin(admin_client, tile_media):
    upload = SimpleUploadedFile("olinda.tif", (DATA / "l7_etms_rgb.tif").read_bytes(), "image/tiff")
    response = admin_client.post("/admin/raster_layers/new/", form_data(source=upload, min_zoom="10", max_zoom="22"))
    assert response.status_code == 200 and "zoom 22 is beyond the raster" in response.content.decode()
    assert not RasterLayer.objects.exists()


def test_a_build_does_not_overwrite_what_an_editor_changed_meanwhile(tile_media):
    from tiles.services import layer_build

    layer = RasterLayer(slug="olinda", title_el="Ολίντα")
    layer.source.save("olinda.tif", SimpleUploadedFile("olinda.tif", (DATA / "l7_etms_rgb.tif").read_bytes()))

    def editor_renames(done, total):
        RasterLayer.objects.filter(pk=layer.pk).update(title_el="Ολίντα 2000", default_opacity=0.5)

    layer_build(layer_id=layer.pk, workers=1, progress=editor_renames)
    layer.refresh_from_db()
    assert (layer.status, layer.title_el, layer.default_opacity) == ("ready", "Ολίντα 2000", 0.5)
