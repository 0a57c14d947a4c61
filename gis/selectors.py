"""Reads: spatial look-ups, map queries and GeoJSON produced by PostGIS.

All geometry is EPSG:4326 (lon/lat degrees); distances are geodesic metres (geography casts).
"""

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, Point, Polygon
from django.db import connection
from django.db.models import Case, Q, QuerySet, Value, When
from psycopg import sql

from .api import filters as f
from .api.kinds import PLACES
from .geojson import collection_sql
from .languages import collate_sql, fallback_order, language_params, source_language
from .models import Category, Municipality, Period, Place, PlaceText, Theme
from .public import public_name_sql
from .search import search_query

GEOJSON_DECIMALS = 7  # ~1 cm at Greek latitudes
CLUSTER_CELL_PX = 64  # grid cell of a server-side cluster, in screen pixels at the requested zoom
WEB_MERCATOR_WORLD_M = 40075016.686  # width of the EPSG:3857 world, metres
WALKING_M_PER_MIN = 80  # about 4.8 km/h


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
            sql.SQL("SELECT ST_AsGeoJSON(ST_ForcePolygonCCW(boundary), %s) FROM {} WHERE id = %s").format(
                sql.Identifier(Municipality._meta.db_table)
            ),
            [GEOJSON_DECIMALS, municipality.pk],
        )
        return cursor.fetchone()[0]


def municipalities_outline_geojson(*, municipalities: list[Municipality], tolerance_deg: float = 0.0002) -> str:
    """The boundaries of ``municipalities`` as an RFC 7946 FeatureCollection (EPSG:4326, properties ``name``),
    simplified by PostGIS to ``tolerance_deg`` degrees (about 20 m) so that the place form stays light."""
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                """SELECT json_build_object('type', 'FeatureCollection', 'features',
                   COALESCE(json_agg(json_build_object(
                   'type', 'Feature', 'properties', json_build_object('name', name_el),
                   'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(ST_SimplifyPreserveTopology(boundary, %s)), 6)::json
               ) ORDER BY name_el), '[]'::json))::text
               FROM {} WHERE id = ANY(%s)"""
            ).format(sql.Identifier(Municipality._meta.db_table)),
            [tolerance_deg, [m.pk for m in municipalities]],
        )
        return cursor.fetchone()[0]


def places_named_like(*, queryset: QuerySet[Place], text: str) -> QuerySet[Place]:
    """The places of ``queryset`` whose Greek or English name contains ``text``, ignoring case and accents
    (PostgreSQL ``unaccent``): «παρθ», «ΠΑΡΘΕΝΏΝ» and "parthen" find the Parthenon."""
    words = text.split()[:5]
    for word in words:
        queryset = queryset.filter(Q(name_el__unaccent__icontains=word) | Q(name_en__unaccent__icontains=word))
    return queryset


def _translated(model: type[Category] | type[Period], *, language: str) -> QuerySet:
    """One row per translation key of a vocabulary: the row in the first language of ``language``'s fallback order
    that has one (German, else English, else the Greek source row)."""
    order = fallback_order(language)
    rank = Case(*[When(locale__language_code=code, then=Value(index)) for index, code in enumerate(order)])
    return (
        model.objects.filter(locale__language_code__in=order)
        .annotate(language_rank=rank)
        .order_by("translation_key", "language_rank")
        .distinct("translation_key")
    )


def vocabulary_choices(*, model: type[Category] | type[Period] | type[Theme], language: str) -> list[tuple[int, str]]:
    """(pk, name) of a vocabulary's source-language rows (what places point at), each once, named in ``language``
    or the first of its fallbacks that has a translation; in editorial order."""
    names = dict(_translated(model, language=language).values_list("translation_key", "name"))
    rows = model.objects.filter(locale__language_code=source_language()).order_by("sort_order", "name")
    return [(row.pk, names.get(row.translation_key) or row.name) for row in rows]


