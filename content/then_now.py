"""A place page's "then and now": an old photograph from the municipality's archive and a photo of today from
the same spot, both chosen by the editor on the page (``PlacePage.then_item``, ``now_image``), compared with a
slider (content/static/content/then-now.js: a native range input; without JavaScript the two side by side).

The pair is shown only when the page has both and the item is published (in the place's municipality, not
withdrawn) and has an image (its first). Both are cropped to the same 3:2 frame around their focal points by
Wagtail renditions, so that they line up.
"""

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.images.models import AbstractImage

from gis.archive_selectors import archive_image_public_first
from gis.languages import localized

from .archive_context import rights_label

if TYPE_CHECKING:
    from .models import PlacePage

# The same crop for both (3:2 around the focal point), at two widths for the browser to choose from.
RENDITIONS = ("fill-600x400", "fill-1200x800")
SIZES = "(min-width: 60rem) 56rem, 100vw"


def _picture(image: AbstractImage, *, alt: str) -> dict[str, Any]:
    """What an <img> of ``image`` needs: the larger rendition as ``src``, both in ``srcset``, its size, ``alt``."""
    renditions = image.get_renditions(*RENDITIONS)
    small, large = (renditions[spec] for spec in RENDITIONS)
    return {
        "src": large.url,
        "srcset": f"{small.url} {small.width}w, {large.url} {large.width}w",
        "sizes": SIZES,
        "width": large.width,
        "height": large.height,
        "alt": alt,
    }


def place_then_now(*, page: "PlacePage") -> dict[str, Any] | None:
    """The page's "then and now" pair for its template (each image's rendition, alternative text and caption
    parts; the slider's dates), or None when it has none to show."""
    municipality_id = page.place.municipality_id
    if page.then_item_id is None or page.now_image_id is None or municipality_id is None:
        return None
    row = archive_image_public_first(item_id=page.then_item_id, municipality_id=municipality_id)
    if row is None or not page.now_alt_text:
        return None
    item = row.item
    then_date = item.date_text or _("then")
    now_date = str(page.now_year) if page.now_year else _("today")
    return {
        "then": {
            **_picture(row.image, alt=localized({"el": row.alt_el, "en": row.alt_en})),
            "date": then_date,
            "title": item.name,
            "caption": localized({"el": row.caption_el, "en": row.caption_en}),
            "rights": rights_label(item.rights) if item.rights else "",
            "rights_url": item.rights,
            "url": reverse("archive-item", kwargs={"uid": item.uid}),
        },
        "now": {**_picture(page.now_image, alt=page.now_alt_text), "date": now_date},
    }
