"""What a place's public page shows, whether it comes from an editor's ``PlacePage`` or from the record alone
(``/<lang>/places/p/<uid>/``), and the responses of those pages (the record's page, QR codes).

``content.models`` imports this module, so it imports no page model: the places index is handed in by the caller
(``PlaceIndexPage.for_request``), and a place's pages are reached through its record (``place.pages``).
"""

import io
import json
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from wagtail.models import Locale, Page

from gis import maps, selectors
from gis.models import Municipality, Place

if TYPE_CHECKING:
    from .models import PlacePage

NEAREST_RADIUS_M = 2000
NEAREST_COUNT = 5


def municipality_for_request(request: HttpRequest) -> Municipality:
    """The municipality of the site the request is for (by Host header); 404 when the site has none."""
    municipality = getattr(request, "municipality", None)
    if municipality is None:
        raise Http404("This site has no municipality.")
    return municipality


def place_language_urls(
    request: HttpRequest, *, place: Place, page: "PlacePage | None", index: Page | None
) -> dict[str, str]:
    """Where the language switcher leads from a place (shown from ``page`` or from its record): in each site
    language, the live translation of ``page``, else a live page of the place in that language, else the place's
    record served by that language's translation of the places ``index``. A language without a places index gets
    no link."""
    urls = {}
    for code, _name in settings.LANGUAGES:
        locale = Locale.objects.filter(language_code=code).first()
        if locale is None:
            continue
        translation = page.get_translation_or_none(locale) if page else None
        if translation is None or not translation.live:
            translation = place.pages.filter(live=True, locale=locale).order_by("path").first()
        if translation is not None:
            urls[code] = translation.get_url(request)
            continue
        localized = index.get_translation_or_none(locale) if index else None
        if localized is not None and localized.live:
            urls[code] = f"{localized.get_url(request)}p/{place.uid}/"
    return urls


def place_context(request: HttpRequest, *, place: Place, page: "PlacePage | None", index: Page | None) -> dict:
    """What a place's public page shows, from ``page`` (an editor's page) or from the record alone (``page`` None);
    ``index`` is the site's places index in the active language, if it has one."""
    from .archive_context import place_archive_section  # it imports json_ld_script from here

    language = get_language() or "el"
    text = selectors.place_text(place=place, language=language)
    name = page.title if page else (text.name if text else place.name)
    index_url = index.get_url(request) if index else ""
    own_url = page.get_url(request) if page else (f"{index_url}p/{place.uid}/" if index else request.path)
    absolute = request.build_absolute_uri(own_url)
    category = selectors.vocabulary_in(place.category, language=language)
    periods = [selectors.vocabulary_in(p, language=language) for p in place.periods.all()]
    nearest = selectors.places_near(
        point=place.location, language=language, radius_m=NEAREST_RADIUS_M, limit=NEAREST_COUNT, exclude=place
    )
    summary = page.summary if page else ""
    images = list(page.gallery_images.select_related("image")) if page else []
    same_as = [url for url in (place_links(place)) if url]
    json_ld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "TouristAttraction",
        "name": name,
        "url": absolute,
        "inLanguage": language,
        "geo": {
            "@type": "GeoCoordinates",
            "latitude": round(place.location.y, 7),
            "longitude": round(place.location.x, 7),
        },
    }
    if summary:
        json_ld["description"] = summary
    if same_as:
        json_ld["sameAs"] = same_as
    if images:
        json_ld["image"] = [request.build_absolute_uri(i.image.get_rendition("width-1200").url) for i in images[:3]]
    if page and page.website:
        json_ld["mainEntityOfPage"] = page.website
    return {
        "place": place,
        "place_name": name,
        "summary": summary,
        "category": category,
        "periods": periods,
        "images": images,
        "nearest": nearest,
        "place_base": index_url,
        "absolute_url": absolute,
        "qr_base": own_url,
        "json_ld": json_ld_script(json_ld),
        "og_image": json_ld["image"][0] if images else None,
        "links": place_link_items(place),
        "small_map": maps.place_map(lon=place.location.x, lat=place.location.y, name=name),
        "language_urls": place_language_urls(request, place=place, page=page, index=index),
        "archive": place_archive_section(place=place),
    }


def json_ld_script(data: dict) -> SafeString:
    """Structured data for a <script type="application/ld+json">, escaped so it cannot close the element."""
    text = json.dumps(data, ensure_ascii=False)
    return mark_safe(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))  # noqa: S308


def place_links(place: Place) -> list[str]:
    """The place's identifiers as URLs (Wikidata, Pleiades)."""
    return [item["url"] for item in place_link_items(place)]


def place_link_items(place: Place) -> list[dict]:
    """The place's identifiers with their labels and URLs."""
    items = []
    if place.wikidata:
        items.append(
            {"label": "Wikidata", "id": place.wikidata, "url": f"https://www.wikidata.org/wiki/{place.wikidata}"}
        )
    if place.pleiades:
        items.append(
            {"label": "Pleiades", "id": place.pleiades, "url": f"https://pleiades.stoa.org/places/{place.pleiades}"}
        )
    return items


def place_record_response(request: HttpRequest, *, page: Page, index: Page | None, uid: uuid.UUID) -> HttpResponse:
    """/<lang>/places/p/<uid>/: a public place of this municipality from its record, served by the places index
    ``page``; ``index`` is the site's places index in the active language."""
    place = get_object_or_404(Place.objects.public(), uid=uid, municipality=municipality_for_request(request))
    return render(
        request,
        "content/place_page.html",
        {"page": page, "self": page, **place_context(request, place=place, page=None, index=index)},
    )


def qr_response(request: HttpRequest, *, url: str, kind: str) -> HttpResponse:
    """A QR code (``svg`` or ``png``, for signs on site) that opens ``url`` (absolute); 404 for another kind."""
    if kind not in ("svg", "png"):
        raise Http404
    import segno  # here, not at the top: only QR codes need it, not every web process's start

    code = segno.make(url, error="m")
    buffer = io.BytesIO()
    if kind == "svg":
        code.save(buffer, kind="svg", scale=8, border=4, title=url)
        content_type = "image/svg+xml"
    else:
        code.save(buffer, kind="png", scale=10, border=4)
        content_type = "image/png"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
