"""Load areas the same way as places: archaeological zones into ProtectedArea, boundaries into gis.Municipality.

Same readers (any CRS, Greek encodings, repair or reject invalid geometry, Polygon -> MultiPolygon), same report,
all or nothing. Areas are few (hundreds), so they are written through the ORM.
"""

import json
import time
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from gis.models import Dataset, Municipality, ProtectedArea
from gis.selectors import municipalities_union
from gis.services import municipality_upsert, places_reassign_municipality

from .errors import MappingError
from .history import import_run_record
from .keys import source_id_refusal
from .mapping import AREA_TARGETS, AreaMapping, field_missing, field_unnamed
from .models import ImportRun
from .readers import source_open
from .records import text_values
from .report import ImportReport
from .services import import_scope
from .targets import Progress

WGS84 = 4326
SOURCE_ID_LENGTH: int = getattr(ProtectedArea._meta.get_field("source_id"), "max_length", None) or 200
PREVIEW_CHANGED, PREVIEW_UNCHANGED, PREVIEW_WITHDRAWN = 400, 100, 100  # areas on the report's map, as for places


def _area_records(source, *, fields: dict[str, str], report: ImportReport):
    """(feature number, values per target, MultiPolygon EWKB hex) of each usable area; the rest is rejected."""
    for target, name in fields.items():
        if name and name not in source.info.fields:
            listed = ", ".join(source.info.fields)
            raise MappingError(field_missing(target, listed), path=source.info.file, field=name)
    for batch in source.batches():
        columns = {target: text_values(batch.fields.get(name), len(batch)) for target, name in fields.items() if name}
        rejected = {problem.index: problem for problem in batch.rejected}
        for index in range(len(batch)):
            number = batch.start + index + 1
            values = {target: column[index] for target, column in columns.items()}
            if index in rejected:
                problem = rejected[index]
                report.reject(feature=number, field=problem.field, reason=problem.message, source_id=values["id"])
            elif batch.geometry.footprint[index] is None:
                reason = _("expected a polygon")
                report.reject(feature=number, field="geometry", reason=reason, source_id=values["id"])
            elif not values["id"] or not values["name"]:
                missing, reason = ("id", _("empty id")) if not values["id"] else ("name", _("empty name"))
                report.reject(feature=number, field=fields[missing], reason=reason, source_id=values["id"])
            else:
                yield number, values, batch.geometry.footprint[index]
        for problem in batch.geometry.notes:
            report.note(feature=batch.start + problem.index + 1, field=problem.field, reason=problem.message)


def _report(source, *, dataset: str, dry_run: bool) -> ImportReport:
    info = source.info
    return ImportReport(
        dataset=dataset,
        file=info.file,
        dry_run=dry_run,
        source=info.to_dict(),
        unit=source.unit,
        counts={"read": info.feature_count, "create": 0, "update": 0, "unchanged": 0, "withdraw": 0, "rejected": 0},
    )


@dataclass
class _Compare:
    """The state of comparing a file's areas with the dataset's: the stored areas by source id, the ids seen, the
    action per source id (and feature number) for the map, and the municipalities the user may write in."""

    existing: dict[str, ProtectedArea]
    allowed: Any
    id_field: str
    seen: set[str] = field(default_factory=set)
    actions: dict[str, tuple[str, int | None]] = field(default_factory=dict)


def _area_mapping(
    *, id_field: str, name_field: str, name_en_field: str, kind_field: str, invalid: str, shown
) -> tuple[dict[str, str], AreaMapping]:
    """Stage 1: the reader's fields per target (id and name required) and the mapping the report keeps."""
    fields = {"id": id_field, "name": name_field, "name_en": name_en_field, "kind": kind_field}
    for target in ("id", "name"):
        if not fields[target]:
            raise MappingError(field_unnamed(target), path=shown)
    mapping = AreaMapping(
        fields={target: fields[key] for target, key in zip(AREA_TARGETS, fields, strict=True) if fields[key]},
        invalid=invalid,
    )
    return fields, mapping


