"""The tiles app's layer on municipalities' maps: the published historical maps and hillshades over the
municipality, with opacity sliders and the swipe (``tiles.maps``). Registered with ``gis.layers`` by
TilesConfig.ready, so the map page shows them without importing this app."""

from functools import partial
from typing import TYPE_CHECKING

from gis.layers import Bounds, MapLayer
from gis.maps import LeafletMap

from .maps import add_overlays, overlay_labels
from .selectors import MapOverlay, layers_for_map

if TYPE_CHECKING:
    from gis.models import Municipality

MAP_LAYER_ORDER = 200  # after gis' protected areas (100), as the switcher has always listed them


def overlays_map_layer(*, municipality: "Municipality", language: str, bounds: Bounds) -> MapLayer | None:
    """The published layers whose extent meets ``bounds`` (W, S, E, N in EPSG:4326 degrees, the municipality's),
    titled in ``language``; None when there are none."""
    overlays = layers_for_map(language=language, bounds=bounds)
    if not overlays:
        return None
    return MapLayer(add=partial(_overlays_add, overlays=overlays))


def _overlays_add(leaflet_map: LeafletMap, *, overlays: list[MapOverlay]) -> None:
    add_overlays(leaflet_map, layers=overlays, labels=overlay_labels())
