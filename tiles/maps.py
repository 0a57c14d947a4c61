"""Raster overlays on a map (``gis.maps``): the layers in the layer switcher, an opacity slider per layer
(Leaflet.Control.Opacity) and a swipe to compare the old map with today's (leaflet-compare), both from npm.

The overlays are steps of the map's JSON configuration: a pane, one tile layer per overlay, and the "overlays"
step that ``tiles/js/overlays.js`` registers with ``gis/leaflet-map.js``; that script turns on the overlay named by
the page's ``?layer=<slug>`` (the archive item page's link "This map is a layer on the map"). Every asset is one of
our static files (``gis.maps.asset_url`` refuses any other).
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from django.utils.html import escape, format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gis.maps import EmbeddedMap, LeafletMap, fit_bounds, layer_control, tile_layer

from .selectors import MapOverlay

PANE = "xenagosOverlays"
PANE_Z_INDEX = 250  # above the base map's tiles (200), below vector overlays (400) and markers (600)
ASSETS_JS = [
    "vendor/leaflet-compare/leaflet-compare.js",
    "vendor/leaflet.control.opacity/L.Control.Opacity.js",
    "tiles/js/overlays.js",
]
ASSETS_CSS = ["vendor/leaflet-compare/leaflet-compare.css", "tiles/css/overlays.css"]


@dataclass(frozen=True)
class OverlayLabels:
    """Visible and accessible texts of the overlay controls, in the page's language."""

    opacity: str  # heading of the opacity sliders, e.g. "Opacity"
    swipe: str  # the button that turns the swipe on and off, e.g. "Compare with today"
    swipe_slider: str  # accessible name of the swipe's slider, e.g. "Divide old map and today's map"


def overlay_labels() -> OverlayLabels:
    """The overlay controls' texts in the active language."""
    return OverlayLabels(
        opacity=_("Opacity"),
        swipe=_("Compare with today"),
        swipe_slider=_("Divider between the old map and today's map"),
    )


def add_overlays(
    leaflet_map: LeafletMap,
    *,
    layers: Sequence[MapOverlay],
    labels: OverlayLabels,
    show: bool = False,
    layer_control_first: bool = False,
) -> None:
    """Add ``layers`` (from ``tiles.selectors.layers_for_map``) to ``leaflet_map`` as overlay tile layers (bounds in
    EPSG:4326 degrees) with opacity sliders and a swipe; ``show`` turns them on at first. ``layer_control_first``
    adds the layer switcher before the overlay controls (a map with no other switcher); else the map's own comes
    after them."""
    if not layers:
        return
    leaflet_map.add({"type": "pane", "name": PANE, "zIndex": PANE_Z_INDEX, "pointerEvents": False})
    keys, slugs = {}, {}
    for index, overlay in enumerate(layers):
        west, south, east, north = overlay.bounds
        name = escape(f"{overlay.title} ({overlay.period})" if overlay.period else overlay.title)
        keys[name] = f"overlay-{index}"
        slugs[keys[name]] = overlay.slug
        step = tile_layer(
            url=overlay.tile_url,
            attribution=_overlay_attribution(overlay),
            name=name,
            max_zoom=22,
            show=show,
            overlay=True,
            key=keys[name],
            maxNativeZoom=overlay.max_zoom,
            opacity=overlay.opacity,
            minNativeZoom=overlay.min_zoom,
            bounds=[[south, west], [north, east]],
            pane=PANE,
        )
        leaflet_map.add(step)
    if layer_control_first:
        leaflet_map.add(layer_control())
    texts = asdict(labels)
    texts["opacity"] = escape(labels.opacity)  # the opacity plugin writes its heading with innerHTML; ours use text
    count = len(keys)
    texts["hint"] = ngettext("Historical map (%(count)s)", "Historical maps (%(count)s)", count) % {"count": count}
    config = {"labels": texts, "pane": PANE, "slugs": slugs}
    leaflet_map.add({"type": "overlays", "layers": keys, "config": config}, js=ASSETS_JS, css=ASSETS_CSS)


def _overlay_attribution(overlay: MapOverlay) -> str:
    """The overlay's attribution (HTML, shown while it is on): its own (else its title) and, when the map may
    show it, "From the archive: <the item's title, linked to its page>"."""
    attribution = overlay.attribution or escape(overlay.title)
    if not overlay.archive_url:
        return attribution
    source = format_html('{} <a href="{}">{}</a>', _("From the archive:"), overlay.archive_url, overlay.archive_title)
    return f"{attribution} · {source}"


def preview_map(*, overlay: MapOverlay, labels: OverlayLabels, base_map: dict) -> EmbeddedMap:
    """A map of one overlay over the base map (``base_map``: url, attribution, name, max_zoom), fitted to its
    extent (EPSG:4326 degrees): the layer's preview page."""
    west, south, east, north = overlay.bounds
    leaflet_map = LeafletMap(
        element_id="xenagos-tiles-preview", center=((south + north) / 2, (west + east) / 2), zoom=overlay.min_zoom
    )
    base = tile_layer(
        url=base_map["url"],
        attribution=base_map["attribution"],
        name=escape(base_map.get("name", "")),
        max_zoom=base_map.get("max_zoom", 19),
    )
    leaflet_map.add(base)
    add_overlays(leaflet_map, layers=[overlay], labels=labels, show=True, layer_control_first=True)
    leaflet_map.add(fit_bounds(south=south, west=west, north=north, east=east))
    return leaflet_map.embed()
