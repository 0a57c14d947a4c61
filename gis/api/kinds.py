"""What a collection holds, per kind of record, declared once: its model's table, geometry types, public columns
with JSON types (documented once, for the data page, the OpenAPI schema and every format) and the stored columns
each reads, its filters, its text table, its page type and, if its features are cached, how the cache is kept true.
Geometry is EPSG:4326 (CRS84 axis order: longitude, latitude).

Kinds: places and municipal boundaries here; protected areas registered by the importers app (``kind_register``).
Routes and archive items with a location join the same way, as new ``Kind`` objects; the OGC API collection and its
OpenAPI schema and queryables, the downloads, the data page, per-municipality collections and the cache's triggers
come from the declaration (see README, "Adding a kind of record").
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from psycopg import sql
from wagtail.models import Locale

from ..languages import name_columns, name_param_sql, translated_name_sql
from ..models import Category, Dataset, Municipality, Period, Place, PlaceFeature, PlaceText
from ..public import public_name_sql, public_place_sql
from . import filters as f
from . import parameters as p
from .joins import Reach, VocabularyList

DECIMALS = 7  # about 1 cm at Greek latitudes
GRID_DEG = 10**-DECIMALS

JsonType = Literal["string", "integer", "number", "boolean", "array", "date", "date-time"]
GeometryType = Literal["Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon"]
Text = str | Promise  # a plain or lazily translated string
Reads = Mapping[str, tuple[str, ...]]  # stored table -> the columns of it that a value is computed from
_UTC = """to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""
# JSON Schema of each JSON type (before nullable/description)
_SCHEMAS: dict[str, dict] = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "date-time": {"type": "string", "format": "date-time"},
    "array": {"type": "array", "items": {"type": "string"}},
}


@dataclass(frozen=True)
class Column:
    """A property of every feature: name, SQL of its stored value (per row, over the kind's FROM clause), JSON type,
    description, and the stored columns it reads (``reads``, for the invalidation of cached features).

    ``sql`` is the value itself: a text[] for "array", a timestamptz for "date-time", a date for "date", a number
    for "integer" and "number". Each format derives its own form from it (``json_sql``, ``text_sql``,
    ``native_sql``), so a column is declared once. ``filter`` is the query parameter that filters on this column,
    if any (its queryable)."""

    name: str
    sql: str
    type: JsonType
    description: Text
    reads: Reads | None = None  # None: not declared (a kind with a cache refuses that, see cache_triggers)
    filter: p.Parameter | None = None

    def schema(self) -> dict:
        """The JSON Schema of this property (nullable unless it is a list, which is empty rather than null)."""
        spec = dict(_SCHEMAS[self.type])
        if self.type != "array":
            spec["nullable"] = True
        spec["description"] = str(self.description)
        return spec

    def json_sql(self) -> str:
        """SQL of the value in GeoJSON properties: date-times as RFC 3339 UTC text, dates as ISO 8601 text
        (YYYY-MM-DD), lists never null."""
        if self.type == "date-time":
            return _UTC.format(self.sql)
        if self.type == "date":
            return f"to_char({self.sql}, 'YYYY-MM-DD')"
        if self.type == "array":
            return f"COALESCE({self.sql}, '{{}}')"
        return self.sql

    def text_sql(self) -> str:
        """SQL of the value as CSV text: lists joined with ';', booleans true/false, numbers as PostgreSQL writes
        them (the shortest text that reads back as the same number, as in GeoJSON)."""
        if self.type == "array":
            return f"array_to_string({self.sql}, ';')"
        if self.type in ("boolean", "number", "integer"):
            return f"({self.sql})::text"
        return self.json_sql()

    def native_sql(self) -> str:
        """SQL of the value for a typed field (GeoPackage): date-times as UTC timestamps, dates and lists as text
        (ISO 8601; lists joined with ';')."""
        if self.type == "date-time":
            return f"({self.sql}) AT TIME ZONE 'UTC'"
        if self.type in ("array", "date"):
            return self.text_sql()
        return self.sql