def _area_refused(number: int, values: dict[str, str], geometry, state: _Compare, report: ImportReport) -> bool:
    """Whether the area is rejected (an id used twice or too long, outside the municipalities the user edits)."""
    source_id = values["id"]
    reason = source_id_refusal(source_id, seen=state.seen, limit=SOURCE_ID_LENGTH)
    if reason:
        shown = source_id if len(source_id) <= 50 else source_id[:50] + "…"
        report.reject(feature=number, field=state.id_field, reason=reason, source_id=shown)
        return True
    state.seen.add(source_id)
    area = state.existing.get(source_id)
    if state.allowed is not None and not (
        state.allowed.intersects(geometry) and (area is None or state.allowed.intersects(area.geometry))
    ):
        reason = _("outside the municipalities you edit")
        report.reject(feature=number, field="geometry", reason=reason, source_id=source_id)
        return True
    return False


def _area_write(
    number: int, values: dict[str, str], geometry, *, dataset: Dataset, state: _Compare, report: ImportReport
) -> None:
    """Create the area, update what changed, or count it unchanged."""
    source_id, area = values["id"], state.existing.get(values["id"])
    wanted = {
        "name_el": values["name"][:300],
        "name_en": values.get("name_en", "")[:300],
        "kind": values.get("kind", "")[:100],
        "geometry": geometry,
        "source_attributes": {},
        "withdrawn": False,
    }
    if area is None:
        ProtectedArea.objects.create(dataset=dataset, source_id=source_id, **wanted)
        action = "create"
    elif any(
        (getattr(area, k).ewkb != v.ewkb) if k == "geometry" else getattr(area, k) != v
        for k, v in wanted.items()
        if k != "source_attributes"
    ):
        for key, value in wanted.items():
            setattr(area, key, value)
        area.save()
        report.updated.append({"feature": number, "source_id": source_id, "name_el": values["name"]})
        action = "update"
    else:
        action = "unchanged"
    report.counts[action] += 1
    state.actions[source_id] = (action, number)


def _areas_withdraw(*, dataset: Dataset, scope, state: _Compare, report: ImportReport) -> None:
    """Stage 3: withdraw the dataset's areas missing from the file (within the import's municipality, if any)."""
    gone = ProtectedArea.objects.filter(dataset=dataset, withdrawn=False).exclude(source_id__in=state.seen)
    if scope.target is not None:
        gone = gone.filter(geometry__intersects=Municipality.objects.get(pk=scope.target).boundary)
    report.withdrawn = [{"source_id": a.source_id, "name_el": a.name_el} for a in gone.order_by("source_id")[:200]]
    for item in report.withdrawn[:PREVIEW_WITHDRAWN]:
        state.actions[item["source_id"]] = ("withdraw", None)
    report.counts["withdraw"] = gone.update(withdrawn=True)


@transaction.atomic
def areas_import(
    *,
    path,
    dataset: Dataset,
    id_field: str,
    name_field: str,
    name_en_field: str = "",
    kind_field: str = "",
    layer=None,
    srid=None,
    encoding=None,
    invalid: str = "repair",
    dry_run: bool = False,
    user=None,
    municipality: Municipality | None = None,
    progress: Progress | None = None,
    display_name: str | None = None,
    run: ImportRun | None = None,
) -> ImportReport:
    """Protected areas of ``path`` into ``dataset`` keyed on (dataset, id): created, updated, unchanged, withdrawn.

    As for places, an editor (``user``) writes only areas that touch the municipalities they edit, and withdraws
    only areas of the dataset that touch the import's ``municipality``; the command line and superusers write all,
    and withdraw across the dataset unless a ``municipality`` is named. All or nothing; a ``dry_run`` reports the
    same and changes nothing. ``progress(stage, done, total)`` is told
    how far the reading has got. Unless it is a dry run, the history records the outcome on ``run`` (an admin
    import) or on a new ImportRun (the command line). Stages: mapping, compare and write, withdraw, preview, record.
    """
    started = time.monotonic()
    tell = progress or (lambda stage, done, total: None)
    fields, mapping = _area_mapping(
        id_field=id_field,
        name_field=name_field,
        name_en_field=name_en_field,
        kind_field=kind_field,
        invalid=invalid,
        shown=display_name or path,
    )
    scope = import_scope(user=user, municipality=municipality)
    with source_open(
        path, layer=layer, srid=srid, encoding=encoding, invalid=invalid, display_name=display_name
    ) as source:
        total = source.info.feature_count
        report = _report(source, dataset=dataset.slug, dry_run=dry_run)
        report.mapping = mapping.to_dict()
        state = _Compare(
            existing={area.source_id: area for area in ProtectedArea.objects.filter(dataset=dataset)},
            allowed=municipalities_union(ids=scope.municipality_ids),
            id_field=id_field,
        )
        for number, values, footprint in _area_records(source, fields=fields, report=report):
            tell("read", number, total)
            geometry = GEOSGeometry(footprint)
            if not _area_refused(number, values, geometry, state, report):
                _area_write(number, values, geometry, dataset=dataset, state=state, report=report)
        tell("compare", total, total)
        _areas_withdraw(dataset=dataset, scope=scope, state=state, report=report)
        report.preview = _preview(dataset=dataset, actions=state.actions)
    if dry_run:
        transaction.set_rollback(True)
    else:
        tell("done", total, total)
    report.seconds = round(time.monotonic() - started, 2)
    if not dry_run:
        import_run_record(
            report,
            run=run,
            kind=ImportRun.Kind.AREAS,
            dataset=dataset,
            user=user,
            municipality=municipality,
            options={"layer": layer, "srid": srid, "encoding": encoding},
        )
    return report


