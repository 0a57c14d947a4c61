"""Reads of the importers: stored mappings and the import history, limited to what a user may see."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from gis.languages import collate_sql, language_params, name_columns, name_param_sql
from gis.models import Dataset, Municipality
from gis.services import municipalities_editable_by

from .errors import MappingError
from .mapping import AreaMapping, Mapping
from .models import ImportMapping, ImportRun, ProtectedArea

# An area's name in the language of the query's parameters (area alias r; gis.languages.language_params), by that
# language's name order (English, else Greek). The API and the map use it.
AREA_NAME_SQL = name_param_sql(columns=name_columns("r"))
MAP_AREAS = 500  # protected areas inlined in a municipality's map (a municipality has tens)
MAP_DECIMALS = 6  # ~10 cm: plenty for a zone drawn on a map


@dataclass
class MapAreas:
    """The protected areas a municipality's map shows: a GeoJSON FeatureCollection (made by PostGIS) and, for the
    list that is the map's accessible equivalent, each area's name and kind, in the language's alphabetical order."""

    geojson: str
    items: list[dict]


def mapping_for(*, dataset: Dataset) -> Mapping | None:
    """The mapping stored with ``dataset``, if any."""
    stored = ImportMapping.objects.filter(dataset=dataset).first()
    return Mapping.from_dict(stored.rules) if stored else None


def area_mapping_for(*, dataset: Dataset, source_fields: list[str]) -> AreaMapping | None:
    """The mapping of the latest protected-area import into ``dataset`` whose fields ``source_fields`` still has."""
    recent = ImportRun.objects.filter(
        dataset=dataset, kind=ImportRun.Kind.AREAS, status=ImportRun.Status.SUCCEEDED
    ).order_by("-created_at")
    for rules in recent.values_list("mapping", flat=True)[:10]:
        try:
            mapping = AreaMapping.from_dict(rules or {})
        except MappingError:
            continue
        if mapping.fits(source_fields):
            return mapping
    return None


def import_runs_for(*, user, dataset: Dataset | None = None) -> QuerySet[ImportRun]:
    """The imports ``user`` may see (all for a superuser; else those into municipalities they edit), newest first."""
    runs = ImportRun.objects.select_related("dataset", "municipality", "user")
    if not user.is_superuser:
        runs = runs.filter(municipality__in=municipalities_editable_by(user))
    if dataset is not None:
        runs = runs.filter(dataset=dataset)
    return runs.order_by("-created_at")


def protected_areas_for_map(*, municipality: Municipality, language: str) -> MapAreas:
    """The live (not withdrawn) protected areas touching ``municipality``, named in ``language`` (English falls back
    to Greek), at most MAP_AREAS of them."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH named AS (
                SELECT r.id, r.kind, r.geometry, {AREA_NAME_SQL} AS name
                FROM {ProtectedArea._meta.db_table} r
                JOIN {Municipality._meta.db_table} m ON m.id = %(municipality)s
                WHERE NOT r.withdrawn AND ST_Intersects(r.geometry, m.boundary)
            ), shown AS (
                SELECT *, row_number() OVER (ORDER BY name {collate_sql(language)}, id) AS position FROM named
            )
            SELECT coalesce(json_agg(json_build_object('name', name, 'kind', kind) ORDER BY position), '[]'),
                   json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
                       'type', 'Feature',
                       'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(geometry), %(decimals)s)::json,
                       'properties', json_build_object('name', name, 'kind', kind)) ORDER BY position), '[]'))::text
            FROM shown WHERE position <= %(limit)s""",  # noqa: S608 -- our table names, a fixed collation; values are parameters
            {
                **language_params(language),
                "municipality": municipality.pk,
                "limit": MAP_AREAS,
                "decimals": MAP_DECIMALS,
            },
        )
        items, geojson = cursor.fetchone()
    return MapAreas(geojson=geojson, items=items)
