"""The layers other apps put on a municipality's public map: a registry filled from each app's ``AppConfig.ready``.

gis registers its protected areas, routes and located archive items, tiles its historical-map overlays.
The map page (``content.views.municipality_map``) asks every provider, in their order, for its layer on one
municipality's map, so it shows them without importing the apps that own them. A layer's ``add`` puts its steps
on the map's description (``gis.maps.LeafletMap``).

The same way, an archive item's page (``content.archive_context``) asks ``item_layers`` for the map layers made from
the item (tiles: a historical map's overlay), each a link that opens the map with the layer on.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .maps import LeafletMap
    from .models import ArchiveItem, Municipality

Bounds = tuple[float, float, float, float]  # west, south, east, north in EPSG:4326 degrees


@dataclass(frozen=True)
class MapLayer:
    """One provider's layer on one map: ``add`` puts it on the map (before the layer switcher); when
    ``template`` is set the page includes it after the list of places, with ``context`` as the variable ``layer``
    (the layer's accessible equivalent, e.g. the list of protected areas)."""

    add: Callable[["LeafletMap"], object]
    template: str = ""
    context: Mapping[str, Any] = field(default_factory=dict)


class MapLayerProvider(Protocol):
    """Gives its layer for the map of ``municipality`` in ``language`` (extent ``bounds``), or None when that map
    has nothing of it to show."""

    def __call__(self, *, municipality: "Municipality", language: str, bounds: Bounds) -> MapLayer | None: ...


@dataclass(frozen=True)
class _Provider:
    order: int
    key: str
    provider: MapLayerProvider


_PROVIDERS: dict[str, _Provider] = {}


def map_layer_register(*, key: str, provider: MapLayerProvider, order: int) -> None:
    """Offer ``provider``'s layer on every municipality's map. Layers are drawn (and their lists shown) by ascending
    ``order``, then ``key``; registering ``key`` again replaces its provider."""
    _PROVIDERS[key] = _Provider(order=order, key=key, provider=provider)


def map_layers(*, municipality: "Municipality", language: str, bounds: Bounds) -> list[MapLayer]:
    """The layers that the registered providers give the map of ``municipality`` in ``language`` ('el', 'en'),
    whose extent is ``bounds`` (W, S, E, N in EPSG:4326 degrees), in their order; a provider with nothing to show
    on it gives none."""
    layers = []
    for registered in sorted(_PROVIDERS.values(), key=lambda item: (item.order, item.key)):
        layer = registered.provider(municipality=municipality, language=language, bounds=bounds)
        if layer is not None:
            layers.append(layer)
    return layers


@dataclass(frozen=True)
class ItemLayer:
    """A layer of the municipality's map made from an archive item: its title and the map's address with it on."""

    title: str
    url: str


class ItemLayersProvider(Protocol):
    """Gives the layers made from ``item`` that the map of ``municipality`` (extent ``bounds``) offers, titled in
    ``language``."""

    def __call__(
        self, *, item: "ArchiveItem", municipality: "Municipality", language: str, bounds: Bounds
    ) -> list[ItemLayer]: ...


_ITEM_PROVIDERS: dict[str, ItemLayersProvider] = {}


def item_layers_register(*, key: str, provider: ItemLayersProvider) -> None:
    """Let ``provider`` name the map layers made from an archive item (its page links to them); registering
    ``key`` again replaces its provider."""
    _ITEM_PROVIDERS[key] = provider


def item_layers(*, item: "ArchiveItem", municipality: "Municipality", language: str, bounds: Bounds) -> list[ItemLayer]:
    """The layers of ``municipality``'s map (extent ``bounds``, W, S, E, N in EPSG:4326 degrees) made from ``item``,
    by provider key, titled in ``language``."""
    return [
        layer
        for _key, provider in sorted(_ITEM_PROVIDERS.items())
        for layer in provider(item=item, municipality=municipality, language=language, bounds=bounds)
    ]
