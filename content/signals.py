"""Keep gis.PlaceText (what maps, search and exports show of a place) in step with live place pages, and the page
cache (content.cache) fresh."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from gis.api.feature_cache import feature_cache_forget_all
from gis.services import place_text_publish, place_text_unpublish
from gis.signals import public_data_changed

from .cache import pages_invalidate_on_commit
from .models import Branding, PlaceIndexPage, PlacePage, municipality_site_roots_forget

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


# --- Page cache invalidation (content.cache): any committed write that can change a public page starts a new
# generation of cached pages. Model signals cover ORM writes (pages, places, texts, vocabularies, branding, areas,
# layers, images, documents, audio and video, sites, locales, page and collection view restrictions);
# gis.signals.public_data_changed covers the bulk SQL of imports and municipality reassignment.
PUBLIC_APPS = {"content", "xgis", "tiles"}  # the importers' models are their runs and mappings: never shown
PUBLIC_MODELS = {
    "wagtailcore.page",
    "wagtailcore.site",
    "wagtailcore.locale",
    "wagtailcore.pageviewrestriction",
    "wagtailimages.image",
    "wagtaildocs.document",
    "wagtailmedia.media",  # archive items' audio and video (their title, file, type)
    "wagtailcore.collectionviewrestriction",  # an item page leaves out media a visitor could not play
}
# Written while pages render or while work runs, and shown on no public page.
NOT_PUBLIC_MODELS = {"xgis.placefeature"}


def shows_on_public_pages(model) -> bool:
    """Whether writes of ``model`` can change a public page (and so must invalidate the page cache)."""
    label = model._meta.label_lower
    if label in NOT_PUBLIC_MODELS:
        return False
    return model._meta.app_label in PUBLIC_APPS or label in PUBLIC_MODELS


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def public_model_changed(sender, **kwargs) -> None:
    """A public record or page was written or deleted: cached pages go stale when the transaction commits."""
    if shows_on_public_pages(sender):
        pages_invalidate_on_commit()


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
@receiver(public_data_changed)
def public_pages_changed(sender, **kwargs) -> None:
    """A page went live, was taken down or moved, or an import wrote records in bulk."""
    pages_invalidate_on_commit()


@receiver(page_published)
@receiver(page_unpublished)
def public_lists_purge(sender, instance, **kwargs) -> None:
    """With a CDN configured (WAGTAILFRONTENDCACHE), Wagtail purges the page itself; the lists and maps that show
    it (its site's home, map and places index, in every language) are purged here, after the commit."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    site = instance.get_site()
    if site is None:
        return
    urls = [f"{site.root_url}/{code}/{suffix}" for code, _name in settings.LANGUAGES for suffix in ("", "map/")]
    index = PlaceIndexPage.objects.child_of(site.root_page).first()
    if index is not None:
        urls += [page.full_url for page in index.get_translations(inclusive=True).live() if page.full_url]
    transaction.on_commit(lambda: _purge(urls))


def _purge(urls: list[str]) -> None:
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    batch = PurgeBatch()
    batch.add_urls(urls)
    batch.purge()


@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
@receiver(post_save, sender=Branding)
@receiver(post_delete, sender=Branding)
def place_features_forget(sender, **kwargs) -> None:
    """A site moved (hostname, port) or changed municipality: the cached site roots are forgotten and the open-data
    features stored with their page addresses on it (gis.PlaceFeature) are built again, once per transaction however
    many rows it writes."""
    municipality_site_roots_forget()  # now, and again once committed: a read in between may have cached old roots
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(entry[1] is feature_cache_forget_all for entry in connection.run_on_commit):
        return
    transaction.on_commit(municipality_site_roots_forget)
    transaction.on_commit(feature_cache_forget_all)
