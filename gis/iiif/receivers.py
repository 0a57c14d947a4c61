"""An archive image gets a new tile set when it is added or its image (or the image's file) is replaced
(connected from GisConfig.ready)."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.images import get_image_model

from ..models import ArchiveItemImage
from .tasks import archive_image_tiles_schedule


@receiver(post_save, sender=ArchiveItemImage, dispatch_uid="iiif_item_image_saved")
def item_image_saved(sender, instance: ArchiveItemImage, raw: bool = False, **kwargs) -> None:
    """A new image, or another image chosen: tile it (not when only the texts changed)."""
    if not raw and instance.tiles_source != instance.source_key:
        archive_image_tiles_schedule(item_image_id=instance.pk)


@receiver(post_save, sender=get_image_model(), dispatch_uid="iiif_image_file_replaced")
def image_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    """An image's file replaced in the image library: tile again every archive image showing it."""
    if raw:
        return
    for row in ArchiveItemImage.objects.filter(image=instance).select_related("image"):
        if row.tiles_source != row.source_key:
            archive_image_tiles_schedule(item_image_id=row.pk)
