"""Reads: spatial look-ups, map queries and GeoJSON produced by PostGIS.

All geometry is EPSG:4326 (lon/lat degrees); distances are geodesic metres (geography casts).
"""

import json
import math
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import Case, Q, QuerySet, Value, When

from .languages import collate_sql, fallback_order, language_params, source_language
from .models import Category, Municipality, Period, Place, PlaceText
from .public import public_name_sql, public_place_sql
from .search import matching_places_sql, search_params, search_query

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
            "SELECT ST_AsGeoJSON(ST_ForcePolygonCCW(boundary), %s) FROM xgis_municipality WHERE id = %s",
            [GEOJSON_DECIMALS, municipality.pk],
        )
        return cursor.fetchone()[0]


def municipalities_outline_geojson(*, municipalities: list[Municipality], tolerance_deg: float = 0.0002) -> str:
    """The boundaries of ``municipalities`` as an RFC 7946 FeatureCollection (EPSG:4326, properties ``name``),
    simplified by PostGIS to ``tolerance_deg`` degrees (about 20 m) so that the place form stays light."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(json_build_object(
                   'type', 'Feature', 'properties', json_build_object('name', name_el),
                   'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(ST_SimplifyPreserveTopology(boundary, %s)), 6)::json
               ) ORDER BY name_el), '[]'::json))::text
               FROM xgis_municipality WHERE id = ANY(%s)""",
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


def vocabulary_choices(*, model: type[Category] | type[Period], language: str) -> list[tuple[int, str]]:
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

    def sql(self, *, texts: bool = True) -> tuple[str, list]:
        """FROM/WHERE clauses over the public places ``p`` (gis.public) of the municipality (and, with ``texts``,
        their text ``t`` in the filter's language, if any, and category ``c``), with parameters. A text search
        matches every language's text and the transliteration (gis.search)."""
        query = search_query(self.text)
        clauses = [f"FROM {Place._meta.db_table} p"]
        params: list = []
        if texts:  # LEFT: a place is public whether or not its texts are written (public_name_sql falls back)
            clauses.append(f"LEFT JOIN {PlaceText._meta.db_table} t ON t.place_id = p.id AND t.language = %s")
            params.append(self.language)
        if texts or self.categories:
            clauses.append(f"LEFT JOIN {Category._meta.db_table} c ON c.id = p.category_id")
        clauses.append(f"WHERE p.municipality_id = %s AND {public_place_sql('p')}")
        params.append(self.municipality.pk)
        if self.bbox:
            clauses.append("AND p.location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)")
            params.extend(self.bbox)
        if self.categories:
            clauses.append("AND c.slug = ANY(%s)")
            params.append(self.categories)
        if self.periods:
            through, period = Place.periods.through._meta.db_table, Period._meta.db_table
            clauses.append(
                f"AND EXISTS (SELECT 1 FROM {through} pp JOIN {period} pe ON pe.id = pp.period_id"  # noqa: S608
                " WHERE pp.place_id = p.id AND pe.slug = ANY(%s))"
            )
            params.append(self.periods)
        if query:
            clauses.append(f"AND p.id IN ({matching_places_sql('%s')})")
            params.extend(search_params(query))
        return " ".join(clauses), params


def _feature_sql(language: str) -> str:
    name = public_name_sql(place="p", text="t", language=language)
    return f"""
        json_build_object(
            'type', 'Feature', 'id', p.uid,
            'geometry', ST_AsGeoJSON(p.location, {GEOJSON_DECIMALS})::json,
            'properties', json_build_object(
                'name', {name}, 'url', NULLIF(t.url, ''), 'category', c.slug,
                'image', NULLIF(t.image_url, ''), 'image_alt', COALESCE(t.image_alt, '')
            )
        ) AS feature, ({name}) {collate_sql(language)} AS sort_name
    """


def places_count(*, where: PlaceFilter) -> int:
    """How many places match."""
    sql, params = where.sql(texts=False)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {sql}", params)  # noqa: S608 (clauses are ours; values are parameters)
        return cursor.fetchone()[0]