@dataclass(frozen=True)
class Watch:
    """A stored table whose changes make cached features stale, and how to find them.

    ``by``: the column of this table holding the record's id; then every INSERT/UPDATE/DELETE in ``events``
    forgets those records' features, whatever columns it changed (the record's own rows: its table, its texts, its
    relations). Else ``forget`` is the DELETE run after each statement in ``events`` over ``changed``: for an UPDATE
    the updated rows whose read columns (those the kind's columns declare in ``reads``) differ from before, for an
    INSERT the new rows, for a DELETE the deleted ones. It is a ``psycopg.sql`` template:
    ``{cache}``, ``{table}`` (this one) and ``{records}`` (the kind's) are filled in as identifiers, and so is
    each name in ``identifiers``."""

    name: str  # names the trigger (placefeature_<name>_<event>) and function (xgis_placefeature_forget_<name>)
    table: str
    by: str | None = None
    events: tuple[str, ...] = ("UPDATE",)
    forget: str = ""
    identifiers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FeatureCache:
    """Cached features of a kind (e.g. gis.PlaceFeature for places): the table (record id, language, municipality
    id, feature text) and the tables whose changes make them stale. A kind opts in by declaring one; its triggers
    are generated from the kind's columns' ``reads`` (gis/api/cache_triggers.py)."""

    table: str
    record_column: str  # the cache's column holding the record's id
    watches: tuple[Watch, ...]


@dataclass(frozen=True)
class Download:
    """A bulk download format a kind offers beside GeoJSON, CSV and GeoPackage (e.g. GPX for routes): its format
    name (also the file extension), media type, link title and the dotted path of its writer, a function
    ``(*, collection, values, language, meta) -> Iterator[bytes]`` (a path, so that the kind's module need not
    import the writer's)."""

    fmt: str
    media_type: str
    title: Text
    writer: str


