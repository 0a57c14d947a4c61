"""folium map builders. Maps are embedded in our templates (no iframe) and load only our own assets.

folium ships CDN addresses for Leaflet and its plugins; every element's ``default_js``/``default_css`` is
replaced here by files installed from npm and served as static files. An asset this module does not know
raises ``UnknownMapAsset`` rather than reaching a CDN.

folium (with numpy and branca) is imported by the functions that build a map, so it loads with the first map a web
process builds, not when the process starts (the asset names, base maps and labels here need none of it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import gettext

if TYPE_CHECKING:
    import folium
    from branca.element import Element, Figure

# folium's asset names -> our static files (installed from npm, see package.json)
STATIC_ASSETS = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "leaflet_css": "vendor/leaflet/leaflet.css",
    "markerclusterjs": "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "markerclustercss": "vendor/leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "vendor/leaflet.markercluster/MarkerCluster.Default.css",
    # raster overlays (tiles.maps): opacity sliders, swipe, and our glue
    "leaflet_compare_js": "vendor/leaflet-compare/leaflet-compare.js",
    "leaflet_compare_css": "vendor/leaflet-compare/leaflet-compare.css",
    "leaflet_control_opacity_js": "vendor/leaflet.control.opacity/L.Control.Opacity.js",
    "xenagos_tiles_js": "tiles/js/overlays.js",
    "xenagos_tiles_css": "tiles/css/overlays.css",
}
# folium's defaults we drop: jQuery, Bootstrap and awesome-markers are not used by our maps.
DROPPED_ASSETS = {
    "jquery",
    "bootstrap",
    "bootstrap_css",
    "glyphicons_css",
    "awesome_markers",
    "awesome_markers_font_css",
    "awesome_markers_css",
    "awesome_rotate_css",
}
OUR_JS = ["gis/leaflet-labels.js", "xenagos/js/map.js"]
OUR_CSS = ["xenagos/css/map.css"]
# Leaflet's default marker images. Leaflet guesses their folder from leaflet.css, which fails once collectstatic has
# given them hashed names (marker-icon.<hash>.png): every pin was a broken image. Maps are told the collected URLs.
LEAFLET_ICON_IMAGES = {
    "iconUrl": "vendor/leaflet/images/marker-icon.png",
    "iconRetinaUrl": "vendor/leaflet/images/marker-icon-2x.png",
    "shadowUrl": "vendor/leaflet/images/marker-shadow.png",
}


class UnknownMapAsset(LookupError):
    """A folium element asked for a JS/CSS file that we do not serve ourselves."""


@dataclass
class EmbeddedMap:
    """The parts of a folium map that a template places: a div, one script, and asset URLs."""

    html: str
    script: str
    js: list[str] = field(default_factory=list)
    css: list[str] = field(default_factory=list)


def _walk(element: Element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _resolve(name: str) -> str:
    try:
        return static(STATIC_ASSETS[name])
    except KeyError:
        raise UnknownMapAsset(f"folium asset '{name}' has no self-hosted copy; add it to STATIC_ASSETS") from None


def leaflet_icon_options() -> dict[str, str]:
    """Options for ``L.Icon.Default.mergeOptions``: the folder of Leaflet's marker images as collected
    (``imagePath``) and their file names in it (hashed under the manifest storage)."""
    urls = {option: static(path) for option, path in LEAFLET_ICON_IMAGES.items()}
    folders = {url.rsplit("/", 1)[0] + "/" for url in urls.values()}
    if len(folders) != 1:
        raise UnknownMapAsset(f"Leaflet's marker images are collected into different folders: {sorted(folders)}")
    return {"imagePath": folders.pop(), **{option: url.rsplit("/", 1)[1] for option, url in urls.items()}}


def leaflet_icon_script() -> str:
    """JavaScript that points Leaflet's default marker at its collected images (see LEAFLET_ICON_IMAGES)."""
    return f"L.Icon.Default.mergeOptions({json.dumps(leaflet_icon_options())});\n"


def leaflet_labels() -> dict[str, str]:
    """Leaflet's control texts in the active language, for ``xenagos.leafletLabels`` (gis/leaflet-labels.js)."""
    return {
        "zoomIn": gettext("Zoom in"),
        "zoomOut": gettext("Zoom out"),
        "layers": gettext("Layers"),
        "closePopup": gettext("Close"),
        "leaflet": gettext("Leaflet, a JavaScript library for interactive maps"),
    }


