"""Raster overlays on a folium map: the layers in the layer switcher, an opacity slider per layer
(Leaflet.Control.Opacity) and a swipe to compare the old map with today's (leaflet-compare), both from npm.

Every asset is named in ``default_js``/``default_css`` under a name that ``gis.maps.STATIC_ASSETS`` maps to our own
static copy, so ``gis.maps.embed`` serves them from our origin (and refuses any it does not know).

folium is imported by the functions that add to a map, so it loads with the first map built, not when a web process
starts (``overlay_labels`` and the asset names need none of it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .selectors import MapOverlay

if TYPE_CHECKING:
    import folium

PANE = "xenagosOverlays"
PANE_Z_INDEX = 250  # above the base map's tiles (200), below vector overlays (400) and markers (600)
ASSETS_JS = [
    ("leaflet_compare_js", "vendor/leaflet-compare/leaflet-compare.js"),
    ("leaflet_control_opacity_js", "vendor/leaflet.control.opacity/L.Control.Opacity.js"),
    ("xenagos_tiles_js", "tiles/js/overlays.js"),
]
ASSETS_CSS = [
    ("leaflet_compare_css", "vendor/leaflet-compare/leaflet-compare.css"),
    ("xenagos_tiles_css", "tiles/css/overlays.css"),
]
# What gis.maps.STATIC_ASSETS must hold for these overlays: folium asset name -> static path.
STATIC_ASSETS = dict(ASSETS_JS + ASSETS_CSS)


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
    folium_map: folium.Map,
    *,
    layers: Sequence[MapOverlay],
    labels: OverlayLabels,
    show: bool = False,
    layer_control: bool | None = None,
) -> list[str]:
    """Add ``layers`` (from ``tiles.selectors.layers_for_map``) to ``folium_map`` as overlay tile layers with
    opacity sliders and a swipe; ``show`` turns them on at first. A ``folium.LayerControl`` is added unless the map
    already has one (or ``layer_control`` says otherwise). Returns the folium asset names the overlays need (all
    in ``STATIC_ASSETS``); none when there are no layers."""
    if not layers:
        return []
    import folium  # here, not at the top: folium loads with the first map built (see the module's docstring)

    from .map_elements import OverlayControls

    folium.map.CustomPane(PANE, z_index=PANE_Z_INDEX, pointer_events=False).add_to(folium_map)
    tile_layers = []
    for overlay in layers:
        west, south, east, north = overlay.bounds
        name = f"{overlay.title} ({overlay.period})" if overlay.period else overlay.title
        tile_layer = folium.TileLayer(
            tiles=overlay.tile_url,
            attr=overlay.attribution or escape(overlay.title),
            name=escape(name),
            overlay=True,
            control=True,
            show=show,
            opacity=overlay.opacity,
            min_zoom=0,
            max_zoom=22,
            max_native_zoom=overlay.max_zoom,
            min_native_zoom=overlay.min_zoom,
            bounds=[[south, west], [north, east]],
            pane=PANE,
        )
        tile_layer.add_to(folium_map)
        tile_layers.append(tile_layer)
    if layer_control is None:
        layer_control = not any(isinstance(child, folium.LayerControl) for child in folium_map._children.values())
    if layer_control:
        folium.LayerControl(position="topright", collapsed=True).add_to(folium_map)
    texts = asdict(labels)
    texts["opacity"] = escape(labels.opacity)  # the opacity plugin writes its heading with innerHTML; ours use text
    count = len(tile_layers)
    texts["hint"] = ngettext("Historical map (%(count)s)", "Historical maps (%(count)s)", count) % {"count": count}
    config = {"pane": PANE, "labels": texts}
    OverlayControls(tile_layers, config).add_to(folium_map)
    return [name for name, _path in ASSETS_JS + ASSETS_CSS]


def preview_map(*, overlay: MapOverlay, labels: OverlayLabels, base_map: dict):
    """A map of one overlay over the base map (``base_map``: url, attribution, name, max_zoom), fitted to its
    extent: the layer's preview page. Returns ``gis.maps.EmbeddedMap``."""
    import folium  # here, not at the top: folium loads with the first map built (see the module's docstring)

    from gis.maps import embed  # the one shared embedding: every asset resolved to our own static files

    west, south, east, north = overlay.bounds
    folium_map = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=overlay.min_zoom,
        tiles=None,
        control_scale=True,
        width="100%",
        height="100%",
    )
    folium.TileLayer(
        tiles=base_map["url"],
        attr=base_map["attribution"],
        name=escape(base_map.get("name", "")),
        max_zoom=base_map.get("max_zoom", 19),
    ).add_to(folium_map)
    add_overlays(folium_map, layers=[overlay], labels=labels, show=True)
    folium_map.fit_bounds([[south, west], [north, east]])
    return embed(folium_map)
