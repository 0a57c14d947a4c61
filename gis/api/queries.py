"""Reads of the open-data API. Features are serialised by PostGIS (``ST_AsGeoJSON``, 7 decimals, EPSG:4326 in
CRS84 axis order) and whole collections are streamed through a server-side cursor, so memory does not grow with
the number of features."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from ..languages import language_params
from ..models import Dataset, Municipality, Place
from .collections import Collection
from .kinds import DECIMALS, PLACES, Kind
from .links import site_roots_json

STREAM_BATCH = 2000  # rows fetched per round trip from the server-side cursor (CSV, GeoPackage)
BLOCK_IDS = 5000  # GeoJSON streams blocks of this many consecutive record ids, each one text made by PostGIS
FlatGeometry = Literal["lonlat", "wkt", "wkb"]


@dataclass(frozen=True)
class Matched:
    """How many features match, and when the newest of them last changed (None when the kind keeps no time)."""

    count: int
    last_modified: datetime | None


def read_params(language: str) -> dict[str, Any]:
    """The parameters every read of features needs besides its filters: the language with its fallback orders
    (gis.languages) and the municipalities' website roots (places' ``url``)."""
    return {**language_params(language), "site_roots": site_roots_json()}


def _where(collection: Collection, values: dict, language: str) -> tuple[str, dict[str, Any]]:
    clauses, params = collection.kind.where(municipality=collection.municipality, values=values)
    return clauses, {**read_params(language), **params}


def feature_sql(kind: Kind) -> str:
    """SQL of one row's GeoJSON Feature as text (RFC 7946; properties built by ``json_build_object``)."""
    properties = ", ".join(f"'{column.name}', {column.sql}" for column in kind.columns)
    return (
        f"""'{{"type":"Feature","id":' || to_json({kind.id_sql}) || ',"geometry":' """
        f"|| ST_AsGeoJSON({kind.geometry_sql}, {DECIMALS}) "
        f"""|| ',"properties":' || json_build_object({properties})::text || '}}'"""
    )


def decimal_text(sql: str) -> str:
    """A coordinate (degrees, float) as the text of its value rounded to DECIMALS places, without trailing zeros:
    the digits ST_AsGeoJSON writes (37.9714335, never the float's 37.971433499999996)."""
    return f"trim_scale(round(({sql})::numeric, {DECIMALS}))::text"


def flat_sql(kind: Kind, *, geometry: FlatGeometry) -> tuple[list[str], str]:
    """Column names and SQL select list of the flat formats: id, properties (lists joined by ';'), then the
    geometry as ``lon``/``lat`` (degrees), ``wkt`` (7 decimals) or ``wkb`` (binary)."""
    names = ["id"] + [name for name, _sql in kind.flat_columns()]
    select = [kind.id_sql] + [sql for _name, sql in kind.flat_columns()]
    if geometry == "lonlat":
        names += ["lon", "lat"]
        select += [decimal_text(f"ST_X({kind.geometry_sql})"), decimal_text(f"ST_Y({kind.geometry_sql})")]
    elif geometry == "wkt":
        names.append("wkt")
        select.append(f"ST_AsText({kind.geometry_sql}, {DECIMALS})")
    else:
        names.append("wkb")
        select.append(f"ST_AsBinary({kind.geometry_sql})")
    return names, ", ".join(select)


def features_matched(*, collection: Collection, values: dict) -> Matched:
    """How many features of ``collection`` match the parsed filter ``values`` (bbox in CRS84 degrees)."""
    kind = collection.kind
    clauses, params = kind.where(municipality=collection.municipality, values=values)
    newest = f"max({kind.updated_sql})" if kind.updated_sql else "NULL::timestamptz"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), {newest} {kind.count_from_sql}{clauses}", {"lang": "el", **params})  # noqa: S608
        count, last_modified = cursor.fetchone()
    return Matched(count, last_modified)


def features_page(*, collection: Collection, values: dict, language: str, limit: int, offset: int) -> list[str]:
    """One page of matching features as GeoJSON Feature texts, in a stable order."""
    kind = collection.kind
    clauses, params = _where(collection, values, language)
    sql = f"SELECT {feature_sql(kind)} {kind.from_clause()}{clauses} ORDER BY {kind.order_sql} LIMIT %(limit)s OFFSET %(offset)s"  # noqa: S608,E501
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "limit": limit, "offset": offset})
        return [row[0] for row in cursor.fetchall()]