def leaflet_labels_script() -> str:
    """The inline call that puts Leaflet's controls in the active language; it runs before the map is made."""
    labels = json.dumps(leaflet_labels(), ensure_ascii=False).replace("<", "\\u003c")
    return f"xenagos.leafletLabels({labels});\n"


def embed(folium_map: folium.Map) -> EmbeddedMap:
    """Render ``folium_map`` into embeddable parts, with every asset served by us."""
    js: list[str] = []
    css: list[str] = []
    for element in _walk(folium_map):
        for kind, target in (("default_js", js), ("default_css", css)):
            for name, _url in getattr(element, kind, []):
                if name in DROPPED_ASSETS:
                    continue
                url = _resolve(name)
                if url not in target:
                    target.append(url)
    figure = cast("Figure", folium_map.get_root())
    figure.render()
    return EmbeddedMap(
        html=figure.html.render(),
        script=leaflet_icon_script() + leaflet_labels_script() + figure.script.render(),
        js=js + [static(path) for path in OUR_JS],
        css=css + [static(path) for path in OUR_CSS],
    )


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


def municipality_map(
    *,
    bounds: tuple[float, float, float, float],
    boundary_geojson: str,
    boundary_label: str,
    places_config: dict,
    view: tuple[float, float, int] | None = None,
    decorate: Callable[[folium.Map], object] | None = None,
) -> EmbeddedMap:
    """A municipality's map: base-map switcher, its boundary, and its places loaded by view from
    ``places_config["endpoint"]``. Opens on ``view`` (lat, lon, zoom) or fitted to ``bounds`` (W, S, E, N; EPSG:4326).
    ``decorate`` adds more layers to the map (the historical-map overlays of the tiles app) before the switcher.
    """
    import folium  # here, not at the top: folium loads with the first map built (see the module's docstring)

    from .map_elements import PlacesLayer

    west, south, east, north = bounds
    folium_map = folium.Map(
        location=[view[0], view[1]] if view else [(south + north) / 2, (west + east) / 2],
        zoom_start=view[2] if view else 13,
        tiles=None,
        control_scale=True,
        width="100%",
        height="100%",
    )
    for index, base in enumerate(base_maps()):
        folium.TileLayer(
            tiles=base.url, attr=base.attribution, name=base.name, max_zoom=base.max_zoom, show=index == 0
        ).add_to(folium_map)
    folium.GeoJson(
        boundary_geojson,
        name=boundary_label,
        style_function=lambda _feature: {"color": "#0b5394", "weight": 3, "fillOpacity": 0.04},
        interactive=False,
        control=False,
    ).add_to(folium_map)
    if not view:
        # Fitted at once (no zoom animation) and before the places layer starts, so the first view is the one whose
        # places are fetched: one request on load, not one for the opening zoom and another when the fit ends.
        fit = folium.FitBounds([[south, west], [north, east]])
        fit.options["animate"] = False
        folium_map.add_child(fit)
    PlacesLayer(places_config).add_to(folium_map)
    if decorate is not None:
        decorate(folium_map)
    if len(base_maps()) > 1 or decorate is not None:
        # after every layer: the control's script refers to the layers by their variables
        folium.LayerControl(position="topright", collapsed=True).add_to(folium_map)
    return embed(folium_map)


def add_areas(folium_map: folium.Map, *, geojson: str, label: str) -> None:
    """Protected areas (a small GeoJSON FeatureCollection with ``name`` and ``kind`` properties) as a layer that
    the layer switcher can hide, each with a popup naming it."""
    import folium  # here, not at the top: folium loads with the first map built (see the module's docstring)

    folium.GeoJson(
        geojson,
        name=label,
        style_function=lambda _feature: {
            "color": "#7a3e00",
            "weight": 2,
            "dashArray": "6 4",
            "fillColor": "#7a3e00",
            "fillOpacity": 0.12,
        },
        popup=folium.GeoJsonPopup(fields=["name", "kind"], labels=False),
    ).add_to(folium_map)


def place_map(*, lon: float, lat: float, name: str, zoom: int = 16) -> EmbeddedMap:
    """A small map of one place (EPSG:4326 lon/lat) with its marker."""
    import folium  # here, not at the top: folium loads with the first map built (see the module's docstring)

    folium_map = folium.Map(location=[lat, lon], zoom_start=zoom, tiles=None, width="100%", height="100%")
    base = base_maps()[0]
    folium.TileLayer(tiles=base.url, attr=base.attribution, name=base.name, max_zoom=base.max_zoom).add_to(folium_map)
    folium.Marker([lat, lon], alt=name, title=name).add_to(folium_map)
    return embed(folium_map)