@dataclass(frozen=True)
class Kind:
    """A kind of record served as features: what it is, how to read it, filter it and describe it."""

    name: str
    title: Text
    description: Text
    table: str  # the records' table (integer primary key ``id``), read under the alias ``r``
    # FROM the table as ``r`` and the JOINs its columns read (%(lang)s available), composed with psycopg.sql
    from_sql: sql.Composable
    id_sql: str  # the feature's stable id (text)
    order_sql: str
    columns: list[Column]
    # the geometry types its features may have (GeoJSON names); none for records without a location
    geometry_types: tuple[GeometryType, ...] = ()
    geometry_sql: str | None = None  # the geometry as published: valid, at DECIMALS, RFC 7946 winding
    geometry_z: bool = False  # coordinates carry a height (metres)
    # the query parameters that narrow the records, each with its SQL condition (gis.api.filters)
    filters: list[f.Filter] = field(default_factory=list)
    # which records are published (a condition over ``r`` alone), e.g. gis.public's rule for places
    where_sql: sql.Composable = field(default_factory=lambda: sql.SQL("true"))
    # per-record lists of related rows the columns read (a place's periods), joined as suits the read's reach
    lists: tuple[VocabularyList, ...] = ()
    updated_sql: str | None = None  # when a record last changed (for Last-Modified)
    # the record's column with its municipality's id, if records have one: such a kind also gets a collection per
    # municipality (``<name>-<municipality slug>``)
    municipality_column: str | None = None
    # or, for records that belong to several municipalities (a route crosses each of them), the condition over
    # ``r`` that a record belongs to the municipality whose id is %(municipality)s; a kind gives one or the other
    municipality_sql: str | None = None
    bbox_column: str | None = None  # the stored geometry that bbox filters (GiST-indexed)
    id_pattern: str = ".+"
    # what ``id`` and the geometry are, for the data page (each kind says its own: no ``if kind == ...``)
    id_description: Text = ""
    geometry_description: Text = ""
    # the licence of each record (over r, m, d), and the FROM clause with just the joins that needs
    licence_sql: str = "m.licence"
    licence_from_sql: sql.Composable | None = None
    # whether records are the municipalities' own (their licence is the municipality's unless their source
    # dataset's); not so for e.g. protected areas, whose licence is always their source dataset's
    municipal_licence: bool = True
    # SQL listing the ids of the source datasets of the published records; %(municipality)s, if used, is the
    # municipality's id (NULL for all municipalities)
    datasets_sql: str | None = None
    text_table: str | None = None  # the table of the records' texts per language (e.g. gis.PlaceText)
    page_type: str | None = None  # the Wagtail page type that writes about a record ("app_label.Model"), if any
    cache: FeatureCache | None = None
    more_downloads: tuple[Download, ...] = ()  # formats of its bulk download beside GeoJSON, CSV and GeoPackage

    def __post_init__(self) -> None:
        if bool(self.geometry_types) != bool(self.geometry_sql):
            raise ValueError(f"kind {self.name}: geometry_types and geometry_sql go together")
        if self.municipality_column and self.municipality_sql:
            raise ValueError(f"kind {self.name}: municipality_column or municipality_sql, not both")
        for column in self.columns:
            if column.filter is not None and column.filter.name not in {each.name for each in self.filters}:
                raise ValueError(f"kind {self.name}: column {column.name} names a filter the kind does not accept")

    @property
    def has_geometry(self) -> bool:
        """Whether records have a location."""
        return bool(self.geometry_types)

    @property
    def per_municipality(self) -> bool:
        """Whether the kind also has one collection per municipality."""
        return self.municipality_column is not None or self.municipality_sql is not None

    def queryables(self) -> dict[str, dict]:
        """{query parameter: JSON Schema of one value it filters on}: the kind's filters on its columns (OGC API -
        Features Part 3 queryables)."""
        result = {}
        for column in self.columns:
            if column.filter is not None:
                spec = dict(_SCHEMAS["string" if column.type == "array" else column.type])
                result[column.filter.name] = {**spec, "description": str(column.description)}
        return result

    def narrowing(self, values: Mapping[str, Any], *, exact_bbox: bool = True) -> list[f.Clause]:
        """The conditions over ``r`` of the parsed filter ``values`` that are given: bbox (CRS84 degrees; see
        ``filters.bbox_intersects`` for ``exact_bbox``) and this kind's ``filters``."""
        clauses = []
        if values.get("bbox") and self.bbox_column:
            geometry, points = f.record_column(self.bbox_column), self.geometry_types == ("Point",)
            clauses.append(f.bbox_intersects(geometry=geometry, bbox=values["bbox"], points=points, exact=exact_bbox))
        return clauses + f.filtered(self.filters, values)

    def where(
        self, *, municipality: Municipality | None, values: Mapping[str, Any], exact_bbox: bool = True
    ) -> f.Clause:
        """The condition (for a WHERE clause, over ``r``) of the published records of ``municipality`` (all when
        None) that match the parsed filter ``values`` (``narrowing``), with its parameters."""
        clauses = [f.Clause(self.where_sql)]
        if municipality is not None and self.municipality_column:
            column = f.record_column(self.municipality_column)
            clauses.append(f.municipality_is(column=column, municipality_id=municipality.pk))
        elif municipality is not None and self.municipality_sql:
            clauses.append(f.Clause(sql.SQL(self.municipality_sql), {"municipality": municipality.pk}))
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

    def flat_columns(self, *, typed: bool = False) -> list[tuple[str, str]]:
        """(name, SQL) of the CSV columns (text), or with ``typed`` the GeoPackage fields, after the id."""
        return [(column.name, column.native_sql() if typed else column.text_sql()) for column in self.columns]

    def items_parameters(self) -> list[p.Parameter]:
        """The query parameters of its items (no bbox for records without a location)."""
        return self._spatial(p.items_parameters(self.filters))

    def download_parameters(self, *, fmt: str) -> list[p.Parameter]:
        """The query parameters of its bulk download in ``fmt``."""
        return self._spatial(p.download_parameters(self.filters, fmt=fmt))

    def _spatial(self, parameters: list[p.Parameter]) -> list[p.Parameter]:
        return parameters if self.has_geometry else [parameter for parameter in parameters if parameter is not p.BBOX]