def categories(*, language: str) -> QuerySet[Category]:
    """The category vocabulary in ``language`` (each category's row in the language, else in its first fallback
    that has one), in editorial order."""
    chosen = _translated(Category, language=language).values("pk")
    return Category.objects.filter(pk__in=chosen).order_by("sort_order", "name")


def periods(*, language: str) -> QuerySet[Period]:
    """The period vocabulary in ``language`` (with fallbacks, as ``categories``), in chronological (editorial)
    order."""
    chosen = _translated(Period, language=language).values("pk")
    return Period.objects.filter(pk__in=chosen).order_by("sort_order", "name")


@dataclass
class PlaceFilter:
    """What a map or list shows: a municipality's places, optionally narrowed."""

    municipality: Municipality
    language: str
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north (degrees, EPSG:4326)
    categories: list[str] = field(default_factory=list)  # category slugs
    periods: list[str] = field(default_factory=list)  # period slugs
    text: str = ""

    def where(self) -> f.Clause:
        """The condition over the place ``r``: public (gis.public), of the municipality, and matching the filters
        through the builder the open-data API uses (``PLACES.where``), plus the text search, which matches every
        language's text and the transliteration (gis.search)."""
        values = {"bbox": self.bbox, "category": self.categories, "period": self.periods}
        # the view's bbox needs only the index's box test (a point a few cm outside the view may show)
        clauses = [PLACES.where(municipality=self.municipality, values=values, exact_bbox=False)]
        query = search_query(self.text)
        if query:
            clauses.append(f.text_matches(query=query))
        return f.all_of(clauses)

    def sql(self, *, texts: bool = True) -> f.Clause:
        """FROM/WHERE clauses over the matching places ``r`` (``where``) and, with ``texts``, their text ``t`` in the
        filter's language, if any, and category ``c``, with parameters."""
        source = PLACES.count_from()
        if texts:  # LEFT: a place is public whether or not its texts are written (public_name_sql falls back)
            source = sql.SQL(
                "{} LEFT JOIN {} t ON t.place_id = r.id AND t.language = %(lang)s"
                " LEFT JOIN {} c ON c.id = r.category_id"
            ).format(source, sql.Identifier(PlaceText._meta.db_table), sql.Identifier(Category._meta.db_table))
        where = self.where()
        return f.Clause(
            sql.SQL("{} WHERE {}").format(source, where.sql), {**where.params, **language_params(self.language)}
        )


def _feature_sql(language: str) -> sql.Composed:
    name = sql.SQL(public_name_sql(place="r", text="t"))
    return sql.SQL(
        """
        json_build_object(
            'type', 'Feature', 'id', r.uid,
            'geometry', ST_AsGeoJSON(r.location, {decimals})::json,
            'properties', json_build_object(
                'name', {name}, 'url', NULLIF(t.url, ''), 'category', c.slug,
                'image', NULLIF(t.image_url, ''), 'image_alt', COALESCE(t.image_alt, '')
            )
        ) AS feature, ({name}) {collate} AS sort_name
    """
    ).format(decimals=sql.Literal(GEOJSON_DECIMALS), name=name, collate=sql.SQL(collate_sql(language)))


def places_count(*, where: PlaceFilter) -> int:
    """How many places match."""
    source = where.sql(texts=False)
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT count(*) {}").format(source.sql), source.params)
        return cursor.fetchone()[0]


def places_page_geojson(*, where: PlaceFilter, limit: int, offset: int = 0, members: Mapping[str, Any]) -> str:
    """Matching places as the text of a GeoJSON FeatureCollection made by PostGIS, sorted by name with the
    language's collation, with the foreign ``members`` (``geojson.collection_sql``) before the features."""
    source = where.sql()
    document = collection_sql(
        members=members, features=sql.SQL("COALESCE(json_agg(f.feature ORDER BY f.sort_name), '[]'::json)")
    )
    query = sql.SQL(
        "SELECT {document}::text FROM (SELECT {feature} {source}"
        " ORDER BY sort_name LIMIT %(limit)s OFFSET %(offset)s) f"
    ).format(document=document.sql, feature=_feature_sql(where.language), source=source.sql)
    with connection.cursor() as cursor:
        cursor.execute(query, {**source.params, **document.params, "limit": limit, "offset": offset})
        return cursor.fetchone()[0]


