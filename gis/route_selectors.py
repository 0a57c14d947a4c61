"""Reads of routes for their public pages: the stops in order with their distance along the line, the routes a
place is a stop of, and the routes list with its map (``RouteFilter``). Geometry is EPSG:4326; distances are geodesic
metres on the WGS 84 spheroid."""

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import QuerySet
from psycopg import sql
from wagtail.models import Locale, Page, PageViewRestriction, Site

from .api import filters as f
from .api.links import site_roots_json
from .api.routes import CROSSES_SQL, PUBLIC_ROUTE_SQL, ROUTES
from .geojson import collection_sql
from .languages import collate_sql, language_params, localized, name_columns, name_param_sql, translated_name_sql
from .models import Municipality, Place, PlaceText, Route, RouteStop, Theme
from .public import public_name_sql


@dataclass(frozen=True)
class RouteStopRow:
    """A stop of a route as its page shows it: its number (from 1), the place's public name and page path (''
    when it has none), its point (EPSG:4326 degrees), the note, and its distance from the start along the line."""

    number: int
    place_uid: str
    name: str
    url: str
    lon: float
    lat: float
    note: str
    distance_m: float
    keepers_public: bool = False  # a public place of the route's keeper (its site shows the record without a page)

    @property
    def distance_km(self) -> float:
        """The distance from the start in kilometres."""
        return self.distance_m / 1000


def route_stops_along(*, route: Route, language: str) -> list[RouteStopRow]:
    """The stops of ``route`` in their order, each with its distance in geodesic metres from the start of the line.

    A stop is placed on the part of the line nearest to it (``ST_LineLocatePoint`` on that part); its distance is
    the geodesic length of the parts before that one plus the geodesic length of the part up to that point
    (``ST_LineSubstring`` measured as geography), so a line that turns is measured in metres, not in degrees."""
    tables = {
        name: sql.Identifier(model._meta.db_table)
        for name, model in (("route", Route), ("stop", RouteStop), ("place", Place), ("text", PlaceText))
    }
    query = sql.SQL(
        """WITH parts AS (
               SELECT (d).path[1] AS n, (d).geom AS geom, ST_Length((d).geom::geography) AS length_m
               FROM (SELECT ST_Dump(geometry) AS d FROM {route} WHERE id = %(route)s) dumped),
           measured AS (
               SELECT n, geom, COALESCE(sum(length_m) OVER (ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING
                                                            AND 1 PRECEDING), 0) AS before_m
               FROM parts)
           SELECT s.sort_order, r.uid::text, {name}, COALESCE(t.url, ''), ST_X(r.location), ST_Y(r.location),
                  s.note_el, s.note_en, a.distance_m,
                  (r.municipality_id IS NOT DISTINCT FROM %(keeper)s AND r.municipality_id IS NOT NULL
                   AND NOT r.withdrawn)
           FROM {stop} s
           JOIN {place} r ON r.id = s.place_id
           LEFT JOIN {text} t ON t.place_id = r.id AND t.language = %(lang)s
           CROSS JOIN LATERAL (
               SELECT m.before_m + ST_Length(
                          ST_LineSubstring(m.geom, 0, ST_LineLocatePoint(m.geom, r.location))::geography
                      ) AS distance_m
               FROM measured m ORDER BY ST_Distance(m.geom, r.location), m.n LIMIT 1) a
           WHERE s.route_id = %(route)s
           ORDER BY s.sort_order, s.id"""
    ).format(name=sql.SQL(public_name_sql(place="r", text="t")), **tables)
    with connection.cursor() as cursor:
        cursor.execute(query, {"route": route.pk, "keeper": route.municipality_id, **language_params(language)})
        rows = cursor.fetchall()
    stops = []
    for number, (_order, uid, name, url, lon, lat, note_el, note_en, distance_m, public) in enumerate(rows, start=1):
        note = localized({"el": note_el, "en": note_en})
        stops.append(RouteStopRow(number, uid, name, url, lon, lat, note, float(distance_m or 0.0), public))
    return stops


def routes_of_place(*, place: Place):
    """The public routes (not withdrawn) that ``place`` is a stop of, by name."""
    return Route.objects.public().filter(route_stops__place=place).distinct().order_by("name_el")


WEB_MERCATOR_WORLD_M = 40075016.686  # width of the EPSG:3857 world, metres
TILE_PX = 256
SIMPLIFY_PX = 1.0  # a line drawn at a zoom is simplified to about this many screen pixels