_PLACE, _TEXT, _MUNICIPALITY = Place._meta.db_table, PlaceText._meta.db_table, Municipality._meta.db_table
_CATEGORY, _PERIOD, _DATASET = Category._meta.db_table, Period._meta.db_table, Dataset._meta.db_table
_THROUGH, _LOCALE = Place.periods.through._meta.db_table, Locale._meta.db_table
# names and vocabulary labels in %(lang)s by its fallback order (gis.languages.language_params)
_LOCAL_NAME = name_param_sql(columns=name_columns("m"))
_CACHE = PlaceFeature._meta.db_table
# columns that several kinds share (the record's alias is r, its dataset's d)
UPDATED = Column(
    "updated",
    "r.updated_at",
    "date-time",
    _("When the record last changed (UTC)."),
    filter=p.DATETIME,  # reads the record's own table: a kind with a cache says so (dataclasses.replace)
)
ATTRIBUTION = Column(
    "attribution",
    "d.attribution",
    "string",
    _("Attribution the source dataset asks for."),
    reads={_DATASET: ("attribution",)},
)


# A record's licence: its source dataset's (e.g. CC BY 3.0 for Pleiades), which the municipality cannot relicense,
# else the municipality's own (CC BY 4.0 by default).
PLACE_LICENCE_SQL = "COALESCE(NULLIF(d.licence, ''), m.licence)"
# A page's address on the website of the municipality that owns the place, whichever host the API was asked on:
# %(site_roots)s maps municipality ids to their site's root URL (``site_roots``); a URL already absolute stays.
PLACE_URL_SQL = (
    "CASE WHEN left(t.url, 1) = '/' THEN COALESCE(%(site_roots)s::jsonb ->> r.municipality_id::text, '') || t.url "
    "ELSE NULLIF(t.url, '') END"
)

# What the records of a kind with a stable UUID (places' shape: gis.models.Record) declare alike: the id, its
# pattern, the order, the time of last change and the licence (``Kind(**RECORD_IDENTITY, ...)``)
RECORD_IDENTITY: dict[str, Any] = {
    "id_sql": "r.uid::text",
    "id_pattern": "^[0-9a-fA-F-]{36}$",
    "order_sql": "r.id",
    "updated_sql": "r.updated_at",
    "licence_sql": PLACE_LICENCE_SQL,
}
# a record's source key (dataset slug and its id there), for kinds that keep no features cache (no ``reads``)
SOURCE_COLUMNS = (
    Column("dataset", "d.slug", "string", _("Identifier of the source dataset the record was imported from.")),
    Column("source_id", "NULLIF(r.source_id, '')", "string", _("The record's id in its source dataset.")),
)


def area_sql(column: str) -> str:
    """A stored (multi)polygon as published: snapped to the output grid, then repaired (snapping can make rings
    touch), then a MultiPolygon with RFC 7946 winding."""
    return (
        f"ST_ForcePolygonCCW(ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_ReducePrecision({column}, {GRID_DEG})), 3)))"
    )