def places_page_json(*, where: PlaceFilter, limit: int, offset: int = 0) -> str:
    """Matching places as the text of a JSON array of GeoJSON Features (made by PostGIS), sorted by name with the
    language's collation."""
    sql, params = where.sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(json_agg(feature ORDER BY sort_name), '[]')::text FROM ("  # noqa: S608
            f"SELECT {_feature_sql(where.language)} {sql} ORDER BY sort_name LIMIT %s OFFSET %s) f",
            [*params, limit, offset],
        )
        return cursor.fetchone()[0]


def places_page(*, where: PlaceFilter, limit: int, offset: int = 0) -> list[dict]:
    """Matching places as GeoJSON Feature dicts (for templates and small lists)."""
    return json.loads(places_page_json(where=where, limit=limit, offset=offset))


def places_clustered_json(*, where: PlaceFilter, zoom: int) -> str:
    """Matching places grouped on a grid of about CLUSTER_CELL_PX screen pixels at ``zoom`` (cells sized in
    degrees at the view's latitude, so no per-point reprojection), as the text of a JSON array of Point Features
    with ``cluster: true``, ``count`` and the cell's bounds (so that a click can zoom to it)."""
    cell_m = WEB_MERCATOR_WORLD_M / (256 * 2**zoom) * CLUSTER_CELL_PX
    south, north = (where.bbox[1], where.bbox[3]) if where.bbox else (-60.0, 60.0)
    latitude = math.radians(max(-85.0, min(85.0, (south + north) / 2)))
    cell_lat = cell_m * math.cos(latitude) / 110574  # a mercator metre is cos(lat) ground metres
    cell_lon = cell_m * math.cos(latitude) / (111320 * math.cos(latitude))
    sql, params = where.sql(texts=False)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT COALESCE(json_agg(json_build_object(
                'type', 'Feature',
                'geometry', json_build_object('type', 'Point', 'coordinates',
                                              json_build_array(round(lon::numeric, 7), round(lat::numeric, 7))),
                'properties', json_build_object('cluster', true, 'count', n,
                                                'bounds', json_build_array(w, s, e, nn))
            )), '[]')::text
            FROM (
                SELECT count(*) AS n, avg(ST_X(p.location)) AS lon, avg(ST_Y(p.location)) AS lat,
                       min(ST_X(p.location)) AS w, min(ST_Y(p.location)) AS s,
                       max(ST_X(p.location)) AS e, max(ST_Y(p.location)) AS nn
                {sql}
                GROUP BY floor(ST_X(p.location) / %s), floor(ST_Y(p.location) / %s)
            ) cells
            """,  # noqa: S608
            [*params, cell_lon, cell_lat],
        )
        return cursor.fetchone()[0]


def places_clustered(*, where: PlaceFilter, zoom: int) -> list[dict]:
    """places_clustered_json as dicts."""
    return json.loads(places_clustered_json(where=where, zoom=zoom))


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
    clauses = [public_place_sql("p")]
    params: dict = {"lon": point.x, "lat": point.y, "radius": radius_m, "limit": limit, "language": language}
    params.update(language_params(language))
    if municipality is not None:
        clauses.append("p.municipality_id = %(municipality)s")
        params["municipality"] = municipality.pk
    if exclude is not None:
        clauses.append("p.id <> %(exclude)s")
        params["exclude"] = exclude.pk
    where = " AND ".join(clauses)
    here = "ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)"  # a constant, so the GiST index serves <->
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT max(distance_m) FROM (
                    SELECT ST_Distance(p.location::geography, {here}::geography) AS distance_m
                    FROM {Place._meta.db_table} p WHERE {where}
                    ORDER BY p.location <-> {here} LIMIT %(limit)s) knn""",  # noqa: S608 (clauses are ours)
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
            f"""SELECT p.uid::text, {public_name_sql(place="p", text="t")},
                       COALESCE(t.url, ''), c.slug, ST_X(p.location), ST_Y(p.location), n.distance_m
                FROM {Place._meta.db_table} p
                CROSS JOIN LATERAL (SELECT ST_Distance(p.location::geography, {here}::geography) AS distance_m) n
                LEFT JOIN {PlaceText._meta.db_table} t ON t.place_id = p.id AND t.language = %(language)s
                LEFT JOIN {Category._meta.db_table} c ON c.id = p.category_id
                WHERE {where} AND ST_DWithin(p.location, {here}, %(degrees)s) AND n.distance_m <= %(radius)s
                ORDER BY n.distance_m LIMIT %(limit)s""",  # noqa: S608 (clauses are ours; values are parameters)
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
