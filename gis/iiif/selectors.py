"""Reads of the IIIF part: only published items (gis.public's rule) of the host's municipality."""

from ..models import ArchiveItem, ArchiveItemImage, Municipality, TilesState


def public_item_get(*, uid: str, municipality: Municipality) -> ArchiveItem | None:
    """The published archive item ``uid`` of ``municipality``, else None."""
    return ArchiveItem.objects.public().filter(uid=uid, municipality=municipality).first()


def public_item_images(*, item: ArchiveItem) -> list[ArchiveItemImage]:
    """The item's images whose tile sets are ready, in the editor's order."""
    return list(item.images.filter(tiles_state=TilesState.DONE).select_related("image").order_by("sort_order", "pk"))


def public_tiled_image_get(*, image_id: int, municipality: Municipality) -> ArchiveItemImage | None:
    """Archive image ``image_id`` when its tile set is ready and its item is published in ``municipality``."""
    items = ArchiveItem.objects.public().filter(municipality=municipality)
    return ArchiveItemImage.objects.filter(pk=image_id, item__in=items, tiles_state=TilesState.DONE).first()
