"""Reads of the open-data API. Features are serialised by PostGIS (``ST_AsGeoJSON``, 7 decimals, EPSG:4326 in
CRS84 axis order) and whole collections are streamed through a server-side cursor, so memory does not grow with
the number of features."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from django.db import connection, transaction
from psycopg import sql

from ..geojson import collection_sql
from ..languages import language_params
from ..models import Dataset, Municipality
from .collections import Collection
from .filters import Clause, record_column
from .kinds import DECIMALS, Kind
from .links import site_roots_json

STREAM_BATCH = 2000  # rows fetched per round trip from the server-side cursor (CSV, GeoPackage)
BLOCK_IDS = 5000  # GeoJSON streams blocks of this many consecutive record ids, each one text made by PostGIS
FlatGeometry = Literal["lonlat", "wkt", "wkb"]
RETURNED = sql.SQL("summary.returned")  # a member of ``features_page``'s collection: the number of features on the page


@dataclass(frozen=True)
class Matched:
    """How many features match, and when the newest of them last changed (None when the kind keeps no time)."""

    count: int
    last_modified: datetime | None


def read_params(language: str) -> dict[str, Any]:
    """The parameters every read of features needs besides its filters: the language with its fallback orders
    (gis.languages) and the municipalities' website roots (places' ``url``)."""
    return {**language_params(language), "site_roots": site_roots_json()}


def _where(collection: Collection, values: Mapping[str, Any]) -> Clause:
    return collection.kind.where(municipality=collection.municipality, values=values)


def feature_sql(kind: Kind) -> sql.Composed:
    """SQL of one row's GeoJSON Feature, a ``json`` value made by PostgreSQL (RFC 7946; the geometry by
    ``ST_AsGeoJSON``, 7 decimals, CRS84, null for a record without a location; the properties by
    ``json_build_object``). ``row_to_json`` of a one-row subquery writes the members in their order without spaces
    (``{"type":"Feature","id":...}``), as fast as pasting text together and as compact."""
    properties = sql.SQL(", ").join(
        sql.SQL("{}, {}").format(sql.Literal(column.name), sql.SQL(column.json_sql())) for column in kind.columns
    )
    geometry = (
        sql.SQL("ST_AsGeoJSON({}, {})::json").format(sql.SQL(kind.geometry_sql), sql.Literal(DECIMALS))
        if kind.geometry_sql
        else sql.SQL("NULL::json")
    )
    return sql.SQL(
        "(SELECT row_to_json(feature) FROM (SELECT 'Feature' AS type, {id} AS id,"
        " {geometry} AS geometry, json_build_object({properties}) AS properties)"
        " feature)"
    ).format(
        id=sql.SQL(kind.id_sql),
        geometry=geometry,
        properties=properties,
    )


def decimal_text(expression: sql.Composable) -> sql.Composed:
    """A coordinate (degrees, float) as the text of its value rounded to DECIMALS places, without trailing zeros:
    the digits ST_AsGeoJSON writes (37.9714335, never the float's 37.971433499999996)."""
    return sql.SQL("trim_scale(round(({})::numeric, {}))::text").format(expression, sql.Literal(DECIMALS))


def flat_sql(kind: Kind, *, geometry: FlatGeometry) -> tuple[list[str], sql.Composed]:
    """Column names and SQL select list of the flat formats: id, properties (as text for CSV; typed for the
    GeoPackage's ``wkb``), then the geometry as ``lon``/``lat`` (degrees), ``wkt`` (7 decimals) or ``wkb`` (binary);
    nothing after the properties for a kind without a location."""
    columns = kind.flat_columns(typed=geometry == "wkb")
    names = ["id"] + [name for name, _sql in columns]
    select: list[sql.Composable] = [sql.SQL(kind.id_sql), *(sql.SQL(text) for _name, text in columns)]
    shape = sql.SQL(kind.geometry_sql or "NULL")
    if kind.geometry_sql is None:
        pass
    elif geometry == "lonlat":
        names += ["lon", "lat"]
        select += [decimal_text(sql.SQL("ST_X({})").format(shape)), decimal_text(sql.SQL("ST_Y({})").format(shape))]
    elif geometry == "wkt":
        names.append("wkt")
        select.append(sql.SQL("ST_AsText({}, {})").format(shape, sql.Literal(DECIMALS)))
    else:
        names.append("wkb")
        select.append(sql.SQL("ST_AsBinary({})").format(shape))
    return names, sql.SQL(", ").join(select)


def features_matched(*, collection: Collection, values: Mapping[str, Any]) -> Matched:
    """How many features of ``collection`` match the parsed filter ``values`` (bbox in CRS84 degrees)."""
    kind = collection.kind
    where = _where(collection, values)
    newest = sql.SQL("max({})").format(sql.SQL(kind.updated_sql)) if kind.updated_sql else sql.SQL("NULL::timestamptz")
    query = sql.SQL("SELECT count(*), {} {} WHERE {}").format(newest, kind.count_from(), where.sql)
    with connection.cursor() as cursor:
        cursor.execute(query, {"lang": "el", **where.params})
        count, last_modified = cursor.fetchone()
    return Matched(count, last_modified)


@dataclass(frozen=True)
class FeaturesPage:
    """A page of features: the GeoJSON FeatureCollection's text, and the MD5 of its ``features`` array's text (what
    the page says of the data, without the members around it, for the response's ETag)."""

    document: str
    features_md5: str


def features_page(
    *, collection: Collection, values: Mapping[str, Any], language: str, limit: int, offset: int, members: Mapping
) -> FeaturesPage:
    """One page of matching features, in a stable order, as the text of a GeoJSON FeatureCollection made by
    PostgreSQL, with the foreign ``members`` before the features (``geojson.collection_sql``; ``RETURNED`` as a
    member's value is the number of features on the page)."""
    kind = collection.kind
    where = _where(collection, values)
    # the page's ids first, over the records alone; then the features of those ids only (whatever plan the
    # filters get, no feature is built for a record that is not on the page)
    page = sql.SQL(
        "SELECT {feature} AS feature, {order} AS sort_key {source} WHERE {id} IN ("
        "SELECT r.id {records} WHERE {where} ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s)"
    ).format(
        feature=feature_sql(kind),
        order=sql.SQL(kind.order_sql),
        source=kind.from_clause(),
        id=record_column("id"),
        records=kind.count_from(),
        where=where.sql,
    )
    document = collection_sql(members=members, features=sql.SQL("summary.features"))
    query = sql.SQL(
        "SELECT {}::text, md5(summary.features::text) FROM ("
        "SELECT COALESCE(json_agg(page.feature ORDER BY page.sort_key), '[]'::json) AS features, count(*) AS returned"
        " FROM ({}) page) summary"
    ).format(document.sql, page)
    with connection.cursor() as cursor:
        cursor.execute(
            query, {**read_params(language), **where.params, **document.params, "limit": limit, "offset": offset}
        )
        text, features_md5 = cursor.fetchone()
    return FeaturesPage(text, features_md5)


def feature_one(*, collection: Collection, feature_id: str, language: str) -> tuple[str, datetime | None] | None:
    """The feature ``feature_id`` of ``collection`` as GeoJSON text, with when it last changed; None if absent."""
    kind = collection.kind
    where = _where(collection, {})
    query = sql.SQL("SELECT {feature}::text, {updated} {source} WHERE {where} AND {id} = %(fid)s").format(
        feature=feature_sql(kind),
        updated=sql.SQL(kind.updated_sql or "NULL::timestamptz"),
        source=kind.from_clause(),
        where=where.sql,
        id=sql.SQL(kind.id_sql),
    )
    with connection.cursor() as cursor:
        cursor.execute(query, {**read_params(language), **where.params, "fid": feature_id})
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def features_stream(
    *, collection: Collection, values: Mapping[str, Any], language: str, flat: FlatGeometry | None = None
) -> Iterator[list[tuple]]:
    """Every matching feature, in batches of rows, from a server-side cursor inside a transaction (memory stays
    flat). Rows are the columns of ``flat_sql`` for the geometry ``flat`` names; without ``flat``, each row is one
    text of comma-separated GeoJSON Features (each a complete JSON text made by PostgreSQL) for a block of
    BLOCK_IDS consecutive ids (None for an empty block), so that PostGIS, not Python, does the per-feature work."""
    kind = collection.kind
    where = _where(collection, values)
    params: dict[str, Any] = {**read_params(language), **where.params}
    if flat is None:
        table = sql.Identifier(kind.table)
        query = sql.SQL(
            """
            SELECT (SELECT string_agg(f.feature, {separator} ORDER BY f.id) FROM (
                SELECT r.id, {feature}::text AS feature {source} WHERE {where}
                AND r.id >= b.lo AND r.id < b.lo + %(block)s) f)
            FROM generate_series((SELECT min(id) FROM {table}), (SELECT max(id) FROM {table}), %(block)s) b(lo)
            """
        ).format(
            separator=sql.Literal(",\n"),
            feature=feature_sql(kind),
            source=kind.from_clause("block"),
            where=where.sql,
            table=table,
        )
        params["block"], batch = BLOCK_IDS, 1
    else:
        query = sql.SQL("SELECT {} {} WHERE {} ORDER BY {}").format(
            flat_sql(kind, geometry=flat)[1], kind.from_clause("table"), where.sql, sql.SQL(kind.order_sql)
        )
        batch = STREAM_BATCH
    with transaction.atomic():
        with connection.cursor() as setting:  # plan the cursor for reading everything, not the first rows
            setting.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        with connection.chunked_cursor() as cursor:
            cursor.execute(query, params)
            while rows := cursor.fetchmany(batch):
                yield rows


def collection_extent(*, collection: Collection) -> list[float] | None:
    """The collection's extent as [west, south, east, north] (CRS84 degrees): its municipalities' boundaries, which
    contain every place they publish."""
    query = sql.SQL(
        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)"
        " FROM (SELECT ST_Extent(boundary) e FROM {} WHERE %(all)s OR id = %(id)s) x"
    ).format(sql.Identifier(Municipality._meta.db_table))
    municipality = collection.municipality
    with connection.cursor() as cursor:
        cursor.execute(query, {"all": municipality is None, "id": municipality.pk if municipality else None})
        row = cursor.fetchone()
    return [round(value, DECIMALS) for value in row] if row and row[0] is not None else None


