"""Tile serving (language-neutral: /tiles/...) and a layer's preview page. Views parse, call selectors, respond."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import selectors
from .maps import overlay_labels, preview_map

CONTENT_TYPES = {"png": "image/png", "webp": "image/webp"}
FOREVER = "public, max-age=31536000, immutable"  # the URL names the build, so a tile never changes under it
BRIEFLY = "public, max-age=300"  # an older build's URL: answered with the current tiles, not for long


@require_safe
def tile(request: HttpRequest, slug: str, version: str, z: str, x: str, y: str, ext: str) -> HttpResponse:
    """/tiles/<slug>/<version>/<z>/<x>/<y>.<ext>: one tile from the layer's archive; 204 where it has none."""
    source = selectors.tile_source(slug=slug, version=version)
    if source is None or ext != source.tile_format or (not source.published and not request.user.is_staff):
        raise Http404("No such tile layer.")
    etag = f'"{source.version}-{z}-{x}-{y}"'
    cache_control = FOREVER if version == source.version else BRIEFLY
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        data = selectors.tile_bytes(source=source, z=int(z), x=int(x), y=int(y))
        response = HttpResponse(data, content_type=CONTENT_TYPES[ext]) if data else HttpResponse(status=204)
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def tilejson(request: HttpRequest, slug: str) -> JsonResponse:
    """/tiles/<slug>/tilejson.json: the layer as TileJSON 3.0 (for QGIS, MapLibre and others)."""
    layer = selectors.layer_for_preview(slug=slug, staff=request.user.is_staff)
    if layer is None:
        raise Http404("No such tile layer.")
    overlay = selectors.layer_overlay(layer=layer, language=get_language() or "el")
    return JsonResponse(
        {
            "tilejson": "3.0.0",
            "name": overlay.title,
            "attribution": overlay.attribution,
            "tiles": [request.build_absolute_uri(overlay.tile_url).replace("%7B", "{").replace("%7D", "}")],
            "minzoom": overlay.min_zoom,
            "maxzoom": overlay.max_zoom,
            "bounds": list(overlay.bounds),
            "scheme": "xyz",
        }
    )


def _base_map() -> dict:
    configured = getattr(settings, "BASEMAPS", None)
    if configured:
        return configured[0]
    return {"name": _("Base map"), "url": settings.BASEMAP_URL, "attribution": settings.BASEMAP_ATTRIBUTION}


def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """/tiles/<slug>/preview/: the layer over the base map, with its opacity slider and swipe."""
    layer = selectors.layer_for_preview(slug=slug, staff=request.user.is_staff)
    if layer is None:
        raise Http404("No such tile layer.")
    overlay = selectors.layer_overlay(layer=layer, language=get_language() or "el")
    embedded = preview_map(overlay=overlay, labels=overlay_labels(), base_map=_base_map())
    context = {"layer": layer, "overlay": overlay, "map": embedded, "tilejson": reverse("tiles:tilejson", args=[slug])}
    return render(request, "tiles/preview.html", context)
