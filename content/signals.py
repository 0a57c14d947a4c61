"""Keep gis.PlaceText (what maps, search and exports show of a place) in step with live place pages."""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from gis.services import place_text_publish, place_text_unpublish

from .models import PlacePage

THUMBNAIL = "fill-480x320"


def place_page_texts(page: PlacePage) -> dict:
    """Name, summary, URL path and first photo of a live place page, for gis.PlaceText."""
    _site_id, _root, path = page.get_url_parts() or (None, None, "")
    first = page.gallery_images.select_related("image").first()
    image_url = first.image.get_rendition(THUMBNAIL).url if first else ""
    return {
        "name": page.title,
        "summary": page.summary,
        "url": path or "",
        "image_url": image_url,
        "image_alt": first.alt_text if first else "",
    }


@receiver(page_published)
def place_page_published(sender, instance, **kwargs) -> None:
    """A place page went live (or changed): its language's public texts now come from it."""
    page = instance.specific
    if isinstance(page, PlacePage):
        place_text_publish(place=page.place, language=page.locale.language_code, **place_page_texts(page))


@receiver(page_unpublished)
def place_page_unpublished(sender, instance, **kwargs) -> None:
    """A place page was taken down: fall back to the source's name in that language."""
    page = instance.specific
    if isinstance(page, PlacePage):
        place_text_unpublish(place=page.place, language=page.locale.language_code)


@receiver(post_delete, sender=PlacePage)
def place_page_deleted(sender, instance, **kwargs) -> None:
    """A place page was deleted: as if unpublished (the record stays)."""
    if instance.live:
        place_text_unpublish(place=instance.place, language=instance.locale.language_code)
