"""Leaflet maps described in JSON: a map is a list of steps (tile layers, GeoJSON layers, a marker, a fit, the layer
switcher, and the steps that other scripts register, such as the places layer or the historical-map overlays) that
our own script ``gis/leaflet-map.js`` carries out in order on Leaflet. The page holds the map's element and its
configuration in a ``<script type="application/json">``; no script is written into the page.

Every JS/CSS file a map needs is one of our static files (Leaflet and its plugins installed from npm, see
package.json); an asset given by address, or one that is not among the static files, raises ``UnknownMapAsset``
rather than reaching another host. Building a map needs nothing beyond Django (no folium, numpy or pandas in a web
process: README "Architecture"). Coordinates are EPSG:4326 degrees; Leaflet's order is [lat, lon].
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

if TYPE_CHECKING:
    from .layers import MapLayer

LEAFLET_JS = "vendor/leaflet/leaflet.js"
LEAFLET_CSS = "vendor/leaflet/leaflet.css"
MARKERCLUSTER_JS = ["vendor/leaflet.markercluster/leaflet.markercluster.js"]
MARKERCLUSTER_CSS = [
    "vendor/leaflet.markercluster/MarkerCluster.css",
    "vendor/leaflet.markercluster/MarkerCluster.Default.css",
]
# Ours, after every plugin: leaflet-map.js is the last and builds the maps of the page when it runs.
OUR_JS = ["gis/leaflet-labels.js", "xenagos/js/map.js", "gis/leaflet-map.js"]
OUR_CSS = ["xenagos/css/map.css"]
# Leaflet's default marker images. Leaflet guesses their folder from leaflet.css, which fails once collectstatic has
# given them hashed names (marker-icon.<hash>.png): every pin was a broken image. Maps are told the collected URLs.
LEAFLET_ICON_IMAGES = {
    "iconUrl": "vendor/leaflet/images/marker-icon.png",
    "iconRetinaUrl": "vendor/leaflet/images/marker-icon-2x.png",
    "shadowUrl": "vendor/leaflet/images/marker-shadow.png",
}
# The map element's class: the page styles (map.css, site.css, …) and the tests select the map by it.
MAP_CLASS = "folium-map"
LAYER_CONTROL = {"position": "topright", "collapsed": True, "autoZIndex": True}
# What json_script escapes, so that the configuration cannot close its <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


class UnknownMapAsset(LookupError):
    """A map asked for a JS/CSS file that we do not serve ourselves."""


@cache
def _known(path: str) -> bool:
    """Whether ``path`` is one of our static files: collected (what production serves) or among the sources."""
    return "//" not in path and (staticfiles_storage.exists(path) or finders.find(path) is not None)


def asset_url(path: str) -> str:
    """The URL of our static file ``path`` (a map's JS or CSS); UnknownMapAsset if it is not one of ours."""
    if not _known(path):
        raise UnknownMapAsset(f"map asset '{path}' is not one of our static files; install it from npm")
    return static(path)


@dataclass
class EmbeddedMap:
    """A map as a template places it: its element (``html``), its configuration (``config_json``, for a
    ``<script type="application/json" id="{{ element_id }}-config">``) and the URLs of its JS and CSS."""

    element_id: str
    config: dict[str, Any]
    js: list[str] = field(default_factory=list)
    css: list[str] = field(default_factory=list)

    @property
    def html(self) -> SafeString:
        """The element Leaflet draws the map in; ``gis/leaflet-map.js`` finds it by ``data-xenagos-map``."""
        return format_html('<div class="{}" id="{}" data-xenagos-map></div>', MAP_CLASS, self.element_id)

    @property
    def config_json(self) -> SafeString:
        """The configuration as JSON that is safe inside a ``<script>`` element (as Django's json_script)."""
        return mark_safe(json.dumps(self.config, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES))  # noqa: S308


class LeafletMap:
    """A map being described: options of ``L.map``, then its steps in order, and the static files they need."""

    def __init__(self, *, element_id: str, center: tuple[float, float], zoom: int, scale: bool = True):
        """``center`` is (lat, lon) in EPSG:4326 degrees; ``scale`` adds Leaflet's scale bar."""
        self.element_id = element_id
        self.options = {"center": list(center), "zoom": zoom, "scale": scale}
        self.steps: list[dict[str, Any]] = []
        self.js: list[str] = [LEAFLET_JS]
        self.css: list[str] = [LEAFLET_CSS]

    def add(self, step: dict[str, Any], *, js: list[str] | tuple[str, ...] = (), css: list[str] | tuple[str, ...] = ()):
        """Append ``step`` (its ``type`` names what leaflet-map.js does) with the static files it needs."""
        for path, target in [*((p, self.js) for p in js), *((p, self.css) for p in css)]:
            if path not in target:
                target.append(path)
        self.steps.append(step)

    def has(self, step_type: str) -> bool:
        """Whether a step of ``step_type`` is already on the map."""
        return any(step["type"] == step_type for step in self.steps)

    def embed(self) -> EmbeddedMap:
        """The map for a template, every asset resolved to our own static files."""
        config = {
            **self.options,
            "icon": leaflet_icon_options(),
            "labels": leaflet_labels(),
            "steps": self.steps,
        }
        return EmbeddedMap(
            element_id=self.element_id,
            config=config,
            js=[asset_url(path) for path in [*self.js, *OUR_JS]],
            css=[asset_url(path) for path in [*self.css, *OUR_CSS]],
        )


def tile_layer(
    *,
    url: str,
    attribution: str,
    name: str,
    max_zoom: int = 19,
    show: bool = True,
    overlay: bool = False,
    key: str = "",
    **options: Any,
) -> dict[str, Any]:
    """A step: an XYZ tile layer (``url`` a template with {z}/{x}/{y}); ``show`` adds it to the map at first. A
    base layer is offered by the layer switcher under ``name``, an ``overlay`` too; ``key`` names it for later
    steps. ``options`` are more of ``L.tileLayer``'s (camelCase)."""
    return {
        "type": "tiles",
        "url": url,
        "name": name,
        "key": key,
        "show": show,
        "overlay": overlay,
        "options": {
            "minZoom": 0,
            "maxZoom": max_zoom,
            "maxNativeZoom": max_zoom,
            "noWrap": False,
            "attribution": attribution,
            "subdomains": "abc",
            "detectRetina": False,
            "tms": False,
            "opacity": 1,
            **options,
        },
    }


def geojson_layer(
    *,
    data: str | dict,
    name: str,
    style: dict[str, Any],
    control: bool = True,
    interactive: bool = True,
    popup_fields: list[str] | None = None,
    tooltip_fields: list[str] | None = None,
    style_by: tuple[str, dict[str, dict[str, Any]]] | None = None,
    circle_markers: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A step: a GeoJSON layer (``data`` a geometry, Feature or FeatureCollection in EPSG:4326, as text or dict)
    drawn with ``style`` (Leaflet path options), in the layer switcher under ``name`` when ``control``. Its features'
    ``popup_fields``/``tooltip_fields`` properties are shown, one per line, as text; ``style_by`` = (property,
    {value: style}) styles a feature by a property's value over ``style``; ``circle_markers`` draws points as circles
    of those options."""
    return {
        "type": "geojson",
        "data": json.loads(data) if isinstance(data, str) else data,
        "name": name,
        "style": style,
        "control": control,
        "interactive": interactive,
        "popupFields": popup_fields or [],
        "tooltipFields": tooltip_fields or [],
        "styleBy": {"property": style_by[0], "values": style_by[1]} if style_by else None,
        "circleMarkers": circle_markers,
    }


def fit_bounds(*, south: float, west: float, north: float, east: float, **options: Any) -> dict[str, Any]:
    """A step: fit the view to a box in EPSG:4326 degrees; ``options`` are ``fitBounds``' (e.g. animate, maxZoom)."""
    return {"type": "fitBounds", "bounds": [[south, west], [north, east]], "options": options}


def layer_control() -> dict[str, Any]:
    """A step: the layer switcher (collapsed, top right) with every base layer and overlay added before it."""
    return {"type": "layerControl", "options": LAYER_CONTROL}


def leaflet_icon_options() -> dict[str, str]:
    """Options for ``L.Icon.Default.mergeOptions``: the folder of Leaflet's marker images as collected
    (``imagePath``) and their file names in it (hashed under the manifest storage)."""
    urls = {option: static(path) for option, path in LEAFLET_ICON_IMAGES.items()}
    folders = {url.rsplit("/", 1)[0] + "/" for url in urls.values()}
    if len(folders) != 1:
        raise UnknownMapAsset(f"Leaflet's marker images are collected into different folders: {sorted(folders)}")
    return {"imagePath": folders.pop(), **{option: url.rsplit("/", 1)[1] for option, url in urls.items()}}


def leaflet_labels() -> dict[str, str]:
    """Leaflet's control texts in the active language, for ``xenagos.leafletLabels`` (gis/leaflet-labels.js)."""
    return {
        "zoomIn": gettext("Zoom in"),
        "zoomOut": gettext("Zoom out"),
        "layers": gettext("Layers"),
        "closePopup": gettext("Close"),
        "leaflet": gettext("Leaflet, a JavaScript library for interactive maps"),
    }


@dataclass
class BaseMap:
    """A base-map tile service (XYZ URL template, attribution, maximum zoom)."""

    name: str
    url: str
    attribution: str
    max_zoom: int = 19


def base_maps() -> list[BaseMap]:
    """The configured base maps (settings.BASEMAPS); the first is shown by default."""
    return [BaseMap(**item) for item in settings.BASEMAPS]


def base_layer(base: BaseMap, *, show: bool = True) -> dict[str, Any]:
    """A step: ``base`` as a base layer of the switcher."""
    return tile_layer(url=base.url, attribution=base.attribution, name=base.name, max_zoom=base.max_zoom, show=show)


def municipality_map(
    *,
    bounds: tuple[float, float, float, float],
    boundary_geojson: str,
    boundary_label: str,
    places_config: dict,
    view: tuple[float, float, int] | None = None,
    layers: Sequence[MapLayer] = (),
) -> EmbeddedMap:
    """A municipality's map: base-map switcher, its boundary, and its places loaded by view from
    ``places_config["endpoint"]``. Opens on ``view`` (lat, lon, zoom) or fitted to ``bounds`` (W, S, E, N; EPSG:4326).
    ``layers`` (``gis.layers.MapLayer``: protected areas, historical-map overlays, …) go on it before the switcher.
    """
    west, south, east, north = bounds
    leaflet_map = LeafletMap(
        element_id="xenagos-map",
        center=(view[0], view[1]) if view else ((south + north) / 2, (west + east) / 2),
        zoom=view[2] if view else 13,
    )
    for index, base in enumerate(base_maps()):
        leaflet_map.add(base_layer(base, show=index == 0))
    boundary = {"color": "#0b5394", "weight": 3, "fillOpacity": 0.04}
    leaflet_map.add(
        geojson_layer(data=boundary_geojson, name=boundary_label, style=boundary, interactive=False, control=False)
    )
    if not view:
        # Fitted at once (no zoom animation) and before the places layer starts, so the first view is the one whose
        # places are fetched: one request on load, not one for the opening zoom and another when the fit ends.
        leaflet_map.add(fit_bounds(south=south, west=west, north=north, east=east, animate=False))
    leaflet_map.add({"type": "places", "config": places_config}, js=MARKERCLUSTER_JS, css=MARKERCLUSTER_CSS)
    for layer in layers:
        layer.add(leaflet_map)
    if len(base_maps()) > 1 or layers:
        leaflet_map.add(layer_control())  # after every layer: the switcher lists those added before it
    return leaflet_map.embed()


def areas_layer(*, geojson: str, label: str) -> dict[str, Any]:
    """A step: protected areas (a small GeoJSON FeatureCollection with ``name`` and ``kind`` properties) as a layer
    that the layer switcher can hide, each with a popup naming it."""
    style = {"color": "#7a3e00", "dashArray": "6 4", "fillColor": "#7a3e00", "fillOpacity": 0.12, "weight": 2}
    return geojson_layer(data=geojson, name=label, style=style, popup_fields=["name", "kind"])


def place_map(*, lon: float, lat: float, name: str, zoom: int = 16) -> EmbeddedMap:
    """A small map of one place (EPSG:4326 lon/lat) with its marker."""
    leaflet_map = LeafletMap(element_id="xenagos-place-map", center=(lat, lon), zoom=zoom, scale=False)
    leaflet_map.add(base_layer(base_maps()[0]))
    leaflet_map.add({"type": "marker", "latlng": [lat, lon], "options": {"alt": name, "title": name}})
    return leaflet_map.embed()
