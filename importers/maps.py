"""The small preview map of an import: features coloured by what would happen to them (folium, our own assets).

folium is imported when a preview map is built and shapely when the worker reads the preview features, so that the
admin's import screens, which import this module, load neither when a web process starts.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, cast

from gis.maps import EmbeddedMap, base_maps, embed

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
    import folium  # here, not at the top: folium loads with the first map built (see the module's docstring)

    collection = {"type": "FeatureCollection", "features": features}
    folium_map = folium.Map(tiles=None, width="100%", height="100%", control_scale=True)
    base = base_maps()[0]
    folium.TileLayer(tiles=base.url, attr=base.attribution, name=base.name, max_zoom=base.max_zoom).add_to(folium_map)
    layer = folium.GeoJson(
        collection,
        name="preview",
        marker=folium.CircleMarker(radius=5, weight=1, fill_opacity=0.8),
        style_function=lambda feature: {
            "color": COLOURS.get(feature["properties"]["action"], "#0b5394"),
            "fillColor": COLOURS.get(feature["properties"]["action"], "#0b5394"),
            "weight": 2,
        },
        tooltip=folium.GeoJsonTooltip(fields=["feature", "name", "action"], labels=False),
    ).add_to(folium_map)
    # [[south, west], [north, east]] from the GeoJSON's coordinates, in pure Python (every feature has a geometry)
    folium_map.fit_bounds(cast("list[list[float]]", layer.get_bounds()), max_zoom=16)
    return embed(folium_map)
