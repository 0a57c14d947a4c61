"""Reads of protected areas (archaeological zones) for the map, and their layer on a municipality's map.

Geometry is EPSG:4326 (lon/lat degrees). The open-data collection of areas is declared in ``gis.api.areas``.
"""

from dataclasses import dataclass
from functools import partial

from django.db import connection
from django.utils.translation import gettext as _
from psycopg import sql

from .languages import collate_sql, language_params, name_columns, name_param_sql
from .layers import Bounds, MapLayer
from .maps import LeafletMap, areas_layer
from .models import Municipality, ProtectedArea

# An area's name in the language of the query's parameters (area alias r; gis.languages.language_params), by that
# language's name order (English, else Greek). The API and the map use it.
AREA_NAME_SQL = name_param_sql(columns=name_columns("r"))
MAP_AREAS = 500  # protected areas inlined in a municipality's map (a municipality has tens)
MAP_DECIMALS = 6  # ~10 cm: plenty for a zone drawn on a map
MAP_LAYER_ORDER = 100  # drawn before the historical-map overlays (tiles, 200)

_MAP_AREAS_SQL = sql.SQL(
    """WITH named AS (
        SELECT r.id, r.kind, r.geometry, {name} AS name
        FROM {areas} r
        JOIN {municipalities} m ON m.id = %(municipality)s
        WHERE NOT r.withdrawn AND ST_Intersects(r.geometry, m.boundary)
    ), shown AS (
        SELECT *, row_number() OVER (ORDER BY name {collate}, id) AS position FROM named
    )
    SELECT coalesce(json_agg(json_build_object('name', name, 'kind', kind) ORDER BY position), '[]'),
           json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
               'type', 'Feature',
               'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(geometry), %(decimals)s)::json,
               'properties', json_build_object('name', name, 'kind', kind)) ORDER BY position), '[]'))::text
    FROM shown WHERE position <= %(limit)s"""
)


@dataclass
class MapAreas:
    """The protected areas a municipality's map shows: a GeoJSON FeatureCollection (made by PostGIS) and, for the
    list that is the map's accessible equivalent, each area's name and kind, in the language's alphabetical order."""

    geojson: str
    items: list[dict]


def protected_areas_for_map(*, municipality: Municipality, language: str) -> MapAreas:
    """The live (not withdrawn) protected areas touching ``municipality``, named in ``language`` (English falls back
    to Greek), at most MAP_AREAS of them."""
    query = _MAP_AREAS_SQL.format(
        name=sql.SQL(AREA_NAME_SQL),
        areas=sql.Identifier(ProtectedArea._meta.db_table),
        municipalities=sql.Identifier(Municipality._meta.db_table),
        collate=sql.SQL(collate_sql(language)),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            query,
            {
                **language_params(language),
                "municipality": municipality.pk,
                "limit": MAP_AREAS,
                "decimals": MAP_DECIMALS,
            },
        )
        items, geojson = cursor.fetchone()
    return MapAreas(geojson=geojson, items=items)


def areas_map_layer(*, municipality: Municipality, language: str, bounds: Bounds) -> MapLayer | None:
    """The protected areas on ``municipality``'s map (a layer the switcher can hide, with a popup per area) and
    their list after the map; None when none touches it. Registered with ``gis.layers`` by GisConfig.ready."""
    areas = protected_areas_for_map(municipality=municipality, language=language)
    if not areas.items:
        return None
    return MapLayer(
        add=partial(_areas_add, geojson=areas.geojson, label=_("Protected areas")),
        template="gis/map_areas.html",
        context={"areas": areas.items},
    )


def _areas_add(leaflet_map: LeafletMap, *, geojson: str, label: str) -> None:
    leaflet_map.add(areas_layer(geojson=geojson, label=label))
