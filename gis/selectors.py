"""Reads: spatial look-ups and GeoJSON produced by PostGIS. All geometry is EPSG:4326 (lon/lat degrees)."""

from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Collate, NullIf

from .models import Municipality, Place

GEOJSON_DECIMALS = 7  # ~1 cm at Greek latitudes
GREEK_COLLATION = "el-x-icu"  # ICU collation shipped with PostgreSQL: accents and final sigma sort right
ENGLISH_COLLATION = "en-x-icu"


def municipality_containing(*, point: Point) -> Municipality | None:
    """The municipality whose boundary (EPSG:4326) contains ``point`` (EPSG:4326), if any."""
    return Municipality.objects.filter(boundary__intersects=point).first()


def municipality_bounds(*, municipality: Municipality) -> tuple[float, float, float, float]:
    """The boundary's extent as (west, south, east, north) in degrees, EPSG:4326."""
    west, south, east, north = municipality.boundary.extent
    return west, south, east, north


def municipality_boundary_geojson(*, municipality: Municipality) -> str:
    """The boundary as an RFC 7946 GeoJSON geometry (exterior rings counter-clockwise), made by PostGIS."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_AsGeoJSON(ST_ForcePolygonCCW(boundary), %s) FROM xgis_municipality WHERE id = %s",
            [GEOJSON_DECIMALS, municipality.pk],
        )
        return cursor.fetchone()[0]


def places_geojson(*, municipality: Municipality, language: str) -> str:
    """The municipality's published places as a GeoJSON FeatureCollection (EPSG:4326), made by PostGIS.

    Each feature has ``id`` (the place's stable uid) and ``name`` in ``language`` (Greek as fallback).
    """
    name = "COALESCE(NULLIF(name_en, ''), name_el)" if language == "en" else "name_el"
    sql = f"""
        SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(
            json_build_object(
                'type', 'Feature',
                'id', uid,
                'geometry', ST_AsGeoJSON(location, %s)::json,
                'properties', json_build_object('name', {name})
            ) ORDER BY {name} COLLATE "{GREEK_COLLATION}"), '[]'::json))::text
        FROM {Place._meta.db_table}
        WHERE municipality_id = %s AND NOT withdrawn
    """  # noqa: S608 (only our own column, collation and table names are interpolated)
    with connection.cursor() as cursor:
        cursor.execute(sql, [GEOJSON_DECIMALS, municipality.pk])
        return cursor.fetchone()[0]


def places_for_list(*, municipality: Municipality, language: str) -> list[Place]:
    """The municipality's published places, sorted by name in ``language`` with an ICU collation."""
    collation = GREEK_COLLATION if language == "el" else ENGLISH_COLLATION
    name = Coalesce(NullIf("name_en", Value("")), "name_el") if language == "en" else F("name_el")
    return list(Place.objects.filter(municipality=municipality, withdrawn=False).order_by(Collate(name, collation)))
