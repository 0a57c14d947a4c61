"""What a collection holds, per kind of record: its fields (documented once, for the data page, the OpenAPI schema
and every format) and the SQL that reads them. Geometry is EPSG:4326 (CRS84 axis order: longitude, latitude).

Kinds: places and municipal boundaries here; protected areas registered by the importers app (``kind_register``).
Routes and archive items with a location join the same way, as new ``Kind`` objects (a FROM clause, filters and
columns); the views, formats and OpenAPI need no change.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from psycopg import sql

from ..models import Category, Dataset, Municipality, Place, PlaceText
from ..public import public_name_sql, public_place_sql
from . import filters as f
from . import parameters as p
from .joins import LOCALE_ID, Reach, VocabularyList

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
    table: str  # the records' table (integer primary key ``id``), read under the alias ``r``
    # FROM the table as ``r`` and the JOINs its columns read (%(lang)s available), composed with psycopg.sql
    from_sql: sql.Composable
    id_sql: str  # the feature's stable id (text)
    geometry_sql: str  # the geometry as published: valid, at DECIMALS, RFC 7946 winding
    geometry_type: str  # OGR/GeoPackage geometry type
    order_sql: str
    columns: list[Column]
    # the query parameters that narrow the records, each with its SQL condition (gis.api.filters)
    filters: list[f.Filter] = field(default_factory=list)
    # which records are published (a condition over ``r`` alone), e.g. gis.public's rule for places
    where_sql: sql.Composable = field(default_factory=lambda: sql.SQL("true"))
    # per-record lists of related rows the columns read (a place's periods), joined as suits the read's reach
    lists: tuple[VocabularyList, ...] = ()
    updated_sql: str | None = None  # when a record last changed (for Last-Modified)
    municipality_column: str = "municipality_id"  # the record's column with its municipality's id
    bbox_column: str = "location"  # the stored geometry that bbox filters (GiST-indexed)
    id_pattern: str = ".+"
    # what ``id`` and the geometry are, for the data page (each kind says its own: no ``if kind == ...``)
    id_description: str = ""
    geometry_description: str = ""
    # the licence of each record (over r, m, d), and the FROM clause with just the joins that needs
    licence_sql: str = "m.licence"
    licence_from_sql: sql.Composable | None = None
    # records that are not the municipalities' own (e.g. protected areas): their licence is their source dataset's,
    # and this SQL lists the ids of the datasets of the published records
    datasets_sql: str | None = None

    def narrowing(self, values: Mapping[str, Any], *, exact_bbox: bool = True) -> list[f.Clause]:
        """The conditions over ``r`` of the parsed filter ``values`` that are given: bbox (CRS84 degrees; see
        ``filters.bbox_intersects`` for ``exact_bbox``) and this kind's ``filters``."""
        clauses = []
        if values.get("bbox"):
            geometry, points = f.record_column(self.bbox_column), self.geometry_type == "Point"
            clauses.append(f.bbox_intersects(geometry=geometry, bbox=values["bbox"], points=points, exact=exact_bbox))
        return clauses + f.filtered(self.filters, values)

    def where(
        self, *, municipality: Municipality | None, values: Mapping[str, Any], exact_bbox: bool = True
    ) -> f.Clause:
        """The condition (for a WHERE clause, over ``r``) of the published records of ``municipality`` (all when
        None) that match the parsed filter ``values`` (``narrowing``), with its parameters."""
        clauses = [f.Clause(self.where_sql)]
        if municipality is not None:
            column = f.record_column(self.municipality_column)
            clauses.append(f.municipality_is(column=column, municipality_id=municipality.pk))
        return f.all_of([*clauses, *self.narrowing(values, exact_bbox=exact_bbox)])

    def from_clause(self, reach: Reach = "page") -> sql.Composed:
        """The FROM clause (with every join the columns read) for reading one page ("page"), a whole table
        ("table"), a block of ids ("block") or a range of ids ("range"); see ``joins.Reach``."""
        return sql.SQL(" ").join([self.from_sql, *(item.join(reach) for item in self.lists)])

    def count_from(self) -> sql.Composed:
        """The FROM clause of the records alone, without the joins only columns need (for counts)."""
        return sql.SQL("FROM {} {}").format(sql.Identifier(self.table), sql.Identifier(f.RECORD))

    def licence_from(self) -> sql.Composable:
        """The FROM clause that ``licence_sql`` is read over (the whole ``from_clause`` unless a lighter one is
        given)."""
        return self.licence_from_sql or self.from_clause("table")

    def flat_columns(self) -> list[tuple[str, str]]:
        """(name, SQL) of the CSV/GeoPackage columns, after the id."""
        return [(column.name, column.flat_sql or column.sql) for column in self.columns]


