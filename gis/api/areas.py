"""Protected areas in the open-data API: the ``areas`` collection (OGC API - Features, downloads, data page).

Registered from GisConfig.ready. Areas are not one municipality's records: their licence and attribution are their
source dataset's.
"""

from django.utils.translation import gettext_lazy as _
from psycopg import sql

from gis.api import parameters as p
from gis.api.filters import changed_filter
from gis.api.kinds import ATTRIBUTION, UPDATED, Column, Kind, area_sql
from gis.areas import AREA_NAME_SQL
from gis.models import Dataset, ProtectedArea

_AREA, _DATASET = ProtectedArea._meta.db_table, Dataset._meta.db_table

AREAS = Kind(
    name="areas",
    title=_("Protected areas"),
    description=_("Archaeological zones and other protected areas, as imported from their source datasets."),
    table=_AREA,
    from_sql=sql.SQL("FROM {area} r JOIN {dataset} d ON d.id = r.dataset_id").format(
        area=sql.Identifier(_AREA), dataset=sql.Identifier(_DATASET)
    ),
    where_sql=sql.SQL("NOT r.withdrawn"),
    id_sql="r.id::text",
    # the area's number in Xenagos: a re-import of its dataset updates the area it matches on (dataset, source_id)
    # and keeps this number; the id the source gives it is source_id
    id_description=_(
        "Xenagos' number for the area, kept when its dataset is imported again (the area's id in its source "
        "dataset is source_id)."
    ),
    geometry_description=_("Area in degrees (WGS 84), valid, exterior rings counter-clockwise; wkt column in CSV."),
    licence_sql="d.licence",
    geometry_sql=area_sql("r.geometry"),
    geometry_types=("MultiPolygon",),
    order_sql="r.id",
    bbox_column="geometry",
    id_pattern="^[0-9]+$",
    updated_sql="r.updated_at",
    filters=[changed_filter(p.DATETIME, column="updated_at")],
    municipal_licence=False,
    datasets_sql=f"SELECT DISTINCT dataset_id FROM {_AREA} WHERE NOT withdrawn",  # noqa: S608
    columns=[
        Column(
            "name",
            AREA_NAME_SQL,
            "string",
            _("Name of the area in the chosen language (Greek when it has no English name)."),
        ),
        Column("name_el", "r.name_el", "string", _("Name in Greek.")),
        Column("name_en", "NULLIF(r.name_en, '')", "string", _("Name in English.")),
        Column("kind", "NULLIF(r.kind, '')", "string", _("Kind of area as the source names it, e.g. zone A.")),
        Column("dataset", "d.slug", "string", _("Identifier of the source dataset the area was imported from.")),
        Column("source_id", "r.source_id", "string", _("The area's id in its source dataset.")),
        Column("licence", "d.licence", "string", _("Licence of the source dataset.")),
        ATTRIBUTION,
        UPDATED,
    ],
)
