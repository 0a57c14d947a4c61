"""The layers other apps put on a municipality's public map: a registry filled from each app's ``AppConfig.ready``.

gis registers its protected areas, tiles its historical-map overlays (routes and archive items will register theirs).
The map page (``content.views.municipality_map``) asks every provider, in their order, for its layer on one
municipality's map, so it shows them without importing the apps that own them. folium is not imported here: a
layer's ``add`` imports its map builder when the map is drawn.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import folium

    from .models import Municipality

Bounds = tuple[float, float, float, float]  # west, south, east, north in EPSG:4326 degrees


@dataclass(frozen=True)
class MapLayer:
    """One provider's layer on one map: ``add`` puts it on the folium map (before the layer switcher); when
    ``template`` is set the page includes it after the list of places, with ``context`` as the variable ``layer``
    (the layer's accessible equivalent, e.g. the list of protected areas)."""

    add: Callable[["folium.Map"], object]
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


def map_layers_add(folium_map: "folium.Map", *, layers: Sequence[MapLayer]) -> None:
    """Put ``layers`` on ``folium_map``, in their order (a ``decorate`` for ``gis.maps.municipality_map``)."""
    for layer in layers:
        layer.add(folium_map)