_PLACE, _TEXT, _MUNICIPALITY = Place._meta.db_table, PlaceText._meta.db_table, Municipality._meta.db_table
_CATEGORY, _DATASET = Category._meta.db_table, Dataset._meta.db_table
_LOCAL_NAME = "CASE WHEN %(lang)s = 'en' AND m.name_en <> '' THEN m.name_en ELSE m.name_el END"
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
    from_sql=sql.SQL(
        """
        FROM {place} r
        JOIN {municipality} m ON m.id = r.municipality_id
        LEFT JOIN {text} t ON t.place_id = r.id AND t.language = %(lang)s
        LEFT JOIN {category} c ON c.id = r.category_id
        LEFT JOIN {category} cl ON cl.translation_key = c.translation_key AND cl.locale_id = {locale}
        LEFT JOIN {dataset} d ON d.id = r.dataset_id"""
    ).format(
        place=sql.Identifier(_PLACE),
        municipality=sql.Identifier(_MUNICIPALITY),
        text=sql.Identifier(_TEXT),
        category=sql.Identifier(_CATEGORY),
        locale=LOCALE_ID,
        dataset=sql.Identifier(_DATASET),
    ),
    where_sql=sql.SQL(public_place_sql("r")),
    lists=(VocabularyList(Place._meta.get_field("periods"), alias="per"),),
    id_sql="r.uid::text",
    id_description=_("Stable identifier of the place (UUID), the same in every language."),
    geometry_description=_("Location: longitude and latitude in degrees (WGS 84); lon and lat columns in CSV."),
    licence_sql=PLACE_LICENCE_SQL,
    licence_from_sql=sql.SQL(
        "FROM {place} r JOIN {municipality} m ON m.id = r.municipality_id LEFT JOIN {dataset} d ON d.id = r.dataset_id"
    ).format(
        place=sql.Identifier(_PLACE), municipality=sql.Identifier(_MUNICIPALITY), dataset=sql.Identifier(_DATASET)
    ),
    geometry_sql=f"ST_SnapToGrid(r.location, {GRID_DEG})",  # a point is always valid
    geometry_type="Point",
    order_sql="r.id",
    id_pattern="^[0-9a-fA-F-]{36}$",
    updated_sql="r.updated_at",
    filters=[
        f.changed_filter(p.DATETIME, column="updated_at"),
        f.vocabulary_filter(p.CATEGORY, relation=Place._meta.get_field("category")),
        f.vocabulary_filter(p.PERIOD, relation=Place._meta.get_field("periods")),
    ],
    columns=[
        Column(
            "name",
            public_name_sql(place="r", text="t", language="%(lang)s"),
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
    from_sql=sql.SQL("FROM {municipality} r JOIN {municipality} m ON m.id = r.id").format(
        municipality=sql.Identifier(_MUNICIPALITY)
    ),
    id_sql="r.code",
    id_description=_("Kallikratis code of the municipality."),
    geometry_description=_("Boundary in degrees (WGS 84), valid, exterior rings counter-clockwise; wkt column in CSV."),
    licence_sql="r.licence",
    geometry_sql=area_sql("r.boundary"),
    geometry_type="MultiPolygon",
    order_sql="r.code",
    municipality_column="id",
    bbox_column="boundary",
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
