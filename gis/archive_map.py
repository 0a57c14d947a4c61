"""The archive on a municipality's main map: its published items that have a location, as the "Archive" layer
(points clustered as the places are, areas drawn as outlines, a popup per item with its type, its date and a link
to its page), and their list after the map, the layer's keyboard and screen-reader equivalent.

Coordinates are EPSG:4326 degrees. The layer is small (a municipality locates tens to hundreds of items), so it is
inlined in the page, at most MAP_ITEMS items; the open-data collection of the same items is ``gis.api.archive``.
"""

import json
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import override
from psycopg import sql

from .api.archive import PUBLIC_LOCATED_SQL
from .languages import collate_sql, language_params, name_columns, name_param_sql
from .layers import Bounds, MapLayer
from .maps import MARKERCLUSTER_CSS, MARKERCLUSTER_JS, LeafletMap
from .models import ArchiveItem, DcmiType, Municipality

ARCHIVE_JS = "gis/archive-layer.js"
ARCHIVE_CSS = "gis/archive-layer.css"
MAP_ITEMS = 2000  # located items inlined in a municipality's map
MAP_DECIMALS = 6  # ~10 cm
MAP_LAYER_ORDER = 160  # over the routes (150), under the historical-map overlays (tiles, 200)
ARCHIVE_STYLE = {"color": "#00695c", "weight": 2, "fill": False}  # an area: its outline only

_MAP_ITEMS_SQL = sql.SQL(
    """WITH shown AS (
        SELECT r.uid, r.location, {title} AS title, NULLIF(r.date_text, '') AS date,
               %(types)s::jsonb ->> r.dc_type AS type,
               '/' || %(lang)s || '/archive/' || r.uid::text || '/' AS url,
               row_number() OVER (ORDER BY r.date_from NULLS LAST, {title} {collate}, r.id) AS position
        FROM {items} r
        WHERE {public} AND r.municipality_id = %(municipality)s
        ORDER BY position
        LIMIT %(limit)s
    )
    SELECT coalesce(json_agg(properties ORDER BY position), '[]'),
           json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
               'type', 'Feature', 'id', uid::text,
               'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(location), %(decimals)s)::json,
               'properties', properties) ORDER BY position), '[]'))::text
    FROM (SELECT *, json_build_object('title', title, 'type', type, 'date', date, 'url', url) AS properties
          FROM shown) described"""
)


@dataclass
class MapArchive:
    """The located archive items a municipality's map shows: a GeoJSON FeatureCollection (made by PostGIS) and,
    for the list after the map, each item's title, type, date and page address, oldest first."""

    geojson: str
    items: list[dict]


def archive_items_for_map(*, municipality: Municipality, language: str) -> MapArchive:
    """The published archive items of ``municipality`` that have a location (EPSG:4326, a point or an area), titled
    in ``language`` (English falls back to Greek), their type by its name in ``language``, at most MAP_ITEMS."""
    with override(language):
        types = {str(value): str(label) for value, label in DcmiType.choices}
    query = _MAP_ITEMS_SQL.format(
        title=sql.SQL(name_param_sql(columns=name_columns("r"))),
        items=sql.Identifier(ArchiveItem._meta.db_table),
        public=sql.SQL(PUBLIC_LOCATED_SQL),
        collate=sql.SQL(collate_sql(language)),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            query,
            {
                **language_params(language),
                "types": json.dumps(types),
                "municipality": municipality.pk,
                "limit": MAP_ITEMS,
                "decimals": MAP_DECIMALS,
            },
        )
        items, geojson = cursor.fetchone()
    return MapArchive(geojson=geojson, items=items)


def archive_step(*, geojson: str, name: str) -> dict[str, Any]:
    """A step: the archive items (a FeatureCollection with ``title``, ``type``, ``date`` and ``url`` properties) as
    one layer of the switcher under ``name``: points in clusters of their own, areas as outlines, a popup each."""
    return {
        "type": "archive",
        "data": json.loads(geojson),
        "name": name,
        "style": ARCHIVE_STYLE,
        "labels": {"open": _("Open the archive item"), "item": _("Archive item")},
    }


def archive_map_layer(*, municipality: Municipality, language: str, bounds: Bounds) -> MapLayer | None:
    """The "Archive" layer of ``municipality``'s main map and the list of its items after the map; None when it
    has no published item with a location. Registered with ``gis.layers`` by GisConfig.ready."""
    archive = archive_items_for_map(municipality=municipality, language=language)
    if not archive.items:
        return None
    return MapLayer(
        add=partial(_archive_add, step=archive_step(geojson=archive.geojson, name=_("Archive"))),
        template="gis/map_archive.html",
        context={"items": archive.items},
    )


def _archive_add(leaflet_map: LeafletMap, *, step: dict[str, Any]) -> None:
    leaflet_map.add(step, js=[*MARKERCLUSTER_JS, ARCHIVE_JS], css=[*MARKERCLUSTER_CSS, ARCHIVE_CSS])