def route_themes(*, language: str) -> QuerySet[Theme]:
    """The route themes in ``language`` (each theme's row in the language, else in its first fallback), in
    editorial order; their ``slug`` is the same in every language."""
    from .selectors import _translated  # one rule for a vocabulary's rows by language

    chosen = _translated(Theme, language=language).values("pk")
    return Theme.objects.filter(pk__in=chosen).order_by("sort_order", "name")


def _site_urls_json() -> str:
    """{Wagtail site id: its root URL, e.g. "http://nafplio.localhost:8000"} (``Site.root_url``) as JSON text."""
    return json.dumps({str(site.pk): site.root_url.rstrip("/") for site in Site.objects.all()})


@dataclass
class RouteFilter:
    """What the routes list and its map show: the routes of a municipality's site whose page is published in
    ``language``, optionally narrowed. Lengths are kilometres, durations minutes (both bounds inclusive)."""

    municipality: Municipality
    site_root_id: int  # the Wagtail Site's root page (in the source language): the site's tree
    language: str
    themes: list[str] = field(default_factory=list)  # theme slugs
    modes: list[str] = field(default_factory=list)  # walk, bike, car, boat
    difficulties: list[str] = field(default_factory=list)  # easy, moderate, hard (the editor's, else the suggested)
    step_free: list[str] = field(default_factory=list)  # yes, partly, no
    length_km: tuple[float | None, float | None] = (None, None)
    duration_min: tuple[int | None, int | None] = (None, None)
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north (degrees, EPSG:4326)

    def sql(self) -> f.Clause:
        """FROM/WHERE over the listed routes ``r``, one row each, with ``title``, ``url`` (the page's path in the
        language) and ``theme_name``.

        A route is listed when its record is public (gis.public) and belongs to the municipality (it keeps it or
        crosses it), and a ``RoutePage`` about it is live in the language's locale, inside the site's tree, and
        under no view restriction: the published page decides, as for every public reader. A route that another
        municipality keeps and this one crosses is listed by its page in the keeper's site (the site whose root URL
        the keeper's is, ``gis.api.links.site_roots_json``), published and unrestricted there: its ``url`` is then
        absolute (the keeper site's root URL) and ``keeper_name`` names the keeper ('' for this site's pages)."""
        page_model = apps.get_model(ROUTES.page_type or "")
        tables = {
            "route": sql.Identifier(Route._meta.db_table),
            "routepage": sql.Identifier(page_model._meta.db_table),
            "page": sql.Identifier(Page._meta.db_table),
            "locale": sql.Identifier(Locale._meta.db_table),
            "restriction": sql.Identifier(PageViewRestriction._meta.db_table),
            "theme": sql.Identifier(Theme._meta.db_table),
            "municipality": sql.Identifier(Municipality._meta.db_table),
            "site": sql.Identifier(Site._meta.db_table),
        }
        theme_name = translated_name_sql(
            table=Theme._meta.db_table, locale_table=Locale._meta.db_table, key_sql="th.translation_key"
        )
        conditions: list[sql.Composable] = [sql.SQL("TRUE")]
        params: dict[str, Any] = {
            "municipality": self.municipality.pk,
            "site_root": self.site_root_id,
            **language_params(self.language),
        }
        for name, values, expression in (
            ("themes", self.themes, "th.slug"),
            ("modes", self.modes, "r.mode"),
            ("difficulties", self.difficulties, "COALESCE(NULLIF(r.difficulty, ''), r.suggested_difficulty)"),
            ("step_free", self.step_free, "r.step_free"),
        ):
            if values:
                conditions.append(sql.SQL(expression + " = ANY({})").format(sql.Placeholder(name)))
                params[name] = list(values)
        for name, bound, expression, operator, scale in (
            ("length_low", self.length_km[0], "r.length_m", ">=", 1000.0),
            ("length_high", self.length_km[1], "r.length_m", "<=", 1000.0),
            ("duration_low", self.duration_min[0], "r.duration_min", ">=", 1),
            ("duration_high", self.duration_min[1], "r.duration_min", "<=", 1),
        ):
            if bound is not None:
                conditions.append(sql.SQL(f"{expression} {operator} {{}}").format(sql.Placeholder(name)))
                params[name] = bound * scale
        if self.bbox is not None:
            conditions.append(sql.SQL("r.geometry && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)"))
            params.update(zip(("west", "south", "east", "north"), self.bbox, strict=True))
        params["site_urls"], params["keeper_urls"] = _site_urls_json(), site_roots_json()
        query = sql.SQL(
            """FROM (
                SELECT DISTINCT ON (r.id) r.*, p.title, p.url_path, home.url_path AS home_path,
                       CASE WHEN s.root_page_id = %(site_root)s THEN '' ELSE %(site_urls)s::jsonb ->> s.id::text END
                           AS site_url,
                       CASE WHEN s.root_page_id = %(site_root)s THEN '' ELSE {keeper_name} END AS keeper_name
                FROM {route} r
                JOIN {municipality} km ON km.id = r.municipality_id
                JOIN {routepage} rp ON rp.route_record_id = r.id
                JOIN {page} p ON p.id = rp.page_ptr_id AND p.live
                JOIN {locale} l ON l.id = p.locale_id AND l.language_code = %(lang)s
                JOIN {site} s ON s.root_page_id = %(site_root)s OR (  -- this site, or the keeper's
                     r.municipality_id <> %(municipality)s
                     AND %(site_urls)s::jsonb ->> s.id::text = %(keeper_urls)s::jsonb ->> r.municipality_id::text)
                JOIN {page} home ON home.locale_id = p.locale_id
                     AND home.translation_key = (SELECT translation_key FROM {page} WHERE id = s.root_page_id)
                WHERE {public} AND (r.municipality_id = %(municipality)s OR {crosses})
                  AND starts_with(p.path, home.path)
                  AND NOT EXISTS (  -- the restricted pages' paths are read once (an uncorrelated ARRAY)
                      SELECT 1 FROM unnest(ARRAY(
                          SELECT vp.path FROM {restriction} v JOIN {page} vp ON vp.id = v.page_id)) AS restricted(path)
                      WHERE starts_with(p.path, restricted.path))
                ORDER BY r.id, s.root_page_id <> %(site_root)s, p.path
            ) r
            LEFT JOIN {theme} th ON th.id = r.theme_id
            CROSS JOIN LATERAL (SELECT
                r.site_url || '/' || %(lang)s || '/' || substr(r.url_path, length(r.home_path) + 1) AS url,
                COALESCE({theme_name}, th.name) AS theme_name) x
            WHERE {conditions}"""
        ).format(
            public=sql.SQL(PUBLIC_ROUTE_SQL),
            crosses=sql.SQL(CROSSES_SQL),
            theme_name=sql.SQL(theme_name),
            keeper_name=sql.SQL(name_param_sql(columns=name_columns("km"))),
            conditions=sql.SQL(" AND ").join(conditions),
            **tables,
        )
        return f.Clause(query, params)