def collection_licences(*, collection: Collection, values: Mapping[str, Any]) -> list[str]:
    """The licences of the records of ``collection`` matching ``values`` (each record's own: its source dataset's,
    else its municipality's), sorted; with no such record, the licence its records would have."""
    kind = collection.kind
    where = _where(collection, values)
    query = sql.SQL("SELECT DISTINCT {} {} WHERE {}").format(sql.SQL(kind.licence_sql), kind.licence_from(), where.sql)
    with connection.cursor() as cursor:
        cursor.execute(query, {**read_params("el"), **where.params})
        licences = sorted(licence for (licence,) in cursor.fetchall() if licence)
    if not licences:
        sources = collection_sources(collection=collection)
        owners = sources["municipalities"] if kind.municipal_licence else sources["datasets"]
        licences = sorted({owner["licence"] for owner in owners if owner["licence"]})
    return licences


def collection_sources(*, collection: Collection) -> dict:
    """Licence and provenance of a collection: its municipalities (with their licence) and, for records imported
    from datasets, those datasets (title, licence, attribution, URL). For kinds that are not the municipalities'
    own records (``Kind.municipal_licence`` false), only the datasets."""
    municipalities = Municipality.objects.order_by("name_el").defer("boundary")
    if collection.municipality is not None:
        municipalities = municipalities.filter(pk=collection.municipality.pk)
    datasets = Dataset.objects.none()
    if not collection.kind.municipal_licence:  # not the municipalities' own records: the datasets' licences apply
        municipalities = municipalities.none()
    if collection.kind.datasets_sql:  # the datasets of the published records (of the one municipality)
        with connection.cursor() as cursor:
            municipality = collection.municipality.pk if collection.municipality else None
            cursor.execute(collection.kind.datasets_sql, {"municipality": municipality})
            datasets = Dataset.objects.filter(pk__in=[pk for (pk,) in cursor.fetchall()]).order_by("slug")
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
