"""What a collection holds, per kind of record: its fields (documented once, for the data page, the OpenAPI schema
and every format) and the SQL that reads them. Geometry is EPSG:4326 (CRS84 axis order: longitude, latitude).

Kinds: places and municipal boundaries here; protected areas registered by the importers app (``kind_register``).
Routes and archive items with a location join the same way, as new ``Kind`` objects (a FROM clause, filters and
columns); the views, formats and OpenAPI need no change.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from ..languages import name_columns, name_param_sql, translated_name_sql, translated_rows_sql
from ..models import Category, Dataset, Municipality, Period, Place, PlaceText
from ..public import public_name_sql, public_place_sql
from . import parameters as p
from .parameters import Interval

DECIMALS = 7  # about 1 cm at Greek latitudes
GRID_DEG = 10**-DECIMALS


@dataclass(frozen=True)
class Column:
    """A property of every feature: name, SQL expression (per row, over the kind's FROM clause), JSON Schema type,
    description. ``flat_sql`` is the value for CSV and GeoPackage when it differs (lists joined with ';')."""

    name: str
    sql: str
    type: str  # JSON Schema: string, array (of strings); "date-time" is a string with that format
    description: str
    flat_sql: str | None = None

    def schema(self) -> dict:
        """The JSON Schema of this property (nullable unless it is an identifier)."""
        if self.type == "array":
            return {"type": "array", "items": {"type": "string"}, "description": str(self.description)}
        spec = {"type": "string", "nullable": True, "description": str(self.description)}
        if self.type == "date-time":
            spec["format"] = "date-time"
        return spec


@dataclass(frozen=True)
class Kind:
    """A kind of record served as features: how to read it, filter it and describe it."""

    name: str
    title: str
    description: str
    table: str  # the records' table (integer primary key ``id``)
    from_sql: str  # FROM ... WHERE ... over alias ``r`` (the record), with %(lang)s available; "{periods}" marks
    # where the periods' join goes (PERIOD_JOINS, by how many rows are read)
    count_from_sql: str  # the same rows without the joins only properties need (for numberMatched)
    id_sql: str  # the feature's stable id (text)
    geometry_sql: str  # the geometry as published: valid, at DECIMALS, RFC 7946 winding
    geometry_type: str  # OGR/GeoPackage geometry type
    order_sql: str
    columns: list[Column]
    filters: list[p.Parameter] = field(default_factory=list)
    updated_sql: str | None = None  # when a record last changed (for datetime, Last-Modified)
    municipality_sql: str = "r.municipality_id"
    bbox_sql: str = "r.location"  # the stored geometry that bbox filters (GiST-indexed)
    id_pattern: str = ".+"
    # what ``id`` and the geometry are, for the data page (each kind says its own: no ``if kind == ...``)
    id_description: str = ""
    geometry_description: str = ""
    # the licence of each record (over r, m, d), and the FROM/WHERE clause with just the joins that needs
    licence_sql: str = "m.licence"
    licence_from_sql: str = ""
    # records that are not the municipalities' own (e.g. protected areas): their licence is their source dataset's,
    # and this SQL lists the ids of the datasets of the published records
    datasets_sql: str | None = None

    def where(self, *, municipality: Municipality | None, values: dict) -> tuple[str, dict]:
        """Extra WHERE clauses for the parsed filter ``values`` (bbox in CRS84 degrees), with named parameters."""
        clauses, params = [], {}
        if municipality is not None:
            clauses.append(f"{self.municipality_sql} = %(municipality)s")
            params["municipality"] = municipality.pk
        bbox = values.get("bbox")
        if bbox:
            west, south, east, north = bbox
            boxes = [(west, east)] if west <= east else [(west, 180.0), (-180.0, east)]  # across the antimeridian
            parts = []
            for index, (low, high) in enumerate(boxes):
                params.update({f"w{index}": low, f"e{index}": high, "s": south, "n": north})
                envelope = f"ST_MakeEnvelope(%(w{index})s, %(s)s, %(e{index})s, %(n)s, 4326)"
                parts.append(f"ST_Intersects({self.bbox_sql}, {envelope})")
            clauses.append("(" + " OR ".join(parts) + ")")
        interval: Interval | None = values.get("datetime")
        if interval is not None and self.updated_sql:
            if interval.start:
                clauses.append(f"{self.updated_sql} >= %(since)s")
                params["since"] = interval.start
            if interval.end:
                clauses.append(f"{self.updated_sql} <= %(until)s")
                params["until"] = interval.end
        if values.get("category"):
            clauses.append(
                f"r.category_id IN (SELECT id FROM {Category._meta.db_table} WHERE slug = ANY(%(category)s))"  # noqa: S608
            )
            params["category"] = values["category"]
        if values.get("period"):
            through, period = Place.periods.through._meta.db_table, Period._meta.db_table
            clauses.append(
                f"EXISTS (SELECT 1 FROM {through} pp JOIN {period} pe ON pe.id = pp.period_id"  # noqa: S608
                " WHERE pp.place_id = r.id AND pe.slug = ANY(%(period)s))"  # noqa: S608
            )
            params["period"] = values["period"]
        return "".join(f" AND {clause}" for clause in clauses), params

    def from_clause(self, mode: str = "page") -> str:
        """The FROM/WHERE clause for reading one page ("page"), a whole table ("table") or a block of ids ("block")."""
        return self.from_sql.replace("{periods}", PERIOD_JOINS[mode])

    def licence_from(self) -> str:
        """The FROM/WHERE clause that ``licence_sql`` is read over (the whole ``from_sql`` unless a lighter one is
        given)."""
        return self.licence_from_sql or self.from_clause("table")

    def flat_columns(self) -> list[tuple[str, str]]:
        """(name, SQL) of the CSV/GeoPackage columns, after the id."""
        return [(column.name, column.flat_sql or column.sql) for column in self.columns]


_PLACE, _TEXT, _MUNICIPALITY = Place._meta.db_table, PlaceText._meta.db_table, Municipality._meta.db_table
_CATEGORY, _PERIOD, _DATASET = Category._meta.db_table, Period._meta.db_table, Dataset._meta.db_table
_THROUGH, _LOCALE = Place.periods.through._meta.db_table, Locale._meta.db_table
# names and vocabulary labels in %(lang)s by its fallback order (gis.languages.language_params)
_LOCAL_NAME = name_param_sql(columns=name_columns("m"))
_PERIOD_NAME = translated_name_sql(table=_PERIOD, locale_table=_LOCALE, key_sql="pe.translation_key")
_PERIOD_ROWS = f"""
            SELECT pp.place_id, array_agg(pe.slug ORDER BY pe.sort_order, pe.slug) AS slugs,
                   array_agg(COALESCE({_PERIOD_NAME}, pe.name) ORDER BY pe.sort_order, pe.slug) AS names
            FROM {_THROUGH} pp JOIN {_PERIOD} pe ON pe.id = pp.period_id"""  # noqa: S608
PERIOD_JOINS = {
    # a page: aggregate each place's periods as it is read (index look-ups)
    "page": f"LEFT JOIN LATERAL ({_PERIOD_ROWS} WHERE pp.place_id = r.id GROUP BY pp.place_id) per ON true",
    # a whole table: one hash aggregate
    "table": f"LEFT JOIN ({_PERIOD_ROWS} GROUP BY pp.place_id) per ON per.place_id = r.id",
    # a block of ids (see queries.features_stream): the block's periods only
    "block": f"LEFT JOIN ({_PERIOD_ROWS} WHERE pp.place_id >= b.lo AND pp.place_id < b.lo + %(block)s"
    " GROUP BY pp.place_id) per ON per.place_id = r.id",
    # a range of ids given as parameters (see feature_cache.feature_cache_fill)
    "range": f"LEFT JOIN ({_PERIOD_ROWS} WHERE pp.place_id >= %(lo)s AND pp.place_id < %(lo)s + %(block)s"
    " GROUP BY pp.place_id) per ON per.place_id = r.id",
}
_UTC = """to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""
# columns that several kinds share (the record's alias is r, its dataset's d)
UPDATED = Column("updated", _UTC.format("r.updated_at"), "date-time", _("When the record last changed (UTC)."))
ATTRIBUTION = Column("attribution", "d.attribution", "string", _("Attribution the source dataset asks for."))


# A record's licence: its source dataset's (e.g. CC BY 3.0 for Pleiades), which the municipality cannot relicense,
# else the municipality's own (CC BY 4.0 by default).
PLACE_LICENCE_SQL = "COALESCE(NULLIF(d.licence, ''), m.licence)"
# A page's address on the website of the municipality that owns the place, whichever host the API was asked on:
# %(site_roots)s maps municipality ids to their site's root URL (``site_roots``); a URL already absolute stays.
PLACE_URL_SQL = (
    "CASE WHEN left(t.url, 1) = '/' THEN COALESCE(%(site_roots)s::jsonb ->> r.municipality_id::text, '') || t.url "
    "ELSE NULLIF(t.url, '') END"
)


def area_sql(column: str) -> str:
    """A stored (multi)polygon as published: snapped to the output grid, then repaired (snapping can make rings
    touch), then a MultiPolygon with RFC 7946 winding."""
    return (
        f"ST_ForcePolygonCCW(ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_ReducePrecision({column}, {GRID_DEG})), 3)))"
    )


PLACES = Kind(
    name="places",
    table=_PLACE,
    title=_("Places"),
    description=_("Cultural heritage places published by the municipalities: one point per real-world place."),
    from_sql=f"""
        FROM {_PLACE} r
        JOIN {_MUNICIPALITY} m ON m.id = r.municipality_id
        LEFT JOIN {_TEXT} t ON t.place_id = r.id AND t.language = %(lang)s
        LEFT JOIN {_CATEGORY} c ON c.id = r.category_id
        LEFT JOIN {translated_rows_sql(table=_CATEGORY, locale_table=_LOCALE)} cl
            ON cl.translation_key = c.translation_key
        LEFT JOIN {_DATASET} d ON d.id = r.dataset_id
        {{periods}}
        WHERE {public_place_sql("r")}""",  # noqa: S608 (table names are ours)
    count_from_sql=f"FROM {_PLACE} r WHERE {public_place_sql('r')}",  # noqa: S608
    id_sql="r.uid::text",
    id_description=_("Stable identifier of the place (UUID), the same in every language."),
    geometry_description=_("Location: longitude and latitude in degrees (WGS 84); lon and lat columns in CSV."),
    licence_sql=PLACE_LICENCE_SQL,
    licence_from_sql=f"""
        FROM {_PLACE} r JOIN {_MUNICIPALITY} m ON m.id = r.municipality_id
        LEFT JOIN {_DATASET} d ON d.id = r.dataset_id WHERE NOT r.withdrawn""",  # noqa: S608
    geometry_sql=f"ST_SnapToGrid(r.location, {GRID_DEG})",  # a point is always valid
    geometry_type="Point",
    order_sql="r.id",
    id_pattern="^[0-9a-fA-F-]{36}$",
    updated_sql="r.updated_at",
    filters=[p.DATETIME, p.CATEGORY, p.PERIOD],
    columns=[
        Column(
            "name",
            public_name_sql(place="r", text="t"),
            "string",
            _("Name of the place in the chosen language."),
        ),
        Column("summary", "NULLIF(t.summary, '')", "string", _("Short description from the place's page, if any.")),
        Column(
            "url",
            PLACE_URL_SQL,
            "string",
            _("Address of the place's page on its municipality's website, if it has one."),
        ),
        Column("category", "c.slug", "string", _("Identifier of the place's category (stable across languages).")),
        Column("category_name", "COALESCE(cl.name, c.name)", "string", _("Name of the category in the language.")),
        Column(
            "periods",
            "COALESCE(per.slugs, '{}')",
            "array",
            _("Identifiers of the historical periods (in CSV and GeoPackage separated by ';')."),
            flat_sql="array_to_string(per.slugs, ';')",
        ),
        Column(
            "period_names",
            "COALESCE(per.names, '{}')",
            "array",
            _("Names of the periods in the language."),
            flat_sql="array_to_string(per.names, ';')",
        ),
        Column("municipality", "m.slug", "string", _("Identifier of the municipality that publishes the place.")),
        Column("municipality_code", "m.code", "string", _("Kallikratis code of the municipality.")),
        Column("municipality_name", _LOCAL_NAME, "string", _("Name of the municipality in the language.")),
        Column(
            "step_free",
            "NULLIF(r.step_free, '')",
            "string",
            _("Physical access: yes, partly or no (empty when unknown)."),
        ),
        Column("wikidata", "NULLIF(r.wikidata, '')", "string", _("Wikidata item, e.g. Q131013.")),
        Column("pleiades", "NULLIF(r.pleiades, '')", "string", _("Pleiades gazetteer id.")),
        Column("dataset", "d.slug", "string", _("Identifier of the source dataset the record was imported from.")),
        Column("source_id", "NULLIF(r.source_id, '')", "string", _("The record's id in its source dataset.")),
        Column(
            "licence",
            PLACE_LICENCE_SQL,
            "string",
            _(
                "Licence of the record: its source dataset's when it was imported from one, else the licence of "
                "the municipality that publishes it."
            ),
        ),
        ATTRIBUTION,
        UPDATED,
    ],
)

BOUNDARIES = Kind(
    name="boundaries",
    table=_MUNICIPALITY,
    title=_("Municipal boundaries"),
    description=_("The boundary of each municipality (Kallikratis), as a multipolygon."),
    from_sql=f"FROM {_MUNICIPALITY} r JOIN {_MUNICIPALITY} m ON m.id = r.id WHERE true",  # noqa: S608
    count_from_sql=f"FROM {_MUNICIPALITY} r WHERE true",  # noqa: S608
    id_sql="r.code",
    id_description=_("Kallikratis code of the municipality."),
    geometry_description=_("Boundary in degrees (WGS 84), valid, exterior rings counter-clockwise; wkt column in CSV."),
    licence_sql="r.licence",
    geometry_sql=area_sql("r.boundary"),
    geometry_type="MultiPolygon",
    order_sql="r.code",
    municipality_sql="r.id",
    bbox_sql="r.boundary",
    columns=[
        Column("code", "r.code", "string", _("Kallikratis code of the municipality.")),
        Column("slug", "r.slug", "string", _("Identifier of the municipality in URLs and collection names.")),
        Column("name", _LOCAL_NAME, "string", _("Name of the municipality in the chosen language.")),
        Column("name_el", "r.name_el", "string", _("Name in Greek.")),
        Column("name_en", "NULLIF(r.name_en, '')", "string", _("Name in English.")),
        Column("source", "NULLIF(r.boundary_source, '')", "string", _("Where the boundary comes from.")),
        Column("licence", "r.licence", "string", _("Licence of the published data (the municipality's).")),
    ],
)

KINDS = {kind.name: kind for kind in (PLACES, BOUNDARIES)}


def kind_register(kind: Kind) -> None:
    """Publish another kind of record (an app that depends on gis calls this from its AppConfig.ready)."""
    KINDS[kind.name] = kind
