"""Tile serving (language-neutral: /tiles/...) and a layer's preview page. Views parse, call selectors, respond.

A layer's files are never served as such (its source GeoTIFF and PMTiles archive are not under any URL): only its
tiles, its TileJSON and its preview, and for a layer that is not published only to those who may see it
(``selectors.layer_previewable_by``), marked private so that no shared cache (proxy, CDN) keeps them.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from . import selectors
from .maps import overlay_labels, preview_map

CONTENT_TYPES = {"png": "image/png", "webp": "image/webp"}
FOREVER = "public, max-age=31536000, immutable"  # the URL names the build, so a tile never changes under it
BRIEFLY = "public, max-age=300"  # an older build's URL: answered with the current tiles, not for long
PRIVATE = "private, no-cache"  # an unpublished layer, for its editors: revalidated (ETag), never in a shared cache


@require_safe
def tile(request: HttpRequest, slug: str, version: str, z: str, x: str, y: str, ext: str) -> HttpResponse:
    """/tiles/<slug>/<version>/<z>/<x>/<y>.<ext>: one tile from the layer's archive; 204 where it has none."""
    source = selectors.tile_source(slug=slug, version=version)
    if source is None or ext != source.tile_format:
        raise Http404("No such tile layer.")
    if not source.published and not selectors.tile_source_previewable_by(source=source, user=request.user):
        raise Http404("No such tile layer.")  # the same answer as for no layer: an unpublished one is not told apart
    etag = f'"{source.version}-{z}-{x}-{y}"'
    if not source.published:
        cache_control = PRIVATE
    else:
        cache_control = FOREVER if version == source.version else BRIEFLY
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        data = selectors.tile_bytes(source=source, z=int(z), x=int(x), y=int(y))
        response = HttpResponse(data, content_type=CONTENT_TYPES[ext]) if data else HttpResponse(status=204)
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    if source.published:
        response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def tilejson(request: HttpRequest, slug: str) -> HttpResponse:
    """/tiles/<slug>/tilejson.json: the layer as TileJSON 3.0 (for QGIS, MapLibre and others)."""
    layer = selectors.layer_for_preview(slug=slug, user=request.user)
    if layer is None:
        raise Http404("No such tile layer.")
    overlay = selectors.layer_overlay(layer=layer, language=get_language() or "el")
    response = JsonResponse(
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
    return _private_unless_published(response, layer=layer)


def _private_unless_published(response: HttpResponse, *, layer) -> HttpResponse:
    if not layer.published:
        response["Cache-Control"] = PRIVATE
    return response


def _base_map() -> dict:
    return settings.BASEMAPS[0]  # the settings always name at least one (XENAGOS_BASEMAPS)


def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """/tiles/<slug>/preview/: the layer over the base map, with its opacity slider and swipe."""
    layer = selectors.layer_for_preview(slug=slug, user=request.user)
    if layer is None:
        raise Http404("No such tile layer.")
    overlay = selectors.layer_overlay(layer=layer, language=get_language() or "el")
    embedded = preview_map(overlay=overlay, labels=overlay_labels(), base_map=_base_map())
    context = {"layer": layer, "overlay": overlay, "map": embedded, "tilejson": reverse("tiles:tilejson", args=[slug])}
    return _private_unless_published(render(request, "tiles/preview.html", context), layer=layer)
