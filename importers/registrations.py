"""The importers' own targets: places, protected areas and municipality boundaries (see importers.targets).

Registered from ``ImportersConfig.ready``. The services, forms and readers are imported when a target is used,
not here: they load GDAL and pandas, which a web process only needs on the import screens.
"""

from functools import partial
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import ImportRun
from .targets import (
    LINE_TYPES,
    ImportJob,
    Inspection,
    InspectJob,
    MappingForm,
    MappingStep,
    ReaderOptions,
    ReportRow,
    Target,
    target_register,
)

if TYPE_CHECKING:
    from .report import ImportReport

AREAS_ONLY = ReaderOptions(geometry_types=frozenset({"Polygon", "MultiPolygon"}))


def _job_arguments(job: ImportJob, *, dry_run: bool) -> dict[str, Any]:
    """What every import service takes from the run's job: the file, dataset, who and where, reader options, the
    dry run flag, progress and the run itself."""
    return {
        "path": job.path,
        "dataset": job.dataset,
        "user": job.user,
        "municipality": job.municipality,
        "layer": job.layer,
        "srid": job.srid,
        "encoding": job.encoding,
        "dry_run": dry_run,
        "progress": job.progress,
        "display_name": job.display_name,
        "run": job.run,
    }


def _places(job: ImportJob, *, dry_run: bool) -> "ImportReport":
    from .mapping import Mapping
    from .services import places_import

    return places_import(**_job_arguments(job, dry_run=dry_run), mapping=Mapping.from_dict(job.mapping))


def _places_mapping(*, run: ImportRun, info: dict, data: Any) -> tuple[MappingForm, dict]:  # noqa: ANN401
    """The place mapping form: the run's mapping, else the dataset's stored one, else a guess from the file."""
    from gis.selectors import categories as category_vocabulary

    from .forms import MappingForm
    from .mapping import Mapping, mapping_guess
    from .selectors import mapping_for

    stored = (Mapping.from_dict(run.mapping) if run.mapping else None) or mapping_for(dataset=run.dataset)
    starting = stored or mapping_guess(info["fields"], rows=(run.source_preview or {}).get("rows", []))
    vocabulary = [(c.slug, c.name) for c in category_vocabulary(language="el")]
    form = MappingForm(
        data,
        initial=MappingForm.initial_from(starting),
        source_fields=info["fields"],
        categories=vocabulary,
        csv=info.get("format") == "CSV",
    )
    return form, {"vocabulary": vocabulary}


def _areas(job: ImportJob, *, dry_run: bool) -> "ImportReport":
    from .areas import areas_import
    from .mapping import AreaMapping

    mapping = AreaMapping.from_dict(job.mapping)
    return areas_import(
        **_job_arguments(job, dry_run=dry_run),
        id_field=mapping.fields.get("source_id", ""),
        name_field=mapping.fields.get("name_el", ""),
        name_en_field=mapping.fields.get("name_en", ""),
        kind_field=mapping.fields.get("kind", ""),
        invalid=mapping.invalid,
    )


def _areas_mapping(*, run: ImportRun, info: dict, data: Any) -> tuple[MappingForm, dict]:  # noqa: ANN401
    """The area mapping form: the run's mapping, else the last one of the dataset that fits the file, else a guess."""
    from .errors import MappingError
    from .forms import AreaMappingForm
    from .mapping import AreaMapping, area_mapping_guess
    from .selectors import area_mapping_for

    stored = None
    if run.mapping:
        try:
            stored = AreaMapping.from_dict(run.mapping)
        except MappingError:
            stored = None
    starting = (
        stored
        or area_mapping_for(dataset=run.dataset, source_fields=info["fields"])
        or area_mapping_guess(info["fields"])
    )
    form = AreaMappingForm(data, initial=AreaMappingForm.initial_from(starting), source_fields=info["fields"])
    return form, {}


def _boundaries(job: ImportJob, *, dry_run: bool) -> "ImportReport":
    from .areas import boundaries_import

    fields = (job.mapping or {}).get("fields", {})
    return boundaries_import(
        path=job.path,
        code_field=fields.get("source_id", ""),
        name_field=fields.get("name_el", ""),
        name_en_field=fields.get("name_en", ""),
        layer=job.layer,
        srid=job.srid,
        encoding=job.encoding,
        dry_run=dry_run,
    )


def _routes(job: ImportJob, *, dry_run: bool) -> "ImportReport":
    from .routes import routes_import

    arguments = _job_arguments(job, dry_run=dry_run)
    return routes_import(
        **arguments,
        fields=(job.mapping or {}).get("fields", {}),
        stops_within_m=(job.mapping or {}).get("stops_within_m"),
    )


def _routes_mapping(*, run: ImportRun, info: dict, data: Any) -> tuple[MappingForm, dict]:  # noqa: ANN401
    """The route mapping form: the run's mapping, else a guess from the file (a GPX file needs none)."""
    from .forms import RouteMappingForm
    from .mapping import AreaMapping, area_mapping_guess

    starting = AreaMapping.from_dict(run.mapping) if run.mapping else area_mapping_guess(info["fields"])
    initial = RouteMappingForm.initial_from(starting)
    form = RouteMappingForm(data, initial=initial, source_fields=info["fields"], gpx=info.get("format") == "GPX")
    return form, {}


def _archive(job: ImportJob, *, dry_run: bool) -> "ImportReport":
    from .archive import archive_import
    from .readers.archive_csv import CsvMapping

    options = job.mapping or {}
    csv = options.get("csv")
    return archive_import(
        path=job.path,
        dataset=job.dataset,
        municipality=job.municipality,
        format=options.get("format", ""),
        mapping=CsvMapping.from_dict(csv, shown=job.display_name) if csv else None,
        user=job.user,
        dry_run=dry_run,
        progress=job.progress,
        display_name=job.display_name,
        run=job.run,
    )


