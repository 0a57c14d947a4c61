"""Themed routes in the open-data API: the ``routes`` collection and one per municipality a route crosses (OGC API -
Features, downloads, data page), declared once.

Registered from GisConfig.ready. Geometry is EPSG:4326 (CRS84 axis order); a route of one part is published as a
LineString, one of several parts as a MultiLineString (its parts in the order they are walked). Lengths and heights
are metres (the length geodesic, ``Route.length_m``), durations minutes. A route is public by the same rule as a
place (gis.public: in a municipality, not withdrawn; ``Route.objects.public()`` applies it too).
"""

from django.utils.translation import gettext_lazy as _
from psycopg import sql
from wagtail.models import Locale

from ..languages import name_columns, name_param_sql, translated_name_sql
from ..models import Dataset, Municipality, Route, RouteStop, Theme
from ..public import public_place_sql
from . import filters as f
from . import parameters as p
from .kinds import ATTRIBUTION, GRID_DEG, PLACE_LICENCE_SQL, RECORD_IDENTITY, UPDATED, Column, Download, Kind

_ROUTE, _MUNICIPALITY, _DATASET = Route._meta.db_table, Municipality._meta.db_table, Dataset._meta.db_table
_THEME, _STOP, _LOCALE = Theme._meta.db_table, RouteStop._meta.db_table, Locale._meta.db_table
_CROSSES = Route.municipalities.through._meta.db_table  # (route_id, municipality_id): every municipality it crosses
PUBLIC_ROUTE_SQL = public_place_sql("r")

THEME = p.Parameter(
    "theme",
    "Only routes of these themes (comma-separated identifiers, e.g. byzantine,literature).",
    {"type": "array", "items": {"type": "string", "pattern": p.SLUG.pattern}},
    p.parse_slugs("theme"),
    explode=False,
)

# the stored line as published: on the output grid; one part a LineString, several a MultiLineString
ROUTE_GEOMETRY_SQL = (
    "(SELECT CASE WHEN ST_NumGeometries(g) = 1 THEN ST_GeometryN(g, 1) ELSE g END"  # noqa: S608  (our constants)
    f" FROM ST_SnapToGrid(r.geometry, {GRID_DEG}) g)"
)
# a route belongs to every municipality it crosses (gis.Route.municipalities)
CROSSES_SQL = f"EXISTS (SELECT 1 FROM {_CROSSES} x WHERE x.route_id = r.id AND x.municipality_id = %(municipality)s)"  # noqa: S608

ROUTES = Kind(
    name="routes",
    title=_("Routes"),
    description=_(
        "Themed routes published by the municipalities: a line with ordered stops, its geodesic length in metres, "
        "walking time and ascent. A route is listed in every municipality it crosses."
    ),
    table=_ROUTE,
    from_sql=sql.SQL(
        """
        FROM {route} r
        JOIN {municipality} m ON m.id = r.municipality_id
        LEFT JOIN {theme} th ON th.id = r.theme_id
        LEFT JOIN {dataset} d ON d.id = r.dataset_id"""
    ).format(
        route=sql.Identifier(_ROUTE),
        municipality=sql.Identifier(_MUNICIPALITY),
        theme=sql.Identifier(_THEME),
        dataset=sql.Identifier(_DATASET),
    ),
    **RECORD_IDENTITY,
    where_sql=sql.SQL(PUBLIC_ROUTE_SQL),
    id_description=_("Stable identifier of the route (UUID), the same in every language."),
    geometry_description=_(
        "The line in degrees (WGS 84): a LineString, or a MultiLineString whose parts are walked in order; wkt "
        "column in CSV."
    ),
    geometry_sql=ROUTE_GEOMETRY_SQL,
    geometry_types=("LineString", "MultiLineString"),
    municipality_sql=CROSSES_SQL,
    bbox_column="geometry",
    filters=[
        f.changed_filter(p.DATETIME, column="updated_at"),
        f.vocabulary_filter(THEME, relation=Route._meta.get_field("theme")),
    ],
    datasets_sql=f"SELECT DISTINCT r.dataset_id FROM {_ROUTE} r WHERE {PUBLIC_ROUTE_SQL}"  # noqa: S608
    f" AND (%(municipality)s::bigint IS NULL OR {CROSSES_SQL})",
    page_type="content.RoutePage",
    more_downloads=(
        Download("gpx", "application/gpx+xml", _("Download as GPX"), writer="gis.route_formats.routes_gpx_chunks"),
    ),
    columns=[
        Column(
            "name",
            name_param_sql(columns=name_columns("r")),
            "string",
            _("Name of the route in the chosen language (Greek when it has no name in that language)."),
        ),
        Column("name_el", "r.name_el", "string", _("Name in Greek.")),
        Column("name_en", "NULLIF(r.name_en, '')", "string", _("Name in English.")),
        Column(
            "theme", "th.slug", "string", _("Identifier of the route's theme (stable across languages)."), filter=THEME
        ),
        Column(
            "theme_name",
            f"COALESCE({translated_name_sql(table=_THEME, locale_table=_LOCALE, key_sql='th.translation_key')},"
            " th.name)",
            "string",
            _("Name of the theme in the language."),
        ),
        Column("mode", "r.mode", "string", _("How the route is travelled: walk, bike, car or boat.")),
        Column("circular", "r.circular", "boolean", _("Whether the route ends where it starts.")),
        Column("length_m", "r.length_m", "number", _("Length along the Earth's surface (geodesic), in metres.")),
        Column("duration_min", "r.duration_min", "integer", _("Time it takes in its mode, in minutes.")),
        Column("ascent_m", "r.ascent_m", "number", _("Total ascent from the elevation profile, in metres.")),
        Column("descent_m", "r.descent_m", "number", _("Total descent from the elevation profile, in metres.")),
        Column(
            "difficulty",
            "NULLIF(COALESCE(NULLIF(r.difficulty, ''), r.suggested_difficulty), '')",
            "string",
            _("easy, moderate or hard: the editor's, else the one suggested from the length and the ascent."),
        ),
        Column(
            "step_free",
            "NULLIF(r.step_free, '')",
            "string",
            _("Physical access: yes, partly or no (empty when unknown)."),
        ),
        Column(
            "seasons",
            "r.seasons::text[]",
            "array",
            _("Best seasons: spring, summer, autumn, winter (in CSV and GeoPackage separated by ';')."),
        ),
        Column(
            "municipalities",
            f"ARRAY(SELECT xm.slug FROM {_CROSSES} x JOIN {_MUNICIPALITY} xm ON xm.id = x.municipality_id"  # noqa: S608
            " WHERE x.route_id = r.id ORDER BY xm.slug)",
            "array",
            _("Identifiers of every municipality the route crosses (in CSV and GeoPackage separated by ';')."),
        ),
        Column(
            "stops",
            f"(SELECT count(*) FROM {_STOP} s WHERE s.route_id = r.id)::integer",  # noqa: S608
            "integer",
            _("Number of stops along the route."),
        ),
        Column("dataset", "d.slug", "string", _("Identifier of the source dataset the record was imported from.")),
        Column("source_id", "NULLIF(r.source_id, '')", "string", _("The record's id in its source dataset.")),
        Column(
            "licence",
            PLACE_LICENCE_SQL,
            "string",
            _(
                "Licence of the record: its source dataset's when it was imported from one, else the licence of "
                "the municipality that keeps it."
            ),
        ),
        ATTRIBUTION,
        UPDATED,
    ],
)
