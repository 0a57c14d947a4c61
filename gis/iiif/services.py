"""Writes of the IIIF part: an archive image's tile set made and recorded (run by gis.iiif.tasks)."""

import secrets
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction

from ..models import ArchiveItemImage, TilesState
from .storage import PREFIX, folder_delete, folder_store, iiif_storage
from .tiling import TilingRefused, tile_image

# The same limit as the upload form's (Wagtail's default is 128 million pixels).
DEFAULT_MAX_PIXELS = 128 * 1000000


def max_pixels() -> int:
    """The most pixels an image may have to be tiled: WAGTAILIMAGES_MAX_IMAGE_PIXELS, as uploads."""
    return int(getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", DEFAULT_MAX_PIXELS))


def archive_image_tiles_make(*, item_image_id: int) -> str:
    """Make the tile set of archive image ``item_image_id`` from its image's current file and record it (state
    done, or failed with the reason naming the file); the previous set is deleted only once the new one is
    recorded, so a reader never sees half a set. Returns the state."""
    row = ArchiveItemImage.objects.select_related("image").filter(pk=item_image_id).first()
    if row is None:  # deleted before the worker came to it
        return ""
    source_key = row.source_key
    storage = iiif_storage()
    name = f"{PREFIX}/{row.pk}/{secrets.token_hex(8)}"
    filename = Path(row.image.file.name).name
    with tempfile.TemporaryDirectory(prefix="xenagos-iiif-") as work:
        work_dir = Path(work)
        local = work_dir / ("source" + Path(filename).suffix.lower())
        try:
            with row.image.open_file() as source, local.open("wb") as copy:
                for chunk in iter(lambda: source.read(1 << 20), b""):
                    copy.write(chunk)
            tiles = tile_image(source=local, name=filename, out_dir=work_dir, max_pixels=max_pixels())
        except (TilingRefused, OSError) as error:
            message = str(error) if isinstance(error, TilingRefused) else f"{filename}: cannot be read ({error})"
            return _record(row_id=row.pk, source_key=source_key, state=TilesState.FAILED, error=message)
        try:
            folder_store(storage=storage, folder=tiles.folder, name=name)
        except Exception:
            folder_delete(storage=storage, name=name)
            raise
    return _record(
        row_id=row.pk,
        source_key=source_key,
        state=TilesState.DONE,
        path=name,
        width=tiles.width_px,
        height=tiles.height_px,
        storage=storage,
    )


@transaction.atomic
def _record(
    *, row_id: int, source_key: str, state: str, error: str = "", path: str = "", width=None, height=None, storage=None
) -> str:
    row = ArchiveItemImage.objects.select_for_update().select_related("image").filter(pk=row_id).first()
    if row is None or row.source_key != source_key:  # deleted or replaced meanwhile: the newer task records
        if path and storage is not None:
            folder_delete(storage=storage, name=path)
        return ""
    old = row.tiles_path
    fields = {"tiles_state": state, "tiles_error": error, "tiles_source": source_key}
    if state == TilesState.DONE:
        fields |= {"tiles_path": path, "width": width, "height": height}
    ArchiveItemImage.objects.filter(pk=row_id).update(**fields)
    if state == TilesState.DONE and old and old != path:
        old_storage = iiif_storage()
        transaction.on_commit(lambda: folder_delete(storage=old_storage, name=old))
    return state


def archive_image_tiles_pending(*, item_image_id: int) -> None:
    """Mark archive image ``item_image_id`` as waiting for its tile set (its image was added or replaced)."""
    ArchiveItemImage.objects.filter(pk=item_image_id).update(tiles_state=TilesState.PENDING, tiles_error="")
