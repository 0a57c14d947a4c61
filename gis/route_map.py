"""The routes on maps: the routes list's map and the "Routes" layer of a municipality's main map, both drawn by the
``routes`` step (``gis/routes-layer.js``) from the map data endpoint ``gis.views.routes``, which simplifies the
lines by zoom. Coordinates are EPSG:4326 degrees."""

from functools import partial
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from . import maps
from .layers import Bounds, MapLayer
from .models import Municipality, Route

ROUTES_JS = "gis/routes-layer.js"
ROUTE_LINE_STYLE = {"color": "#6a1b9a", "weight": 4, "opacity": 0.85}
MAP_LAYER_ORDER = 150  # over the protected areas (100), under the historical-map overlays (tiles, 200)
# from this zoom on (streets), the lines are asked for the part of the map around the view only (``view``)
VIEW_FROM_ZOOM = 14


def routes_step(*, endpoint: str, query: str, name: str, show: bool = True) -> dict[str, Any]:
    """A step: the routes of ``endpoint`` (GeoJSON with ``name`` and ``url`` per line, asked again with ``zoom`` at
    every zoom, after ``query``, the filters' query string) as a layer in the switcher under ``name``; a click on
    a line opens its page. From ``viewFromZoom`` on, the step asks only for the lines around the view (``view``:
    the view padded by half its size and widened to whole tiles, so a small pan needs no new request and the
    same areas give the same, cacheable, URLs)."""
    return {
        "type": "routes",
        "endpoint": endpoint,
        "query": query,
        "name": name,
        "show": show,
        "style": ROUTE_LINE_STYLE,
        "viewFromZoom": VIEW_FROM_ZOOM,
    }


def routes_list_map(*, bounds: Bounds, endpoint: str, query: str, name: str) -> maps.EmbeddedMap:
    """The routes list's map: the base map and the matching routes (``query``), fitted to ``bounds`` (W, S, E, N)."""
    west, south, east, north = bounds
    leaflet_map = maps.LeafletMap(
        element_id="xenagos-routes-map", center=((south + north) / 2, (west + east) / 2), zoom=13
    )
    leaflet_map.add(maps.base_layer(maps.base_maps()[0]))
    leaflet_map.add(maps.fit_bounds(south=south, west=west, north=north, east=east, animate=False))
    leaflet_map.add(routes_step(endpoint=endpoint, query=query, name=name), js=[ROUTES_JS])
    return leaflet_map.embed()


def routes_map_layer(*, municipality: Municipality, language: str, bounds: Bounds) -> MapLayer | None:
    """The "Routes" layer of ``municipality``'s main map (the published routes, from the map data endpoint), shown
    at first, which the layer switcher can hide; None when the municipality has no public route. Registered with
    ``gis.layers`` by GisConfig.ready."""
    if not Route.objects.public().filter(municipalities=municipality).exists():
        return None
    return MapLayer(
        add=partial(_routes_add, step=routes_step(endpoint=reverse("map-routes"), query="", name=_("Routes")))
    )


def _routes_add(leaflet_map: maps.LeafletMap, *, step: dict[str, Any]) -> None:
    leaflet_map.add(step, js=[ROUTES_JS])