def places_page(*, where: PlaceFilter, limit: int, offset: int = 0) -> list[dict]:
    """Matching places as GeoJSON Feature dicts (for templates and small lists)."""
    return json.loads(places_page_geojson(where=where, limit=limit, offset=offset, members={}))["features"]


def places_clustered_geojson(*, where: PlaceFilter, zoom: int, members: Mapping[str, Any]) -> str:
    """Matching places grouped on a grid of about CLUSTER_CELL_PX screen pixels at ``zoom`` (cells sized in
    degrees at the view's latitude, so no per-point reprojection), as the text of a GeoJSON FeatureCollection (with
    the foreign ``members``) of Point Features with ``cluster: true``, ``count`` and the cell's bounds (so that a
    click can zoom to it)."""
    cell_m = WEB_MERCATOR_WORLD_M / (256 * 2**zoom) * CLUSTER_CELL_PX
    south, north = (where.bbox[1], where.bbox[3]) if where.bbox else (-60.0, 60.0)
    latitude = math.radians(max(-85.0, min(85.0, (south + north) / 2)))
    cell_lat = cell_m * math.cos(latitude) / 110574  # a mercator metre is cos(lat) ground metres
    cell_lon = cell_m * math.cos(latitude) / (111320 * math.cos(latitude))
    source = where.sql(texts=False)
    document = collection_sql(
        members=members,
        features=sql.SQL(
            """COALESCE(json_agg(json_build_object(
                'type', 'Feature',
                'geometry', json_build_object('type', 'Point', 'coordinates',
                                              json_build_array(round(lon::numeric, 7), round(lat::numeric, 7))),
                'properties', json_build_object('cluster', true, 'count', n,
                                                'bounds', json_build_array(w, s, e, nn))
            )), '[]'::json)"""
        ),
    )
    query = sql.SQL(
        """
        SELECT {document}::text
        FROM (
            SELECT count(*) AS n, avg(ST_X(r.location)) AS lon, avg(ST_Y(r.location)) AS lat,
                   min(ST_X(r.location)) AS w, min(ST_Y(r.location)) AS s,
                   max(ST_X(r.location)) AS e, max(ST_Y(r.location)) AS nn
            {source}
            GROUP BY floor(ST_X(r.location) / %(cell_lon)s), floor(ST_Y(r.location) / %(cell_lat)s)
        ) cells
        """
    ).format(document=document.sql, source=source.sql)
    with connection.cursor() as cursor:
        cursor.execute(query, {**source.params, **document.params, "cell_lon": cell_lon, "cell_lat": cell_lat})
        return cursor.fetchone()[0]


