"""Zoomable archive images over IIIF: level-0 tile sets by libvips (made by the background task when an image is
added or replaced), info.json, tiles and Presentation 3 manifests served only for published items of the host's
municipality, bad images refused by name, the admin's choosers limited to the editor's collections."""

import io
import json
import re
import struct
import zlib
from pathlib import Path

import numpy
import pytest
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.test import Client
from iiif_prezi3 import Manifest
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Collection

from gis.iiif.services import archive_image_tiles_make
from gis.iiif.storage import iiif_storage
from gis.iiif.tiling import TilingRefused, tile_image
from gis.models import ArchiveItem, ArchiveItemImage, TilesState
from tests.archive import item_edit_form
from tests.factories import ArchiveItemFactory

ATHENS = {"HTTP_HOST": "athens.localhost"}
NAFPLIO = {"HTTP_HOST": "nafplio.localhost"}
ITEMS = "/admin/snippets/xgis/archiveitem/"


def jpeg_bytes(width: int, height: int) -> bytes:
    """A real JPEG with a gradient (so tiles differ)."""
    # Pillow, not pyvips: libvips is never loaded in this process (gis.iiif.tiling runs it in a child of its own)
    gradient = (numpy.arange(width, dtype=numpy.uint32)[None, :] + numpy.zeros((height, 1), numpy.uint32)) % 256
    out = io.BytesIO()
    PILImage.fromarray(gradient.astype(numpy.uint8)).save(out, "JPEG", quality=80)
    return out.getvalue()


