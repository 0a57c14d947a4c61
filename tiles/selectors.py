"""Reads of the tiles app: the layers offered on a map, and one tile of a layer's archive."""

from dataclasses import dataclass

from django.contrib.gis.geos import Polygon
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape

from .models import RasterLayer, tiles_storage
from .storage import readers

CACHE_SECONDS = 30


@dataclass(frozen=True)
class MapOverlay:
    """One layer as a map shows it: title in the page's language, tile URL template, attribution (HTML-escaped),
    extent (W, S, E, N in EPSG:4326 degrees), the zooms its tiles exist for, and the opacity it opens with."""

    slug: str
    title: str
    period: str
    tile_url: str
    attribution: str
    bounds: tuple[float, float, float, float]
    min_zoom: int
    max_zoom: int
    opacity: float


@dataclass(frozen=True)
class TileSource:
    """What the tile view needs about a layer (cached briefly; the version in the URL guards against staleness)."""

    slug: str
    archive: str
    version: str
    tile_format: str
    published: bool


def tile_url_template(*, slug: str, version: str, tile_format: str) -> str:
    """'/tiles/<slug>/<version>/{z}/{x}/{y}.<format>' for Leaflet."""
    base = reverse("tiles:tilejson", kwargs={"slug": slug}).rsplit("/", 1)[0]
    return f"{base}/{version}/{{z}}/{{x}}/{{y}}.{tile_format}"


def _attribution(layer: RasterLayer) -> str:
    parts: list[str] = [escape(layer.attribution)] if layer.attribution else []
    if layer.licence and layer.licence_url:
        parts.append(f'<a href="{escape(layer.licence_url)}">{escape(layer.licence)}</a>')
    elif layer.licence:
        parts.append(escape(layer.licence))
    return " · ".join(parts)


def _published():
    return RasterLayer.objects.filter(published=True, bounds__isnull=False).exclude(archive="").exclude(build_key="")


def layer_overlay(*, layer: RasterLayer, language: str) -> MapOverlay:
    """``layer`` as a map overlay, titled in ``language``."""
    west, south, east, north = layer.bounds.extent
    return MapOverlay(
        slug=layer.slug,
        title=layer.title(language),
        period=layer.period,
        tile_url=tile_url_template(slug=layer.slug, version=layer.version, tile_format=layer.built_format),
        attribution=_attribution(layer),
        bounds=(west, south, east, north),
        min_zoom=layer.built_min_zoom,
        max_zoom=layer.built_max_zoom,
        opacity=layer.default_opacity,
    )


def layers_for_map(*, language: str, bounds: tuple[float, float, float, float] | None = None) -> list[MapOverlay]:
    """Published, built layers (oldest first), titled in ``language`` ('el'/'en'); with ``bounds`` (W, S, E, N in
    EPSG:4326 degrees), only those whose extent intersects it."""
    layers = _published()
    if bounds is not None:
        box = Polygon.from_bbox(bounds)
        box.srid = 4326
        layers = layers.filter(bounds__intersects=box)
    return [layer_overlay(layer=layer, language=language) for layer in layers.order_by("year_from", "slug")]


def layer_for_preview(*, slug: str, staff: bool) -> RasterLayer | None:
    """A built layer to preview: published ones for everyone, the others for staff."""
    layers = RasterLayer.objects.filter(bounds__isnull=False).exclude(archive="")
    if not staff:
        layers = layers.filter(published=True)
    return layers.filter(slug=slug).first()


def _tile_source_from_db(slug: str) -> TileSource | None:
    layer = RasterLayer.objects.filter(slug=slug).exclude(archive="").exclude(build_key="").first()
    if layer is None:
        return None
    return TileSource(layer.slug, layer.archive.name, layer.version, layer.built_format, layer.published)


def tile_source(*, slug: str, version: str) -> TileSource | None:
    """The archive serving ``slug``; read from a short cache unless the cached one is not ``version``."""
    key = f"tiles:source:{slug}"
    source = cache.get(key)
    if source is None or source.version != version:
        source = _tile_source_from_db(slug)
        cache.set(key, source, CACHE_SECONDS)
    return source


def tile_source_forget(*, slug: str) -> None:
    """Drop the cached archive of ``slug`` (after a build)."""
    cache.delete(f"tiles:source:{slug}")


def tile_bytes(*, source: TileSource, z: int, x: int, y: int) -> bytes | None:
    """The encoded tile z/x/y (XYZ) of ``source``'s archive, or None where it has none."""
    return readers.get(tiles_storage(), source.archive).tile(z, x, y)
