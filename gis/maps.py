"""folium map builders. Maps are embedded in our templates (no iframe) and load only our own assets.

folium ships CDN addresses for Leaflet and its plugins; every element's ``default_js``/``default_css`` is
replaced here by files installed from npm and served as static files. An asset this module does not know
raises ``UnknownMapAsset`` rather than reaching a CDN.
"""

from dataclasses import dataclass, field

import folium
from branca.element import Element
from django.conf import settings
from django.templatetags.static import static
from folium.plugins import MarkerCluster
from folium.utilities import JsCode

# folium's asset names -> our static files (installed from npm, see package.json)
STATIC_ASSETS = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "leaflet_css": "vendor/leaflet/leaflet.css",
    "markerclusterjs": "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "markerclustercss": "vendor/leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "vendor/leaflet.markercluster/MarkerCluster.Default.css",
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
OUR_JS = ["xenagos/js/map.js"]
OUR_CSS = ["xenagos/css/map.css"]


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
    figure = folium_map.get_root()
    figure.render()
    return EmbeddedMap(
        html=figure.html.render(),
        script=figure.script.render(),
        js=js + [static(path) for path in OUR_JS],
        css=css + [static(path) for path in OUR_CSS],
    )


@dataclass
class MapLabels:
    """Visible texts of a map in the page's language."""

    boundary: str
    places: str
    base_map: str


def municipality_map(
    *,
    bounds: tuple[float, float, float, float],
    boundary_geojson: str,
    places_geojson: str,
    labels: MapLabels,
) -> EmbeddedMap:
    """A map of one municipality: its boundary and clustered places, fitted to ``bounds`` (W, S, E, N; EPSG:4326)."""
    west, south, east, north = bounds
    folium_map = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=13,
        tiles=None,
        control_scale=True,
        width="100%",
        height="100%",
    )
    folium.TileLayer(
        tiles=settings.BASEMAP_URL,
        attr=settings.BASEMAP_ATTRIBUTION,
        name=labels.base_map,
        max_zoom=settings.BASEMAP_MAX_ZOOM,
    ).add_to(folium_map)
    folium.GeoJson(
        boundary_geojson,
        name=labels.boundary,
        style_function=lambda _feature: {"color": "#0b5394", "weight": 3, "fillOpacity": 0.04},
        interactive=False,
    ).add_to(folium_map)
    cluster = MarkerCluster(name=labels.places).add_to(folium_map)
    folium.GeoJson(
        places_geojson,
        name=labels.places,
        on_each_feature=JsCode("xenagos.bindPlacePopup"),
    ).add_to(cluster)
    folium_map.fit_bounds([[south, west], [north, east]])
    return embed(folium_map)