@dataclass(frozen=True)
class RouteListRow:
    """A route as the list shows it: its page's title and path, theme name, mode, geodesic length (metres),
    duration (minutes), ascent (metres), difficulty (the editor's, else the suggested) and step-free codes."""

    uid: str
    title: str
    url: str
    theme: str
    mode: str
    length_m: float
    duration_min: int | None
    ascent_m: float | None
    difficulty: str
    step_free: str
    keeper: str = ""  # the keeping municipality's name when the page is on its site (``url`` absolute), else ''

    @property
    def length_km(self) -> float:
        """The length in kilometres."""
        return self.length_m / 1000


def routes_count(*, where: RouteFilter) -> int:
    """How many routes are listed."""
    source = where.sql()
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT count(*) {}").format(source.sql), source.params)
        return cursor.fetchone()[0]


def routes_exist(*, where: RouteFilter) -> bool:
    """Whether any route is listed (``EXISTS``: stops at the first, where ``routes_count`` counts them all)."""
    source = where.sql()
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT EXISTS (SELECT 1 {})").format(source.sql), source.params)
        return cursor.fetchone()[0]


def routes_extent(*, where: RouteFilter) -> tuple[float, float, float, float] | None:
    """The extent of the listed routes' lines as (west, south, east, north) in degrees, EPSG:4326
    (``ST_Extent``), or None when no route is listed."""
    source = where.sql()
    query = sql.SQL(
        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(r.geometry) AS e {}) x"
    ).format(source.sql)
    with connection.cursor() as cursor:
        cursor.execute(query, source.params)
        row = cursor.fetchone()
    return None if row is None or row[0] is None else (row[0], row[1], row[2], row[3])