# What a place's feature reads besides the place's own rows, and how a change there finds the features to forget
# (over ``changed``, the updated rows whose read columns differ; see Watch).
# a translation of a name is a row of its own (translation_key, locale): adding or deleting one changes the names
VOCABULARY_EVENTS = ("INSERT", "UPDATE", "DELETE")
_VOCABULARY_FORGET = (  # a category or period shows its slug and, per language through translation_key, its name
    "DELETE FROM {cache} c USING {links} r WHERE c.place_id = r.{link} AND r.{fk} IN ("
    "SELECT k.id FROM {table} k JOIN changed n ON n.translation_key = k.translation_key)"
)
PLACE_CACHE = FeatureCache(
    table=_CACHE,
    record_column="place_id",
    watches=(
        Watch("place", _PLACE, by="id", events=("UPDATE", "DELETE")),
        Watch("text", _TEXT, by="place_id", events=("INSERT", "UPDATE", "DELETE")),
        Watch("periods", _THROUGH, by="place_id", events=("INSERT", "DELETE")),
        Watch(
            "category",
            _CATEGORY,
            events=VOCABULARY_EVENTS,
            forget=_VOCABULARY_FORGET,
            identifiers={"links": _PLACE, "link": "id", "fk": "category_id"},
        ),
        Watch(
            "period",
            _PERIOD,
            events=VOCABULARY_EVENTS,
            forget=_VOCABULARY_FORGET,
            identifiers={"links": _THROUGH, "link": "place_id", "fk": "period_id"},
        ),
        Watch(
            "municipality", _MUNICIPALITY, forget="DELETE FROM {cache} c USING changed n WHERE c.municipality_id = n.id"
        ),
        Watch(
            "dataset",
            _DATASET,
            forget="DELETE FROM {cache} c USING {records} r, changed n WHERE c.place_id = r.id AND r.dataset_id = n.id",
        ),
        # names are chosen by language code: a locale that changes its code changes every feature's names
        Watch("locale", _LOCALE, forget="DELETE FROM {cache} WHERE EXISTS (SELECT 1 FROM changed)"),
    ),
)
_NAMED = ("name", "translation_key", "locale_id")  # a translatable vocabulary's name, found per language

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
        LEFT JOIN {dataset} d ON d.id = r.dataset_id"""
    ).format(
        place=sql.Identifier(_PLACE),
        municipality=sql.Identifier(_MUNICIPALITY),
        text=sql.Identifier(_TEXT),
        category=sql.Identifier(_CATEGORY),
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
    geometry_types=("Point",),
    order_sql="r.id",
    id_pattern="^[0-9a-fA-F-]{36}$",
    updated_sql="r.updated_at",
    municipality_column="municipality_id",
    bbox_column="location",
    filters=[
        f.changed_filter(p.DATETIME, column="updated_at"),
        f.vocabulary_filter(p.CATEGORY, relation=Place._meta.get_field("category")),
        f.vocabulary_filter(p.PERIOD, relation=Place._meta.get_field("periods")),
    ],
    datasets_sql=f"SELECT DISTINCT r.dataset_id FROM {_PLACE} r WHERE {public_place_sql('r')}"  # noqa: S608
    " AND (%(municipality)s::bigint IS NULL OR r.municipality_id = %(municipality)s)",
    text_table=_TEXT,
    page_type="content.PlacePage",
    cache=PLACE_CACHE,
    columns=[
        Column(
            "name",
            public_name_sql(place="r", text="t"),
            "string",
            _("Name of the place in the chosen language."),
            reads={_PLACE: ("name_el", "name_en"), _TEXT: ("name", "language")},
        ),
        Column(
            "summary",
            "NULLIF(t.summary, '')",
            "string",
            _("Short description from the place's page, if any."),
            reads={_TEXT: ("summary",)},
        ),
        Column(
            "url",
            PLACE_URL_SQL,
            "string",
            _("Address of the place's page on its municipality's website, if it has one."),
            # and the municipalities' website roots, which are not stored with the records: content forgets every
            # feature when a site's root changes (feature_cache_forget_all)
            reads={_TEXT: ("url",), _PLACE: ("municipality_id",)},
        ),
        Column(
            "category",
            "c.slug",
            "string",
            _("Identifier of the place's category (stable across languages)."),
            reads={_PLACE: ("category_id",), _CATEGORY: ("slug",)},
            filter=p.CATEGORY,
        ),
        Column(
            "category_name",
            # the names gathered once per query, then a JSON look-up per row (a derived table joined per record of
            # an items page sorted the vocabulary 100 times: 1,744 -> 1,645 buffers, about 11.5 -> 9 ms)
            f"COALESCE({translated_name_sql(table=_CATEGORY, locale_table=_LOCALE, key_sql='c.translation_key')},"
            " c.name)",
            "string",
            _("Name of the category in the language."),
            reads={_PLACE: ("category_id",), _CATEGORY: _NAMED, _LOCALE: ("language_code",)},
        ),
        Column(
            "periods",
            "per.slugs",
            "array",
            _("Identifiers of the historical periods (in CSV and GeoPackage separated by ';')."),
            reads={_THROUGH: ("place_id", "period_id"), _PERIOD: ("slug", "sort_order")},
            filter=p.PERIOD,
        ),
        Column(
            "period_names",
            "per.names",
            "array",
            _("Names of the periods in the language."),
            reads={
                _THROUGH: ("place_id", "period_id"),
                _PERIOD: ("slug", "sort_order", *_NAMED),
                _LOCALE: ("language_code",),
            },
        ),
        Column(
            "municipality",
            "m.slug",
            "string",
            _("Identifier of the municipality that publishes the place."),
            reads={_PLACE: ("municipality_id",), _MUNICIPALITY: ("slug",)},
        ),
        Column(
            "municipality_code",
            "m.code",
            "string",
            _("Kallikratis code of the municipality."),
            reads={_PLACE: ("municipality_id",), _MUNICIPALITY: ("code",)},
        ),
        Column(
            "municipality_name",
            _LOCAL_NAME,
            "string",
            _("Name of the municipality in the language."),
            reads={_PLACE: ("municipality_id",), _MUNICIPALITY: ("name_el", "name_en")},
        ),
        Column(
            "step_free",
            "NULLIF(r.step_free, '')",
            "string",
            _("Physical access: yes, partly or no (empty when unknown)."),
            reads={_PLACE: ("step_free",)},
        ),
        Column(
            "wikidata",
            "NULLIF(r.wikidata, '')",
            "string",
            _("Wikidata item, e.g. Q131013."),
            reads={_PLACE: ("wikidata",)},
        ),
        Column(
            "pleiades", "NULLIF(r.pleiades, '')", "string", _("Pleiades gazetteer id."), reads={_PLACE: ("pleiades",)}
        ),
        Column(
            "dataset",
            "d.slug",
            "string",
            _("Identifier of the source dataset the record was imported from."),
            reads={_PLACE: ("dataset_id",), _DATASET: ("slug",)},
        ),
        Column(
            "source_id",
            "NULLIF(r.source_id, '')",
            "string",
            _("The record's id in its source dataset."),
            reads={_PLACE: ("source_id",)},
        ),
        Column(
            "licence",
            PLACE_LICENCE_SQL,
            "string",
            _(
                "Licence of the record: its source dataset's when it was imported from one, else the licence of "
                "the municipality that publishes it."
            ),
            reads={_PLACE: ("dataset_id", "municipality_id"), _DATASET: ("licence",), _MUNICIPALITY: ("licence",)},
        ),
        ATTRIBUTION,
        replace(UPDATED, reads={_PLACE: ("updated_at",)}),
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
    geometry_types=("MultiPolygon",),
    order_sql="r.code",
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


def kind_unregister(kind: Kind) -> None:
    """Stop publishing ``kind`` (tests that declare a kind of their own)."""
    if KINDS.get(kind.name) is kind:
        del KINDS[kind.name]


@contextmanager
def kind_registered(kind: Kind) -> Iterator[Kind]:
    """Publish ``kind`` for the duration of a ``with`` block (tests)."""
    kind_register(kind)
    try:
        yield kind
    finally:
        kind_unregister(kind)
