"""Archive items with a location in the open-data API: the ``archive`` collection and one per municipality (OGC API
- Features, downloads, data page), declared once.

Registered from GisConfig.ready. Geometry is EPSG:4326 (CRS84 axis order): an item located at a point is a Point,
one located by an area a MultiPolygon (repaired and wound as every area, ``kinds.area_sql``). Items without a
location are no features: they are in the archive pages and the OAI-PMH provider, not here. An item is public by
the archive's rule (gis.public: in a municipality, not withdrawn; ``ArchiveItem.objects.public()`` applies it too).
Its date is the text as written and, when understood, an interval of days (``date_from``–``date_to``,
gis.archive_dates); ``datetime`` selects the items dated at some day of its interval.
"""

from dataclasses import replace

from django.utils.translation import gettext_lazy as _
from psycopg import sql

from ..languages import name_columns, name_param_sql
from ..models import ArchiveCollection, ArchiveItem, Dataset, Municipality, Place
from ..public import public_archive_item_sql, public_place_sql
from . import filters as f
from . import parameters as p
from .kinds import (
    ATTRIBUTION,
    GRID_DEG,
    PLACE_LICENCE_SQL,
    RECORD_IDENTITY,
    SOURCE_COLUMNS,
    UPDATED,
    Column,
    Kind,
    area_sql,
)

_ITEM, _MUNICIPALITY, _DATASET = ArchiveItem._meta.db_table, Municipality._meta.db_table, Dataset._meta.db_table
_COLLECTION, _PLACE = ArchiveCollection._meta.db_table, Place._meta.db_table
_IN_COLLECTION = ArchiveItem.collections.through._meta.db_table  # (archiveitem_id, archivecollection_id)
_AT_PLACE = ArchiveItem.places.through._meta.db_table  # (archiveitem_id, place_id)
# published and located: only these are features
PUBLIC_LOCATED_SQL = f"({public_archive_item_sql('r')} AND r.location IS NOT NULL)"

DATED = p.Parameter(
    "datetime",
    "Only items dated at some day of this instant or interval (RFC 3339 date or date-time; '..' for an open end): "
    "their interval date_from/date_to overlaps it; undated items are left out. From 1900 to 1920: "
    "1900-01-01/1920-12-31",
    {"type": "string"},
    p.parse_datetime,
    examples={"1900-1920": "1900-01-01/1920-12-31"},
)

# a point as it is, on the output grid; an area as every published area
ARCHIVE_GEOMETRY_SQL = (
    f"CASE WHEN GeometryType(r.location) = 'POINT' THEN ST_SnapToGrid(r.location, {GRID_DEG})"
    f" ELSE {area_sql('r.location')} END"
)
# the item's public page on its municipality's website (content's archive pages), in the language asked for
ARCHIVE_URL_SQL = (
    "COALESCE(%(site_roots)s::jsonb ->> r.municipality_id::text, '') || '/' || %(lang)s || '/archive/' || r.uid::text"
    " || '/'"
)

ARCHIVE = Kind(
    name="archive",
    title=_("Archive items"),
    description=_(
        "Items of the municipalities' digital archives (photographs, postcards, documents, maps, recordings) that "
        "have a location: a point, or an area as a multipolygon. Items without a location are not features of "
        "this collection; the archive pages and the OAI-PMH provider list every item."
    ),
    table=_ITEM,
    from_sql=sql.SQL(
        """
        FROM {item} r
        JOIN {municipality} m ON m.id = r.municipality_id
        LEFT JOIN {dataset} d ON d.id = r.dataset_id"""
    ).format(item=sql.Identifier(_ITEM), municipality=sql.Identifier(_MUNICIPALITY), dataset=sql.Identifier(_DATASET)),
    **RECORD_IDENTITY,
    where_sql=sql.SQL(PUBLIC_LOCATED_SQL),
    id_description=_("Stable identifier of the archive item (UUID), the same in every language."),
    geometry_description=_(
        "Location in degrees (WGS 84): a point, or an area (multipolygon, exterior rings counter-clockwise); wkt "
        "column in CSV."
    ),
    geometry_sql=ARCHIVE_GEOMETRY_SQL,
    geometry_types=("Point", "MultiPolygon"),
    municipality_column="municipality_id",
    bbox_column="location",
    filters=[f.dated_filter(DATED, start_column="date_from", end_column="date_to")],
    datasets_sql=f"SELECT DISTINCT r.dataset_id FROM {_ITEM} r WHERE {PUBLIC_LOCATED_SQL}"  # noqa: S608
    " AND (%(municipality)s::bigint IS NULL OR r.municipality_id = %(municipality)s)",
    columns=[
        Column(
            "title",
            name_param_sql(columns=name_columns("r")),
            "string",
            _("Title of the item in the chosen language (Greek when it has no title in that language)."),
        ),
        Column("date", "NULLIF(r.date_text, '')", "string", _("Date of the item as written, e.g. c. 1920, 1910s.")),
        Column(
            "date_from",
            "r.date_from",
            "date",
            _("First day the date can mean (ISO 8601), empty when the date is not understood."),
            filter=DATED,
        ),
        Column("date_to", "r.date_to", "date", _("Last day the date can mean (ISO 8601).")),
        Column(
            "type",
            "NULLIF(r.dc_type, '')",
            "string",
            _("Type of the item, a term of the DCMI Type vocabulary, e.g. StillImage."),
        ),
        Column(
            "rights",
            "NULLIF(r.rights, '')",
            "string",
            _("Rights statement of the item (Creative Commons or RightsStatements.org URI)."),
        ),
        Column("url", ARCHIVE_URL_SQL, "string", _("Address of the item's page on its municipality's website.")),
        Column(
            "collections",
            f"ARRAY(SELECT cm.slug || ':' || c.slug FROM {_IN_COLLECTION} ic"  # noqa: S608  (our constants)
            f" JOIN {_COLLECTION} c ON c.id = ic.archivecollection_id"
            f" JOIN {_MUNICIPALITY} cm ON cm.id = c.municipality_id"
            " WHERE ic.archiveitem_id = r.id ORDER BY 1)",
            "array",
            _("The collections the item is in, by their OAI-PMH set (in CSV and GeoPackage separated by ';')."),
        ),
        Column(
            "places",
            f"ARRAY(SELECT pl.uid::text FROM {_AT_PLACE} ap JOIN {_PLACE} pl ON pl.id = ap.place_id"  # noqa: S608
            f" WHERE ap.archiveitem_id = r.id AND {public_place_sql('pl')} ORDER BY 1)",
            "array",
            _("Identifiers of the published places the item shows (in CSV and GeoPackage separated by ';')."),
        ),
        Column("municipality", "m.slug", "string", _("Identifier of the municipality that publishes the item.")),
        *SOURCE_COLUMNS,
        Column(
            "licence",
            PLACE_LICENCE_SQL,
            "string",
            _(
                "Licence of the record's metadata: its source dataset's when it was imported from one, else the "
                "licence of the municipality that publishes it (the item's own rights are in rights)."
            ),
        ),
        ATTRIBUTION,
        replace(UPDATED, filter=None),  # datetime filters the items' dates here
    ],
)
