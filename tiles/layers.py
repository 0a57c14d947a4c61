"""The tiles app's layer on municipalities' maps: the published historical maps and hillshades over the
municipality, with opacity sliders and the swipe (``tiles.maps``). Registered with ``gis.layers`` by
TilesConfig.ready, so the map page shows them without importing this app."""

from functools import partial
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.http import urlencode

from gis.layers import Bounds, ItemLayer, MapLayer
from gis.maps import LeafletMap

from .maps import add_overlays, overlay_labels
from .selectors import MapOverlay, layers_for_map, layers_of_archive_item

if TYPE_CHECKING:
    from gis.models import ArchiveItem, Municipality

MAP_LAYER_ORDER = 200  # after gis' protected areas (100), as the switcher has always listed them


def overlays_map_layer(*, municipality: "Municipality", language: str, bounds: Bounds) -> MapLayer | None:
    """The published layers whose extent meets ``bounds`` (W, S, E, N in EPSG:4326 degrees, the municipality's),
    titled in ``language``; None when there are none."""
    overlays = layers_for_map(language=language, bounds=bounds, municipality_id=municipality.pk)
    if not overlays:
        return None
    return MapLayer(add=partial(_overlays_add, overlays=overlays))


def archive_item_layers(*, item: "ArchiveItem", municipality: "Municipality", language: str, bounds: Bounds):
    """The links "This map is a layer on the map" of an archive item's page on ``municipality``'s site: the
    published layers made from ``item`` that its map (extent ``bounds``, W, S, E, N in EPSG:4326 degrees) offers,
    each opening the map with the layer on (``?layer=<slug>``, tiles/js/overlays.js)."""
    if item.municipality_id != municipality.pk:
        return []
    found = layers_of_archive_item(item_id=item.pk, language=language, bounds=bounds)
    map_url = reverse("map")
    return [ItemLayer(title=o.title, url=f"{map_url}?{urlencode({'layer': o.slug})}") for o in found]


def _overlays_add(leaflet_map: LeafletMap, *, overlays: list[MapOverlay]) -> None:
    add_overlays(leaflet_map, layers=overlays, labels=overlay_labels())