def _preview(*, dataset: Dataset, actions: dict[str, tuple[str, int | None]]) -> list[dict]:
    """GeoJSON features (EPSG:4326, made by PostGIS) of the areas the report's map shows, with their action."""
    order = sorted(actions.items(), key=lambda item: (item[1][1] is None, item[1][1] or 0, item[0]))
    changed = [key for key, (action, _) in order if action in ("create", "update")][:PREVIEW_CHANGED]
    unchanged = [key for key, (action, _) in order if action == "unchanged"][:PREVIEW_UNCHANGED]
    withdrawn = [key for key, (action, _) in order if action == "withdraw"]
    shown = {key: actions[key] for key in [*changed, *unchanged, *withdrawn]}
    rows = (
        ProtectedArea.objects.filter(dataset=dataset, source_id__in=list(shown))
        .annotate(geojson=AsGeoJSON("geometry", precision=6))
        .values_list("source_id", "name_el", "geojson")
    )
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(geojson),
            "properties": {"action": shown[key][0], "name": name, "feature": shown[key][1]},
        }
        for key, name, geojson in rows
    ]
    return sorted(features, key=lambda f: (f["properties"]["feature"] is None, f["properties"]["feature"] or 0))


@transaction.atomic
def boundaries_import(
    *,
    path,
    code_field: str,
    name_field: str,
    name_en_field: str = "",
    layer=None,
    srid=None,
    encoding=None,
    dry_run: bool = False,
) -> ImportReport:
    """Municipality boundaries of ``path`` (one feature per Kallikratis code) into gis.Municipality; places are
    reassigned to the new boundaries once, after all of them are written."""
    started = time.monotonic()
    fields = {"id": code_field, "name": name_field, "name_en": name_en_field}
    with source_open(path, layer=layer, srid=srid, encoding=encoding) as source:
        report = _report(source, dataset="municipalities", dry_run=dry_run)
        for number, values, footprint in _area_records(source, fields=fields, report=report):
            current = Municipality.objects.filter(code=values["id"]).first()
            boundary = cast(MultiPolygon, GEOSGeometry(footprint))  # the readers' footprints are MultiPolygons
            name_en = values.get("name_en") or (current.name_en if current else "") or values["name"]
            if current and current.boundary.ewkb == boundary.ewkb and current.name_el == values["name"]:
                report.counts["unchanged"] += 1
                continue
            municipality_upsert(
                code=values["id"],
                slug=current.slug if current else (slugify(name_en) or values["id"]),
                name_el=values["name"],
                name_en=name_en,
                boundary=boundary,
                boundary_source=source.info.file,
                reassign=False,
            )
            report.counts["update" if current else "create"] += 1
            report.updated.append({"feature": number, "source_id": values["id"], "name_el": values["name"]})
    if report.counts["create"] or report.counts["update"]:
        places_reassign_municipality()
    report.seconds = round(time.monotonic() - started, 2)
    if dry_run:
        transaction.set_rollback(True)
    return report