def feature_one(*, collection: Collection, feature_id: str, language: str) -> tuple[str, datetime | None] | None:
    """The feature ``feature_id`` of ``collection`` as GeoJSON text, with when it last changed; None if absent."""
    kind = collection.kind
    clauses, params = _where(collection, {}, language)
    updated = kind.updated_sql or "NULL::timestamptz"
    sql = f"SELECT {feature_sql(kind)}, {updated} {kind.from_clause()}{clauses} AND {kind.id_sql} = %(fid)s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "fid": feature_id})
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def features_stream(
    *, collection: Collection, values: dict, language: str, flat: FlatGeometry | None = None
) -> Iterator[list[tuple]]:
    """Every matching feature, in batches of rows, from a server-side cursor inside a transaction (memory stays
    flat). Rows are the columns of ``flat_sql`` for the geometry ``flat`` names; without ``flat``, each row is one
    text of comma-separated GeoJSON Features for a block of BLOCK_IDS consecutive ids (None for an empty block),
    so that PostGIS, not Python, does the per-feature work."""
    kind = collection.kind
    clauses, params = _where(collection, values, language)
    if flat is None:
        sql = f"""
            SELECT (SELECT string_agg(f.feature, ',
' ORDER BY f.id) FROM (
                SELECT r.id, {feature_sql(kind)} AS feature {kind.from_clause("block")}{clauses}
                AND r.id >= b.lo AND r.id < b.lo + %(block)s) f)
            FROM generate_series((SELECT min(id) FROM {kind.table}), (SELECT max(id) FROM {kind.table}),
                                 %(block)s) b(lo)
        """  # noqa: S608
        params["block"], batch = BLOCK_IDS, 1
    else:
        select = flat_sql(kind, geometry=flat)[1]
        sql = f"SELECT {select} {kind.from_clause('table')}{clauses} ORDER BY {kind.order_sql}"  # noqa: S608
        batch = STREAM_BATCH
    with transaction.atomic():
        with connection.cursor() as setting:  # plan the cursor for reading everything, not the first rows
            setting.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(batch):
                yield rows


def collection_extent(*, collection: Collection) -> list[float] | None:
    """The collection's extent as [west, south, east, north] (CRS84 degrees): its municipalities' boundaries, which
    contain every place they publish."""
    sql = f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(boundary) e FROM {Municipality._meta.db_table} WHERE %(all)s OR id = %(id)s) x"  # noqa: S608,E501
    municipality = collection.municipality
    with connection.cursor() as cursor:
        cursor.execute(sql, {"all": municipality is None, "id": municipality.pk if municipality else None})
        row = cursor.fetchone()
    return [round(value, DECIMALS) for value in row] if row and row[0] is not None else None


def collection_licences(*, collection: Collection, values: dict) -> list[str]:
    """The licences of the records of ``collection`` matching ``values`` (each record's own: its source dataset's,
    else its municipality's), sorted; with no such record, the licence its records would have."""
    kind = collection.kind
    clauses, params = kind.where(municipality=collection.municipality, values=values)
    sql = f"SELECT DISTINCT {kind.licence_sql} {kind.licence_from()}{clauses}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, {**read_params("el"), **params})
        licences = sorted(licence for (licence,) in cursor.fetchall() if licence)
    if not licences:
        sources = collection_sources(collection=collection)
        owners = sources["datasets"] if kind.datasets_sql else sources["municipalities"]
        licences = sorted({owner["licence"] for owner in owners if owner["licence"]})
    return licences


def collection_sources(*, collection: Collection) -> dict:
    """Licence and provenance of a collection: its municipalities (with their licence) and, for records imported
    from datasets, those datasets (title, licence, attribution, URL). For kinds that are not the municipalities'
    own records (``Kind.datasets_sql``), only the datasets."""
    municipalities = Municipality.objects.order_by("name_el").defer("boundary")
    if collection.municipality is not None:
        municipalities = municipalities.filter(pk=collection.municipality.pk)
    datasets = Dataset.objects.none()
    if collection.kind.datasets_sql:  # not the municipalities' own records: the datasets' licences apply
        municipalities = municipalities.none()
        ids = RawSQL(collection.kind.datasets_sql, [])  # noqa: S611 (our own SQL, no input)
        datasets = Dataset.objects.filter(pk__in=ids).order_by("slug")
    elif collection.kind is PLACES:
        places = Place.objects.public()
        if collection.municipality is not None:
            places = places.filter(municipality=collection.municipality)
        datasets = Dataset.objects.filter(pk__in=places.values("dataset")).order_by("slug")
    return {
        "municipalities": [
            {"id": m.slug, "code": m.code, "name": m.name, "licence": m.licence, "boundary_source": m.boundary_source}
            for m in municipalities
        ],
        "datasets": [
            {"id": d.slug, "title": d.title, "licence": d.licence, "attribution": d.attribution, "url": d.source_url}
            for d in datasets
        ],
    }
