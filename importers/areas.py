"""Load areas the same way as places: archaeological zones into ProtectedArea, boundaries into gis.Municipality.

Same readers (any CRS, Greek encodings, repair or reject invalid geometry, Polygon -> MultiPolygon), same report,
all or nothing. Areas are few (hundreds), so they are written through the ORM.
"""

import json
import time

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from gis.models import Dataset, Municipality, ProtectedArea
from gis.services import municipality_upsert

from .errors import MappingError
from .history import import_run_record
from .mapping import AREA_TARGETS, AreaMapping, field_missing, field_unnamed
from .models import ImportRun
from .readers import source_open
from .records import text_values
from .report import ImportReport
from .services import Progress, import_scope

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


def _union(municipality_ids: list[int] | None):
    """The union of the municipalities' boundaries (prepared for many tests), or None for no limit."""
    if municipality_ids is None:
        return None
    union = None
    for municipality in Municipality.objects.filter(pk__in=municipality_ids):
        union = municipality.boundary if union is None else union.union(municipality.boundary)
    return union.prepared if union is not None else Polygon().prepared


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
    import) or on a new ImportRun (the command line).
    """
    started = time.monotonic()
    fields = {"id": id_field, "name": name_field, "name_en": name_en_field, "kind": kind_field}
    for target in ("id", "name"):
        if not fields[target]:
            raise MappingError(field_unnamed(target), path=display_name or path)
    mapping = AreaMapping(
        fields={target: fields[key] for target, key in zip(AREA_TARGETS, fields, strict=True) if fields[key]},
        invalid=invalid,
    )
    actions: dict[str, tuple[str, int | None]] = {}  # source id -> (action, feature number), for the map
    scope = import_scope(user=user, municipality=municipality)
    allowed = _union(scope.municipality_ids)
    with source_open(
        path, layer=layer, srid=srid, encoding=encoding, invalid=invalid, display_name=display_name
    ) as source:
        total = source.info.feature_count
        report = _report(source, dataset=dataset.slug, dry_run=dry_run)
        report.mapping = mapping.to_dict()
        existing = {area.source_id: area for area in ProtectedArea.objects.filter(dataset=dataset)}
        seen: set[str] = set()
        for number, values, footprint in _area_records(source, fields=fields, report=report):
            if progress:
                progress("read", number, total)
            if values["id"] in seen:
                reason = _("the id is used twice")
                report.reject(feature=number, field=id_field, reason=reason, source_id=values["id"])
                continue
            if len(values["id"]) > SOURCE_ID_LENGTH:
                reason = _("the id is longer than %(n)s characters") % {"n": SOURCE_ID_LENGTH}
                report.reject(feature=number, field=id_field, reason=reason, source_id=values["id"][:50] + "…")
                continue
            seen.add(values["id"])
            area = existing.get(values["id"])
            geometry = GEOSGeometry(footprint)
            if allowed is not None and not (
                allowed.intersects(geometry) and (area is None or allowed.intersects(area.geometry))
            ):
                reason = _("outside the municipalities you edit")
                report.reject(feature=number, field="geometry", reason=reason, source_id=values["id"])
                continue
            wanted = {
                "name_el": values["name"][:300],
                "name_en": values.get("name_en", "")[:300],
                "kind": values.get("kind", "")[:100],
                "geometry": geometry,
                "source_attributes": {},
                "withdrawn": False,
            }
            if area is None:
                ProtectedArea.objects.create(dataset=dataset, source_id=values["id"], **wanted)
                report.counts["create"] += 1
                actions[values["id"]] = ("create", number)
            elif any(
                (getattr(area, k).ewkb != v.ewkb) if k == "geometry" else getattr(area, k) != v
                for k, v in wanted.items()
                if k != "source_attributes"
            ):
                for key, value in wanted.items():
                    setattr(area, key, value)
                area.save()
                report.counts["update"] += 1
                report.updated.append({"feature": number, "source_id": values["id"], "name_el": values["name"]})
                actions[values["id"]] = ("update", number)
            else:
                report.counts["unchanged"] += 1
                actions[values["id"]] = ("unchanged", number)
        if progress:
            progress("compare", total, total)
        gone = ProtectedArea.objects.filter(dataset=dataset, withdrawn=False).exclude(source_id__in=seen)
        if scope.target is not None:
            gone = gone.filter(geometry__intersects=Municipality.objects.get(pk=scope.target).boundary)
        report.withdrawn = [{"source_id": a.source_id, "name_el": a.name_el} for a in gone.order_by("source_id")[:200]]
        for item in report.withdrawn[:PREVIEW_WITHDRAWN]:
            actions[item["source_id"]] = ("withdraw", None)
        report.counts["withdraw"] = gone.update(withdrawn=True)
        report.preview = _preview(dataset=dataset, actions=actions)
    if dry_run:
        transaction.set_rollback(True)
    elif progress:
        progress("done", total, total)
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
    """Municipality boundaries of ``path`` (one feature per Kallikratis code) into gis.Municipality."""
    started = time.monotonic()
    fields = {"id": code_field, "name": name_field, "name_en": name_en_field}
    with source_open(path, layer=layer, srid=srid, encoding=encoding) as source:
        report = _report(source, dataset="municipalities", dry_run=dry_run)
        for number, values, footprint in _area_records(source, fields=fields, report=report):
            current = Municipality.objects.filter(code=values["id"]).first()
            boundary = GEOSGeometry(footprint)
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
            )
            report.counts["update" if current else "create"] += 1
            report.updated.append({"feature": number, "source_id": values["id"], "name_el": values["name"]})
    report.seconds = round(time.monotonic() - started, 2)
    if dry_run:
        transaction.set_rollback(True)
    return report