def _archive_inspect(job: InspectJob) -> Inspection:
    from .readers.archive_inspect import archive_inspect

    return archive_inspect(job)


def _archive_mapping(*, run: ImportRun, info: dict, data: Any) -> tuple[MappingForm, dict]:  # noqa: ANN401
    """The archive mapping form: an XML file's format; a CSV file's mapping (the run's, else the last import's of the
    dataset that fits the file's columns, else a guess from the column names and values)."""
    from .archive_forms import ArchiveMappingForm
    from .readers.archive_csv import csv_mapping_guess
    from .selectors import archive_mapping_for

    csv = info.get("archive_format") == "csv"
    columns = info.get("fields", []) if csv else []
    values = info.get("values", {})
    rules = run.mapping if run.mapping and bool(run.mapping.get("csv")) == csv else None
    rules = rules or archive_mapping_for(dataset=run.dataset, columns=columns)
    if rules is None and csv:
        rules = {"format": "csv", "csv": csv_mapping_guess(columns, values=values).to_dict()}
    initial = ArchiveMappingForm.initial_from(rules or {}, archive_format=info.get("archive_format", "dc"))
    form = ArchiveMappingForm(data, initial=initial, columns=columns, values=values, csv=csv)
    return form, {"values": values}


REJECTED = ReportRow("rejected", _("Rejected features"))
PLACES = Target(
    key=ImportRun.Kind.PLACES,
    label=_("places"),
    choice_label=_("places"),
    reader=ReaderOptions(),
    mapping=MappingStep(template="importers/mapping.html", build=_places_mapping),
    plan=partial(_places, dry_run=True),
    apply=partial(_places, dry_run=False),
    report_rows=(
        ReportRow("create", _("New places")),
        ReportRow("update", _("Updated places")),
        ReportRow("unchanged", _("Unchanged places")),
        ReportRow("withdraw", _("Withdrawn places (hidden, not deleted)")),
        ReportRow(
            "matched", _("New features that match an existing place by Wikidata or Pleiades id"), shown_when="matched"
        ),
        ReportRow("link", _("… linked to that place"), shown_when="matched"),
        ReportRow("skip", _("… skipped"), shown_when="matched"),
        REJECTED,
    ),
)
AREAS = Target(
    key=ImportRun.Kind.AREAS,
    label=_("protected areas"),
    choice_label=_("protected areas (e.g. archaeological zones)"),
    reader=AREAS_ONLY,
    mapping=MappingStep(template="importers/mapping_areas.html", build=_areas_mapping),
    plan=partial(_areas, dry_run=True),
    apply=partial(_areas, dry_run=False),
    report_rows=(
        ReportRow("create", _("New areas")),
        ReportRow("update", _("Updated areas")),
        ReportRow("unchanged", _("Unchanged areas")),
        ReportRow("withdraw", _("Withdrawn areas (hidden, not deleted)")),
        REJECTED,
    ),
)
BOUNDARIES = Target(
    key=ImportRun.Kind.BOUNDARIES,
    label=_("municipality boundaries"),
    reader=AREAS_ONLY,
    admin_refusal=_("municipality boundaries are imported from the command line (manage.py import_areas)"),
    plan=partial(_boundaries, dry_run=True),
    apply=partial(_boundaries, dry_run=False),
    report_rows=(
        ReportRow("create", _("New municipalities")),
        ReportRow("update", _("Updated municipalities")),
        ReportRow("unchanged", _("Unchanged municipalities")),
        REJECTED,
    ),
)
ROUTES = Target(
    key=ImportRun.Kind.ROUTES,
    label=pgettext_lazy("import target", "routes"),
    choice_label=_("routes (GPX tracks, or lines of a KML, GeoJSON or GeoPackage)"),
    reader=ReaderOptions(geometry_types=LINE_TYPES, z=True),
    mapping=MappingStep(template="importers/mapping_routes.html", build=_routes_mapping),
    plan=partial(_routes, dry_run=True),
    apply=partial(_routes, dry_run=False),
    report_rows=(
        ReportRow("create", _("New routes")),
        ReportRow("update", _("Updated routes")),
        ReportRow("unchanged", _("Unchanged routes")),
        ReportRow("withdraw", _("Withdrawn routes (hidden, not deleted)")),
        REJECTED,
    ),
)

ARCHIVE = Target(
    key=ImportRun.Kind.ARCHIVE,
    label=_("archive items"),
    choice_label=_("archive items (CSV, Dublin Core XML, EDM RDF/XML, or a zip of them)"),
    reader=ReaderOptions(),
    mapping=MappingStep(template="importers/mapping_archive.html", build=_archive_mapping),
    uploads=frozenset({".csv", ".xml", ".rdf", ".zip"}),
    zip_members=frozenset({".xml", ".rdf"}),
    inspect=_archive_inspect,
    source_template="importers/source_archive.html",
    plan=partial(_archive, dry_run=True),
    apply=partial(_archive, dry_run=False),
    report_rows=(
        ReportRow("create", _("New archive items")),
        ReportRow("update", _("Updated archive items")),
        ReportRow("unchanged", _("Unchanged archive items")),
        ReportRow("withdraw", _("Withdrawn archive items (hidden, not deleted)")),
        ReportRow("rejected", _("Rejected records")),
    ),
)


def targets_register() -> None:
    """Register places (the admin's default), protected areas, municipality boundaries, routes and archive items."""
    for target in (PLACES, AREAS, BOUNDARIES, ROUTES, ARCHIVE):
        target_register(target)