@dataclass
class NearbyPlace:
    """A place and how far it is from the point asked about (geodesic metres, walking minutes)."""

    uid: str
    name: str
    url: str
    category: str | None
    lon: float
    lat: float
    distance_m: float

    @property
    def walking_min(self) -> int:
        """Walking time at about 4.8 km/h, rounded up to whole minutes (at least 1)."""
        return max(1, -(-int(self.distance_m) // WALKING_M_PER_MIN))


def places_near(
    *,
    point: Point,
    language: str,
    radius_m: float,
    limit: int,
    municipality: Municipality | None = None,
    exclude: Place | None = None,
) -> list[NearbyPlace]:
    """Published places within ``radius_m`` geodesic metres of ``point`` (EPSG:4326), nearest first.

    Exact and index-driven, in two short queries: a KNN scan of the GiST index (planar degrees) finds ``limit``
    places, and the farthest of them, in geodesic metres, bounds the answer; every place within that bound,
    converted to degrees at the fewest metres-per-degree in reach (less 1 %), is then ranked by geodesic distance
    (ST_Distance on the spheroid).
    """
    clauses = [PLACES.where(municipality=municipality, values={})]
    if exclude is not None:
        clauses.append(f.Clause(sql.SQL("r.id <> %(exclude)s"), {"exclude": exclude.pk}))
    where = f.all_of(clauses)
    params: dict = {"lon": point.x, "lat": point.y, "radius": radius_m, "limit": limit, **language_params(language)}
    params.update(where.params)
    here = sql.SQL("ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)")  # a constant, so the GiST index serves <->
    place, text, category = (sql.Identifier(model._meta.db_table) for model in (Place, PlaceText, Category))
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                """SELECT max(distance_m) FROM (
                    SELECT ST_Distance(r.location::geography, {here}::geography) AS distance_m
                    FROM {place} r WHERE {where}
                    ORDER BY r.location <-> {here} LIMIT %(limit)s) knn"""
            ).format(here=here, place=place, where=where.sql),
            params,
        )
        farthest = cursor.fetchone()[0]
        if farthest is None:
            return []
        metres = min(farthest, radius_m)
        # the fewest metres a degree spans within reach: a degree of longitude at the highest latitude reached
        highest = math.radians(min(89.0, abs(point.y) + metres / 110574.0))
        params["degrees"] = metres / (min(110574.0, 111320.0 * math.cos(highest)) / 1.01)
        cursor.execute(
            sql.SQL(
                """SELECT r.uid::text, {name},
                       COALESCE(t.url, ''), c.slug, ST_X(r.location), ST_Y(r.location), n.distance_m
                FROM {place} r
                CROSS JOIN LATERAL (SELECT ST_Distance(r.location::geography, {here}::geography) AS distance_m) n
                LEFT JOIN {text} t ON t.place_id = r.id AND t.language = %(lang)s
                LEFT JOIN {category} c ON c.id = r.category_id
                WHERE {where} AND ST_DWithin(r.location, {here}, %(degrees)s) AND n.distance_m <= %(radius)s
                ORDER BY n.distance_m LIMIT %(limit)s"""
            ).format(
                name=sql.SQL(public_name_sql(place="r", text="t")),
                here=here,
                place=place,
                text=text,
                category=category,
                where=where.sql,
            ),
            params,
        )
        return [NearbyPlace(*row) for row in cursor.fetchall()]


def place_text(*, place: Place, language: str) -> PlaceText | None:
    """What the public sees of ``place`` in ``language``."""
    return PlaceText.objects.filter(place=place, language=language).first()


def vocabulary_in(item: Category | Period | None, *, language: str) -> Category | Period | None:
    """The translation of a category or period in ``language``, else in the first of its fallbacks that has one
    (the item itself when none has)."""
    if item is None:
        return None
    order = fallback_order(language)
    rows = type(item).objects.filter(translation_key=item.translation_key, locale__language_code__in=order)
    by_language = {row.locale.language_code: row for row in rows.select_related("locale")}
    return next((by_language[code] for code in order if code in by_language), item)


def point_from_greek_grid(*, easting: float, northing: float) -> Point:
    """The WGS 84 point (EPSG:4326, lon/lat) of Greek Grid coordinates (EPSG:2100, metres), reprojected by PostGIS."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(g), ST_Y(g) FROM ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 2100), 4326) AS g",
            [easting, northing],
        )
        lon, lat = cursor.fetchone()
    return Point(lon, lat, srid=4326)


def municipalities_union(*, ids: list[int] | None):
    """The union of these municipalities' boundaries (EPSG:4326), prepared for many point-in tests; None for no
    limit (``ids`` None), an empty polygon for an empty list."""
    if ids is None:
        return None
    union: GEOSGeometry | None = None
    for municipality in Municipality.objects.filter(pk__in=ids):
        union = municipality.boundary if union is None else union.union(municipality.boundary)
    return union.prepared if union is not None else Polygon().prepared
