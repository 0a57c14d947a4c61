"""Reads: spatial look-ups, map queries and GeoJSON produced by PostGIS.

All geometry is EPSG:4326 (lon/lat degrees); distances are geodesic metres (geography casts).
"""

import json
import re
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import QuerySet

from .models import Category, Municipality, Period, Place, PlaceText

GEOJSON_DECIMALS = 7  # ~1 cm at Greek latitudes
GREEK_COLLATION = "el-x-icu"  # ICU collation shipped with PostgreSQL: accents and final sigma sort right
ENGLISH_COLLATION = "en-x-icu"
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


def categories(*, language: str) -> QuerySet[Category]:
    """The category vocabulary in ``language`` (rows of that locale), in editorial order."""
    return Category.objects.filter(locale__language_code=language).order_by("sort_order", "name")


def periods(*, language: str) -> QuerySet[Period]:
    """The period vocabulary in ``language``, in chronological (editorial) order."""
    return Period.objects.filter(locale__language_code=language).order_by("sort_order", "name")


_WORD = re.compile(r"\w+", re.UNICODE)


def search_query(text: str) -> str | None:
    """A prefix-matching tsquery string from what a visitor typed ("ακροπ αθ" -> "'ακροπ':* & 'αθ':*")."""
    words = _WORD.findall(text)[:8]
    return " & ".join(f"'{word}':*" for word in words) or None


@dataclass
class PlaceFilter:
    """What a map or list shows: a municipality's places, optionally narrowed."""

    municipality: Municipality
    language: str
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north (degrees, EPSG:4326)
    categories: list[str] = field(default_factory=list)  # category slugs
    periods: list[str] = field(default_factory=list)  # period slugs
    text: str = ""

    def sql(self) -> tuple[str, list]:
        """FROM/WHERE clauses over place ``p`` and its text ``t`` in the filter's language, with parameters."""
        config = "xenagos_el" if self.language == "el" else "xenagos_en"
        clauses = [
            f"FROM {Place._meta.db_table} p JOIN {PlaceText._meta.db_table} t"
            " ON t.place_id = p.id AND t.language = %s"
            f" LEFT JOIN {Category._meta.db_table} c ON c.id = p.category_id",
            "WHERE p.municipality_id = %s AND NOT p.withdrawn",
        ]
        params: list = [self.language, self.municipality.pk]
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
        query = search_query(self.text)
        if query:
            clauses.append(f"AND t.search @@ to_tsquery('{config}', %s)")
            params.append(query)
        return " ".join(clauses), params


def _feature_sql(language: str) -> str:
    collation = GREEK_COLLATION if language == "el" else ENGLISH_COLLATION
    return f"""
        json_build_object(
            'type', 'Feature', 'id', p.uid,
            'geometry', ST_AsGeoJSON(p.location, {GEOJSON_DECIMALS})::json,
            'properties', json_build_object(
                'name', t.name, 'url', NULLIF(t.url, ''), 'category', c.slug,
                'image', NULLIF(t.image_url, ''), 'image_alt', t.image_alt
            )
        ) AS feature, t.name COLLATE "{collation}" AS sort_name
    """


def places_count(*, where: PlaceFilter) -> int:
    """How many places match."""
    sql, params = where.sql()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {sql}", params)  # noqa: S608 (clauses are ours; values are parameters)
        return cursor.fetchone()[0]


def places_page(*, where: PlaceFilter, limit: int, offset: int = 0) -> list[dict]:
    """Matching places as GeoJSON Feature dicts, sorted by name with the language's collation."""
    sql, params = where.sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT feature FROM (SELECT {_feature_sql(where.language)} {sql}) f"  # noqa: S608
            " ORDER BY sort_name LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return [_json(row[0]) for row in cursor.fetchall()]


def places_clustered(*, where: PlaceFilter, zoom: int) -> list[dict]:
    """Matching places grouped on a web-mercator grid of CLUSTER_CELL_PX pixels at ``zoom``: one Point feature per
    cell with ``cluster: true``, ``count`` and the cell's bounds (so a click can zoom to it)."""
    cell_m = WEB_MERCATOR_WORLD_M / (256 * 2**zoom) * CLUSTER_CELL_PX
    sql, params = where.sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT json_build_object(
                'type', 'Feature',
                'geometry', ST_AsGeoJSON(ST_Centroid(ST_Collect(p.location)), {GEOJSON_DECIMALS})::json,
                'properties', json_build_object(
                    'cluster', true, 'count', count(*),
                    'bounds', json_build_array(min(ST_X(p.location)), min(ST_Y(p.location)),
                                               max(ST_X(p.location)), max(ST_Y(p.location)))
                )
            )
            {sql}
            GROUP BY ST_SnapToGrid(ST_Transform(p.location, 3857), %s)
            """,  # noqa: S608
            [*params, cell_m],
        )
        return [_json(row[0]) for row in cursor.fetchall()]


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


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
    """Published places within ``radius_m`` geodesic metres of ``point`` (EPSG:4326), nearest first (KNN on the
    GiST index, then exact geodesic distance)."""
    clauses = ["NOT p.withdrawn"]
    params: list = [point.x, point.y, language]
    if municipality is not None:
        clauses.append("p.municipality_id = %s")
        params.append(municipality.pk)
    if exclude is not None:
        clauses.append("p.id <> %s")
        params.append(exclude.pk)
    sql = f"""
        WITH here AS (SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326) AS g)
        SELECT p.uid::text, t.name, t.url, c.slug, ST_X(p.location), ST_Y(p.location),
               ST_Distance(p.location::geography(Point, 4326), here.g::geography) AS distance_m
        FROM here, {Place._meta.db_table} p
        JOIN {PlaceText._meta.db_table} t ON t.place_id = p.id AND t.language = %s
        LEFT JOIN {Category._meta.db_table} c ON c.id = p.category_id
        WHERE {" AND ".join(clauses)}
          AND ST_DWithin(p.location::geography(Point, 4326), here.g::geography, %s)
        ORDER BY p.location::geography(Point, 4326) <-> here.g::geography
        LIMIT %s
    """  # noqa: S608 (clauses are ours; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, radius_m, limit + 2])
        rows = [NearbyPlace(*row) for row in cursor.fetchall()]
    # KNN on geography orders by distance on the sphere; the final order is the spheroid's (ST_Distance)
    return sorted(rows, key=lambda row: row.distance_m)[:limit]


def place_text(*, place: Place, language: str) -> PlaceText | None:
    """What the public sees of ``place`` in ``language``."""
    return PlaceText.objects.filter(place=place, language=language).first()


def vocabulary_in(item: Category | Period | None, *, language: str) -> Category | Period | None:
    """The ``language`` translation of a category or period (the item itself when it has none)."""
    if item is None:
        return None
    translated = type(item).objects.filter(translation_key=item.translation_key, locale__language_code=language)
    return translated.first() or item


def point_from_greek_grid(*, easting: float, northing: float) -> Point:
    """The WGS 84 point (EPSG:4326, lon/lat) of Greek Grid coordinates (EPSG:2100, metres), reprojected by PostGIS."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(g), ST_Y(g) FROM ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 2100), 4326) AS g",
            [easting, northing],
        )
        lon, lat = cursor.fetchone()
    return Point(lon, lat, srid=4326)