def png_bomb_bytes(width: int = 30_000, height: int = 30_000) -> bytes:
    """A PNG whose header says ``width`` × ``height`` pixels with a few bytes of data: what a decompression bomb
    shows a reader before it decodes anything."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


# --- tiling, no database


def test_a_tile_set_is_iiif_level_0_with_the_sizes_libvips_made(tmp_path):
    source = tmp_path / "photo.jpg"
    source.write_bytes(jpeg_bytes(1500, 1000))
    tiles = tile_image(source=source, name="photo.jpg", out_dir=tmp_path, max_pixels=10**8)
    info = json.loads((tiles.folder / "info.json").read_text())
    assert (tiles.width_px, tiles.height_px) == (1500, 1000) == (info["width"], info["height"])
    assert info["profile"] == "level0" and info["type"] == "ImageService3"
    assert info["tiles"][0]["width"] == 512 and info["tiles"][0]["scaleFactors"] == [1, 2]
    assert (tiles.folder / "0,0,512,512" / "512,512" / "0" / "default.jpg").is_file()
    assert (tiles.folder / "1024,512,476,488" / "476,488" / "0" / "default.jpg").is_file()  # the corner tile
    assert (tiles.folder / "0,0,1024,1000" / "512,500" / "0" / "default.jpg").is_file()  # scale factor 2
    with PILImage.open(tiles.folder / "full" / "max" / "0" / "default.jpg") as full:
        assert full.size == (1500, 1000)


def test_a_file_that_is_not_an_image_is_refused_by_name(tmp_path):
    source = tmp_path / "source.jpg"
    source.write_text("not a picture")
    with pytest.raises(TilingRefused, match="^notes.jpg: not an image"):
        tile_image(source=source, name="notes.jpg", out_dir=tmp_path, max_pixels=10**8)
    assert not (tmp_path / "tiles").exists()


def test_a_decompression_bomb_is_refused_from_its_header(tmp_path):
    source = tmp_path / "source.png"
    source.write_bytes(png_bomb_bytes())
    with pytest.raises(TilingRefused, match="^bomb.png: 30000 × 30000 pixels, more than the 128 000 000 allowed"):
        tile_image(source=source, name="bomb.png", out_dir=tmp_path, max_pixels=128_000_000)
    assert not (tmp_path / "tiles").exists()


# --- the task, the views and the rule


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def collection(name: str) -> Collection:
    return Collection.objects.get(name=name, depth=2)


def image(name: str, *, content: bytes, municipality: str = "Athens", suffix: str = "jpg") -> Image:
    return Image.objects.create(
        title=name, file=ImageFile(io.BytesIO(content), name=f"{name}.{suffix}"), collection=collection(municipality)
    )


@pytest.fixture
def tiled(media, django_capture_on_commit_callbacks):
    """A published Athens item with one image whose tile set the task made (the tests run tasks at once)."""
    item = ArchiveItemFactory(name_el="Η πλατεία Συντάγματος", name_en="Syntagma Square")
    item.rights = "http://creativecommons.org/licenses/by/4.0/"
    item.save()
    with django_capture_on_commit_callbacks(execute=True):
        row = ArchiveItemImage.objects.create(
            item=item, image=image("syntagma", content=jpeg_bytes(1200, 800)), alt_el="Η πλατεία", alt_en="The square"
        )
    row.refresh_from_db()
    return row


@pytest.mark.django_db
def test_an_added_image_is_tiled_by_the_task_and_served_with_our_id(client, tiled):
    assert (tiled.tiles_state, tiled.tiles_error, tiled.width, tiled.height) == (TilesState.DONE, "", 1200, 800)
    response = client.get(f"/iiif/{tiled.pk}/info.json", **ATHENS)
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"].startswith("application/ld+json")
    info = response.json()
    assert info["id"] == f"http://athens.localhost/iiif/{tiled.pk}"
    assert (info["width"], info["height"], info["profile"]) == (1200, 800, "level0")
    assert info["tiles"] == [{"scaleFactors": [1, 2], "width": 512}]
    tile = client.get(f"/iiif/{tiled.pk}/512,512,512,288/512,288/0/default.jpg", **ATHENS)
    assert tile.status_code == 200 and tile["Content-Type"] == "image/jpeg"
    assert "immutable" in tile["Cache-Control"] and tile["Access-Control-Allow-Origin"] == "*"
    with PILImage.open(io.BytesIO(b"".join(tile.streaming_content))) as decoded:
        assert decoded.size == (512, 288)
    full = client.get(f"/iiif/{tiled.pk}/full/max/0/default.jpg", **ATHENS)
    assert full.status_code == 200


@pytest.mark.django_db
def test_level_0_answers_only_the_tiles_it_has(client, tiled):
    for path in (
        "0,0,100,100/100,100/0/default.jpg",  # a region libvips did not cut
        "0,0,512,512/256,256/0/default.jpg",  # a size it did not make
        "0,0,512,512/512,512/90/default.jpg",  # rotation
        "0,0,512,512/512,512/0/gray.jpg",  # quality
        "0,0,512,512/512,512/0/default.png",  # format
        "..%2F..%2Finfo.json/512,512/0/default.jpg",
        "full/max/0/../../../info.json",
    ):
        assert client.get(f"/iiif/{tiled.pk}/{path}", **ATHENS).status_code == 404, path


@pytest.mark.django_db
def test_the_manifest_parses_with_iiif_prezi3_and_names_the_rights(client, tiled):
    response = client.get(f"/iiif/{tiled.item.uid}/manifest.json", **ATHENS)
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["@context"] == "http://iiif.io/api/presentation/3/context.json"
    parsed = Manifest(**{k: v for k, v in data.items() if k != "@context"})
    assert parsed.label == {"el": ["Η πλατεία Συντάγματος"], "en": ["Syntagma Square"]}
    assert data["rights"] == "http://creativecommons.org/licenses/by/4.0/"
    assert "CC BY 4.0" in data["requiredStatement"]["value"]["none"][0]
    (canvas,) = data["items"]
    assert (canvas["width"], canvas["height"]) == (1200, 800)
    service = canvas["items"][0]["items"][0]["body"]["service"][0]
    assert service["id"] == f"http://athens.localhost/iiif/{tiled.pk}" and service["profile"] == "level0"
    assert client.get(service["id"].removeprefix("http://athens.localhost") + "/info.json", **ATHENS).status_code == 200


@pytest.mark.django_db
def test_another_municipality_or_an_unpublished_item_gets_404_everywhere(client, tiled):
    urls = [
        f"/iiif/{tiled.pk}/info.json",
        f"/iiif/{tiled.pk}/0,0,512,512/512,512/0/default.jpg",
        f"/iiif/{tiled.pk}/full/max/0/default.jpg",
        f"/iiif/{tiled.item.uid}/manifest.json",
    ]
    assert all(client.get(url, **ATHENS).status_code == 200 for url in urls)
    assert [client.get(url, **NAFPLIO).status_code for url in urls] == [404] * 4  # the attacker's host
    ArchiveItem.objects.filter(pk=tiled.item_id).update(withdrawn=True)
    assert [client.get(url, **ATHENS).status_code for url in urls] == [404] * 4
    ArchiveItem.objects.filter(pk=tiled.item_id).update(withdrawn=False, municipality=None)
    assert [client.get(url, **ATHENS).status_code for url in urls] == [404] * 4


@pytest.mark.django_db
def test_a_replaced_image_gets_a_new_tile_set_and_the_old_one_goes(client, tiled, django_capture_on_commit_callbacks):
    old = tiled.tiles_path
    assert iiif_storage().exists(f"{old}/info.json")
    with django_capture_on_commit_callbacks(execute=True):
        tiled.image = image("syntagma-2", content=jpeg_bytes(600, 400))
        tiled.save()
    tiled.refresh_from_db()
    assert tiled.tiles_path != old and (tiled.width, tiled.height) == (600, 400)
    assert not iiif_storage().exists(f"{old}/info.json") and iiif_storage().exists(f"{tiled.tiles_path}/info.json")
    assert client.get(f"/iiif/{tiled.pk}/info.json", **ATHENS).json()["width"] == 600
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tiled.alt_en = "The square in 1920"
        tiled.save()  # only a text changed: no new tiles
    assert callbacks == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        (b"GIF89a but not really", "gif", r"^broken\.gif: not an image"),
        (png_bomb_bytes(), "png", r"^bomb\.png: 30000 × 30000 pixels, more than the 128 000 000 allowed"),
    ],
)
def test_a_bad_image_fails_with_its_name_and_nothing_is_written(
    client, media, django_capture_on_commit_callbacks, content, suffix, message
):
    item = ArchiveItemFactory()
    name = message.split("\\.")[0].lstrip("^")
    stored = image(name, content=jpeg_bytes(60, 40), suffix=suffix)  # Wagtail checks an upload with Pillow:
    with stored.file.open("wb") as handle:  # this file went bad after it (or came by another way than the form)
        handle.write(content)
    with django_capture_on_commit_callbacks(execute=True):
        row = ArchiveItemImage.objects.create(item=item, image=stored, alt_el="κακή εικόνα")
    row.refresh_from_db()
    assert row.tiles_state == TilesState.FAILED and row.tiles_path == ""
    assert re.match(message, row.tiles_error), row.tiles_error
    assert not (media / "iiif" / str(row.pk)).exists() or not any((media / "iiif" / str(row.pk)).rglob("*"))
    assert client.get(f"/iiif/{row.pk}/info.json", **ATHENS).status_code == 404
    assert archive_image_tiles_make(item_image_id=row.pk) == TilesState.FAILED  # again: same answer, no crash


@pytest.mark.django_db
def test_the_upload_form_refuses_a_decompression_bomb_by_name(media):
    client = Client()
    client.force_login(get_user_model().objects.get(username="editor-athens"))
    upload = io.BytesIO(png_bomb_bytes())
    upload.name = "bomb.png"
    response = client.post(
        "/admin/images/add/", {"title": "bomb", "file": upload, "collection": collection("Athens").pk}
    )
    assert not Image.objects.filter(title="bomb").exists()
    errors = re.findall(r'class="error-message"[^>]*>(.*?)<', response.content.decode(), re.S)
    assert len(errors) == 1 and "128000000" in errors[0]  # Wagtail's message, by the file field (in Greek here)
    assert "εικονοστοιχεία" in errors[0]


# --- the admin


def item_form(*, item: ArchiveItem, image_id: int) -> dict:
    row = {"image": str(image_id), "alt_el": "Η πλατεία", "alt_en": "", "caption_el": "", "caption_en": ""}
    return item_edit_form(item, images=[row])


@pytest.mark.django_db
def test_an_editor_attaches_only_images_of_their_municipality(media, django_capture_on_commit_callbacks):
    athens_photo = image("acropolis", content=jpeg_bytes(300, 200))
    nafplio_photo = image("palamidi", content=jpeg_bytes(300, 200), municipality="Nafplio")
    nafplio_item = ArchiveItemFactory(municipality=_nafplio())
    editor = Client()
    editor.force_login(get_user_model().objects.get(username="editor-nafplio"))
    edit = f"{ITEMS}edit/{nafplio_item.pk}/"
    form = editor.get(edit)
    assert form.status_code == 200 and "images-__prefix__-image" in form.content.decode()
    refused = editor.post(edit, item_form(item=nafplio_item, image_id=athens_photo.pk))
    errors = re.findall(r'class="error-message"[^>]*>(.*?)<', refused.content.decode(), re.S)
    assert refused.status_code == 200 and [e.strip() for e in errors] == [
        "Επιλέξτε μια έγκυρη επιλογή. Η επιλογή αυτή δεν είναι μία από τις διαθέσιμες επιλογές."
    ]
    assert not nafplio_item.images.exists()
    chooser = editor.get("/admin/images/chooser/")
    assert "palamidi" in chooser.content.decode() and "acropolis" not in chooser.content.decode()
    assert editor.get(f"/admin/images/chooser/{athens_photo.pk}/").status_code in (403, 404)
    with django_capture_on_commit_callbacks(execute=True):
        saved = editor.post(edit, item_form(item=nafplio_item, image_id=nafplio_photo.pk))
    assert saved.status_code == 302, saved.content.decode()[:1500]
    (row,) = nafplio_item.images.all()
    assert (row.image, row.tiles_state) == (nafplio_photo, TilesState.DONE)
    shown = editor.get(edit).content.decode()
    assert "τα πλακίδια είναι έτοιμα" in shown  # the state, in the admin's language (Greek)


def _nafplio():
    from gis.models import Municipality

    return Municipality.objects.get(code="9236")


@pytest.mark.django_db
def test_the_demo_image_is_served_through_iiif(client, media, django_capture_on_commit_callbacks):
    from xenagos.demo.archive_media import DATASET, archive_media_load

    with django_capture_on_commit_callbacks(execute=True):
        ArchiveItem.objects.filter(dataset__slug=DATASET).delete()  # the demo's, tiled into another media folder
        item = archive_media_load()
    assert archive_media_load() == item and item.images.count() == 1  # idempotent
    (row,) = item.images.all()
    assert (row.tiles_state, row.width, row.height) == (TilesState.DONE, 384, 303)
    manifest = client.get(f"/iiif/{item.uid}/manifest.json", **ATHENS).json()
    assert manifest["rights"] == "http://rightsstatements.org/vocab/NKC/1.0/"
    assert manifest["label"] == {"el": ["Ελληνικά νομίσματα από την Πομπηία"], "en": ["Greek coins from Pompeii"]}
    info = client.get(f"/iiif/{row.pk}/info.json", **ATHENS).json()
    assert info["width"] == 384
    # smaller than a tile: one tile at scale 1 (libvips lists no scale; OpenSeadragon then showed nothing)
    assert info["tiles"] == [{"scaleFactors": [1], "width": 512}]
    assert client.get(f"/iiif/{row.pk}/0,0,384,303/384,303/0/default.jpg", **ATHENS).status_code == 200
