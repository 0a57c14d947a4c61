"""The small preview map of an import: features coloured by what would happen to them (``gis.maps``, our own assets).

shapely is imported when the worker reads the preview features, so that the admin's import screens, which import
this module, do not load it when a web process starts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from gis.maps import EmbeddedMap, LeafletMap, base_layer, base_maps, fit_bounds, geojson_layer

if TYPE_CHECKING:
    from .readers import FeatureBatch

COLOURS = {
    "create": "#1b7837",
    "update": "#b35806",
    "unchanged": "#4d4d4d",
    "withdraw": "#b2182b",
    "read": "#0b5394",
    "link": "#5e3c99",
    "skip": "#737373",
}
# folium's CircleMarker(radius=5, weight=1, fill_opacity=0.8), as the preview has always drawn points
CIRCLE_MARKER = {
    "stroke": True,
    "color": "#3388ff",
    "weight": 1,
    "opacity": 1.0,
    "lineCap": "round",
    "lineJoin": "round",
    "fill": False,
    "fillColor": "#3388ff",
    "fillOpacity": 0.8,
    "fillRule": "evenodd",
    "bubblingMouseEvents": True,
    "radius": 5,
}


def sample_features(batch: FeatureBatch) -> list[dict]:
    """GeoJSON features (EPSG:4326) of a reader's batch, for the source preview: areas, lines kept as lines (for a
    target that keeps them), else locations."""
    import shapely  # here, not at the top: only the worker's inspection of an upload reads geometries

    features = []
    lines = batch.geometry.lines if batch.geometry.lines is not None else [None] * len(batch)
    rows = zip(batch.geometry.location, batch.geometry.footprint, lines, strict=True)
    for index, (location, footprint, line) in enumerate(rows):
        shown = footprint or line or location
        if shown is None:
            continue
        geometry = json.loads(shapely.to_geojson(shapely.from_wkb(bytes.fromhex(shown))))
        properties = {"action": "read", "feature": batch.start + index + 1, "name": ""}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return features


def preview_map(features: list[dict]) -> EmbeddedMap | None:
    """A map of ``features`` (GeoJSON dicts in EPSG:4326 with an ``action`` property), fitted to them."""
    if not features:
        return None
    leaflet_map = LeafletMap(element_id="importers-preview-map", center=(0.0, 0.0), zoom=1)
    leaflet_map.add(base_layer(base_maps()[0]))
    by_action = {action: {"color": colour, "fillColor": colour} for action, colour in COLOURS.items()}
    layer = geojson_layer(
        data={"type": "FeatureCollection", "features": features},
        name="preview",
        style={"color": "#0b5394", "fillColor": "#0b5394", "weight": 2},
        style_by=("action", by_action),
        tooltip_fields=["feature", "name", "action"],
        circle_markers=CIRCLE_MARKER,
    )
    leaflet_map.add(layer)
    lons, lats = zip(*_positions(features), strict=True)
    leaflet_map.add(fit_bounds(south=min(lats), west=min(lons), north=max(lats), east=max(lons), maxZoom=16))
    return leaflet_map.embed()


def _positions(features: list[dict]) -> Iterator[tuple[float, float]]:
    """Every (lon, lat) of the features' geometries (every feature has one)."""

    def walk(coordinates) -> Iterator[tuple[float, float]]:
        if coordinates and isinstance(coordinates[0], int | float):
            yield coordinates[0], coordinates[1]
        else:
            for part in coordinates:
                yield from walk(part)

    for feature in features:
        yield from walk(feature["geometry"]["coordinates"])
