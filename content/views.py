"""Public views of a municipality's site that are not plain Wagtail page renders: the map, place records, QR."""

import io
import json
import uuid
from functools import partial
from typing import Any

import segno
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Locale, Site

from gis import maps, selectors
from gis.api import parameters as params
from gis.formats import plural_forms
from gis.models import Municipality, Place
from importers.selectors import MapAreas, protected_areas_for_map
from tiles.maps import add_overlays, overlay_labels
from tiles.selectors import layers_for_map

from .models import PlaceIndexPage, PlacePage

NEAREST_RADIUS_M = 2000
NEAREST_COUNT = 5
LIST_PAGE = 50


def municipality_for_request(request: HttpRequest) -> Municipality:
    """The municipality of the site the request is for (by Host header); 404 when the site has none."""
    municipality = getattr(request, "municipality", None)
    if municipality is None:
        raise Http404("This site has no municipality.")
    return municipality


def place_index_for_request(request: HttpRequest) -> PlaceIndexPage | None:
    """The site's places index page in the active language."""
    site = Site.find_for_request(request)
    index = PlaceIndexPage.objects.child_of(site.root_page).first() if site else None
    return index.localized if index else None


def place_language_urls(request: HttpRequest, *, place: Place, page: PlacePage | None) -> dict[str, str]:
    """Where the language switcher leads from a place (shown from ``page`` or from its record): in each site
    language, the live translation of ``page``, else a live page of the place in that language, else the place's
    record served by that language's places index. A language without a places index gets no link."""
    site = Site.find_for_request(request)
    index = PlaceIndexPage.objects.child_of(site.root_page).first() if site else None
    urls = {}
    for code, _name in settings.LANGUAGES:
        locale = Locale.objects.filter(language_code=code).first()
        if locale is None:
            continue
        translation = page.get_translation_or_none(locale) if page else None
        if translation is None or not translation.live:
            translation = PlacePage.objects.live().filter(place=place, locale=locale).order_by("path").first()
        if translation is not None:
            urls[code] = translation.get_url(request)
            continue
        localized = index.get_translation_or_none(locale) if index else None
        if localized is not None and localized.live:
            urls[code] = f"{localized.get_url(request)}p/{place.uid}/"
    return urls


def _map_state(request: HttpRequest) -> tuple[dict, tuple[float, float, int] | None, str | None]:
    """Filters and view (lat, lon, zoom) from the map page's query string; invalid values are dropped and
    reported."""
    query = request.GET
    state: dict = {"category": [], "period": [], "q": ""}
    view = None
    error = None
    try:
        state = {
            "category": params.read_slugs(query, "category"),
            "period": params.read_slugs(query, "period"),
            "q": params.read_text(query, "q"),
        }
        if {"lat", "lon", "z"} <= set(query):
            lon, lat = params.read_point(query)
            view = (lat, lon, params.read_integer(query, "z", default=13, low=1, high=19))
    except params.BadParameter as bad:
        error = str(bad)
    return state, view, error


def municipality_map(request: HttpRequest) -> HttpResponse:
    """/<lang>/map/: the municipality's places on a folium map (fetched by view, clustered), filters, search,
    "near me", and the same results as a list — the accessible equivalent of the map."""
    municipality = municipality_for_request(request)
    language = get_language() or "el"
    state, view, error = _map_state(request)
    index = place_index_for_request(request)
    config = {
        "endpoint": reverse("map-places"),
        "nearEndpoint": reverse("map-near"),
        "placeBase": index.get_url(request) if index else "",
        "filters": state,
        "labels": {
            "cluster": plural_forms("%(count)s place: zoom in", "%(count)s places: zoom in"),
            "more": _("Show more"),
            "shown": plural_forms(
                "%(shown)s of %(total)s place in this view", "%(shown)s of %(total)s places in this view"
            ),
            "none": _("No place matches in this view."),
            "open": _("Open the page"),
            "locating": _("Finding your location…"),
            "denied": _("Your location is not available. Click on the map or type a latitude and longitude."),
            "nearNone": _("No place within 2 km."),
            "pick": _("Click on the map to choose the point."),
        },
    }
    bounds = selectors.municipality_bounds(municipality=municipality)
    overlays = layers_for_map(language=language, bounds=bounds)  # historical maps and hillshades over the area
    areas = protected_areas_for_map(municipality=municipality, language=language)
    embedded = maps.municipality_map(
        bounds=bounds,
        boundary_geojson=selectors.municipality_boundary_geojson(municipality=municipality),
        boundary_label=_("Municipal boundary"),
        places_config=config,
        view=view,
        decorate=partial(_map_layers, overlays=overlays, areas=areas) if overlays or areas.items else None,
    )
    where = selectors.PlaceFilter(
        municipality=municipality,
        language=language,
        categories=state["category"],
        periods=state["period"],
        text=state["q"],
    )
    return render(
        request,
        "content/map_page.html",
        {
            "municipality": municipality,
            "map": embedded,
            "state": state,
            "error": error,
            "categories": selectors.categories(language=language),
            "periods": selectors.periods(language=language),
            "places": selectors.places_page(where=where, limit=LIST_PAGE),
            "matched": selectors.places_count(where=where),
            "place_base": config["placeBase"],
            "areas": areas.items,
        },
    )


def _map_layers(folium_map, *, overlays, areas: MapAreas) -> None:
    """The layers a municipality's map adds to its places: protected areas, then historical maps and hillshades."""
    if areas.items:
        maps.add_areas(folium_map, geojson=areas.geojson, label=_("Protected areas"))
    if overlays:
        add_overlays(folium_map, layers=overlays, labels=overlay_labels(), layer_control=False)


def place_context(request: HttpRequest, *, place: Place, page: PlacePage | None) -> dict:
    """What a place's public page shows, whether it comes from an editor's page or from the record alone."""
    language = get_language() or "el"
    text = selectors.place_text(place=place, language=language)
    name = page.title if page else (text.name if text else place.name)
    index = place_index_for_request(request)
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
        "language_urls": place_language_urls(request, place=place, page=page),
    }


def json_ld_script(data: dict) -> str:
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


def place_record_response(request: HttpRequest, *, index: PlaceIndexPage, uid: uuid.UUID) -> HttpResponse:
    """/<lang>/places/p/<uid>/ (and .../qr.svg, .../qr.png): a place of this municipality from its record."""
    place = get_object_or_404(Place.objects.public(), uid=uid, municipality=municipality_for_request(request))
    return render(
        request,
        "content/place_page.html",
        {"page": index, "self": index, **place_context(request, place=place, page=None)},
    )


def qr_response(request: HttpRequest, *, url: str, kind: str) -> HttpResponse:
    """A QR code (SVG or PNG, for signs on site) that opens ``url`` (absolute)."""
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
