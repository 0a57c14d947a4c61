"""Reads of the tiles app: the layers offered on a map, and one tile of a layer's archive."""

from dataclasses import dataclass
from typing import cast

from django.contrib.gis.geos import Polygon
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape

from gis.languages import localized

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
    archive_title: str = ""  # the archive item the map was made from (published, of the map's municipality)
    archive_url: str = ""  # its page, /<lang>/archive/<uid>/


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


def _archive_source(*, layer: RasterLayer, language: str, municipality_id: int | None) -> tuple[str, str]:
    """The title (in ``language``) and page of the archive item ``layer`` comes from, when it is published and of
    the municipality ``municipality_id`` (the map's); else ("", "")."""
    item = layer.archive_item
    if item is None or municipality_id is None or item.municipality_id != municipality_id or item.withdrawn:
        return "", ""
    title = localized({"el": item.name_el, "en": item.name_en}, language=language)
    return title, reverse("archive-item", kwargs={"uid": item.uid})


def layer_overlay(*, layer: RasterLayer, language: str, municipality_id: int | None = None) -> MapOverlay:
    """``layer`` as a map overlay, titled in ``language`` (a built layer: extent and zooms are set); on the map of
    the municipality ``municipality_id`` with the archive item it comes from, when that is published there."""
    west, south, east, north = cast(Polygon, layer.bounds).extent
    archive_title, archive_url = _archive_source(layer=layer, language=language, municipality_id=municipality_id)
    return MapOverlay(
        slug=layer.slug,
        title=layer.title(language),
        period=layer.period,
        tile_url=tile_url_template(slug=layer.slug, version=layer.version, tile_format=layer.built_format),
        attribution=_attribution(layer),
        bounds=(west, south, east, north),
        min_zoom=cast(int, layer.built_min_zoom),
        max_zoom=cast(int, layer.built_max_zoom),
        opacity=layer.default_opacity,
        archive_title=archive_title,
        archive_url=archive_url,
    )


def layers_for_map(
    *,
    language: str,
    bounds: tuple[float, float, float, float] | None = None,
    municipality_id: int | None = None,
) -> list[MapOverlay]:
    """Published, built layers (oldest first), titled in ``language`` ('el'/'en'); with ``bounds`` (W, S, E, N in
    EPSG:4326 degrees), only those whose extent intersects it; with ``municipality_id`` (the map's), each with the
    archive item it comes from when that item is published and of that municipality."""
    layers = _published().select_related("archive_item")
    if bounds is not None:
        box = Polygon.from_bbox(bounds)
        box.srid = 4326
        layers = layers.filter(bounds__intersects=box)
    return [
        layer_overlay(layer=layer, language=language, municipality_id=municipality_id)
        for layer in layers.order_by("year_from", "slug")
    ]


def layers_of_archive_item(
    *, item_id: int, language: str, bounds: tuple[float, float, float, float]
) -> list[MapOverlay]:
    """The published, built layers made from the archive item ``item_id`` that a map of extent ``bounds`` (W, S,
    E, N in EPSG:4326 degrees) offers, titled in ``language``."""
    box = Polygon.from_bbox(bounds)
    box.srid = 4326
    layers = _published().filter(archive_item_id=item_id, bounds__intersects=box).order_by("year_from", "slug")
    return [layer_overlay(layer=layer, language=language) for layer in layers]


def municipalities_under(*, bounds: tuple[float, float, float, float]) -> list:
    """The municipalities (gis.Municipality, by name) whose maps offer a layer of extent ``bounds`` (W, S, E, N in
    EPSG:4326 degrees): those whose boundary's box it overlaps, as the map page asks ``layers_for_map``."""
    from gis.models import Municipality  # the one other read of gis here: which maps a layer reaches

    box = Polygon.from_bbox(bounds)
    box.srid = 4326
    return list(Municipality.objects.filter(boundary__bboverlaps=box).defer("boundary").order_by("name_el"))


def layer_previewable_by(*, layer: RasterLayer, user) -> bool:
    """Whether ``user`` may see ``layer`` while it is not published: a superuser, or a user who may view raster
    layers in the admin and edits a municipality whose boundary the layer's extent (EPSG:4326) intersects."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if layer.bounds is None or not user.has_perm("tiles.view_rasterlayer"):
        return False
    from gis.services import municipalities_editable_by  # the one read of gis here: whose municipality it is

    return any(m.boundary and m.boundary.intersects(layer.bounds) for m in municipalities_editable_by(user))


def layer_for_preview(*, slug: str, user) -> RasterLayer | None:
    """A built layer to preview or describe: a published one for everyone, another only for those who may see it
    unpublished (``layer_previewable_by``)."""
    layer = RasterLayer.objects.filter(slug=slug, bounds__isnull=False).exclude(archive="").first()
    if layer is None or layer.published or layer_previewable_by(layer=layer, user=user):
        return layer
    return None


def tile_source_previewable_by(*, source: "TileSource", user) -> bool:
    """Whether ``user`` may have the tiles of ``source`` (always when it is published)."""
    if source.published:
        return True
    if not user.is_authenticated:
        return False
    layer = RasterLayer.objects.filter(slug=source.slug).first()
    return layer is not None and layer_previewable_by(layer=layer, user=user)


def _tile_source_from_db(slug: str) -> TileSource | None:
    layer = RasterLayer.objects.filter(slug=slug).exclude(archive="").exclude(build_key="").first()
    if layer is None:
        return None
    return TileSource(layer.slug, cast(str, layer.archive.name), layer.version, layer.built_format, layer.published)


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