def routes_page(*, where: RouteFilter, limit: int, offset: int = 0) -> list[RouteListRow]:
    """The listed routes sorted by title with the language's collation (Greek: el-GR), ``limit`` from ``offset``."""
    source = where.sql()
    query = sql.SQL(
        """SELECT r.uid::text, r.title, x.url, COALESCE(x.theme_name, ''), r.mode, r.length_m, r.duration_min,
                  r.ascent_m, COALESCE(NULLIF(r.difficulty, ''), r.suggested_difficulty), r.step_free, r.keeper_name
           {source} ORDER BY r.title {collate}, r.id LIMIT %(limit)s OFFSET %(offset)s"""
    ).format(source=source.sql, collate=sql.SQL(collate_sql(where.language)))
    with connection.cursor() as cursor:
        cursor.execute(query, {**source.params, "limit": limit, "offset": offset})
        return [RouteListRow(*row) for row in cursor.fetchall()]


def route_simplify_tolerance_deg(*, zoom: int, latitude: float) -> float:
    """The simplification tolerance, in degrees (EPSG:4326), of a line drawn at web-mercator ``zoom`` near
    ``latitude`` (degrees): SIMPLIFY_PX screen pixels, a pixel being WEB_MERCATOR_WORLD_M / (256 * 2^zoom) mercator
    metres, i.e. that many ground metres times cos(latitude), about 111,320 m to a degree."""
    pixel_m = WEB_MERCATOR_WORLD_M / (TILE_PX * 2**zoom) * math.cos(math.radians(latitude))
    return SIMPLIFY_PX * pixel_m / 111320.0


def route_decimals(*, tolerance_deg: float) -> int:
    """Decimals of GeoJSON coordinates enough for ``tolerance_deg`` (a tenth of it), between 2 and 7."""
    return max(2, min(7, math.ceil(-math.log10(tolerance_deg / 10))))


def routes_map_geojson(
    *,
    where: RouteFilter,
    zoom: int | None,
    members: Mapping[str, Any],
    view: tuple[float, float, float, float] | None = None,
) -> str:
    """The listed routes as the text of a GeoJSON FeatureCollection made by PostGIS (EPSG:4326, RFC 7946), each a
    LineString/MultiLineString Feature with its page's ``name`` and ``url``, sorted by title. With ``zoom``, each
    line is simplified in SQL (``ST_SimplifyPreserveTopology``) to about a screen pixel at that zoom
    (``route_simplify_tolerance_deg`` at the municipality's latitude) and its coordinates rounded to match
    (``route_decimals``); without it, the stored line with 7 decimals (~1 cm).

    With ``view`` (west, south, east, north in degrees, EPSG:4326: the part of the map a client asks for), only the
    routes that reach it come, each line clipped to it (``ST_ClipByBox2D``) before it is simplified, so a phone at
    street level gets the lines around it, not every route of the town at that zoom's detail."""
    if view is not None and where.bbox is None:
        where = replace(where, bbox=view)
    source = where.sql()
    if zoom is None:
        tolerance, decimals = 0.0, 7
    else:
        latitude = where.municipality.boundary.centroid.y if where.municipality.boundary else 38.0
        tolerance = route_simplify_tolerance_deg(zoom=zoom, latitude=latitude)
        decimals = route_decimals(tolerance_deg=tolerance)
    document = collection_sql(
        members=members, features=sql.SQL("COALESCE(json_agg(f.feature ORDER BY f.sort_title), '[]'::json)")
    )
    # the simplified line, as a lateral of the listed rows (a tolerance of 0 keeps every vertex)
    query = sql.SQL(
        """SELECT {document}::text FROM (
            SELECT json_build_object(
                'type', 'Feature', 'id', r.uid,
                'geometry', ST_AsGeoJSON(
                    CASE WHEN ST_NumGeometries(r.line) = 1 THEN ST_GeometryN(r.line, 1) ELSE r.line END,
                    %(decimals)s)::json,
                'properties', json_build_object('name', r.title, 'url', r.url, 'keeper', NULLIF(r.keeper_name, ''))
            ) AS feature, r.title {collate} AS sort_title
            FROM (SELECT r.uid, r.title, x.url, r.keeper_name,
                         ST_SimplifyPreserveTopology({clipped}, %(tolerance)s) AS line {source}) r
            WHERE NOT ST_IsEmpty(r.line)
        ) f"""
    ).format(
        document=document.sql,
        collate=sql.SQL(collate_sql(where.language)),
        source=source.sql,
        clipped=sql.SQL(
            "r.geometry"
            if view is None
            else "ST_ClipByBox2D(r.geometry, ST_MakeEnvelope(%(view_w)s, %(view_s)s, %(view_e)s, %(view_n)s, 4326))"
        ),
    )
    clip = {} if view is None else dict(zip(("view_w", "view_s", "view_e", "view_n"), view, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            query, {**source.params, **document.params, **clip, "tolerance": tolerance, "decimals": decimals}
        )
        return cursor.fetchone()[0]
