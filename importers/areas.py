"""Load areas the same way as places: archaeological zones into ProtectedArea, boundaries into gis.Municipality.

Same readers (any CRS, Greek encodings, repair or reject invalid geometry, Polygon -> MultiPolygon), same report,
all or nothing. Areas are few (hundreds), so they are written through the ORM.
"""

import time

from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.utils.text import slugify

from gis.models import Dataset, Municipality
from gis.services import municipality_upsert

from .errors import MappingError
from .models import ImportRun, ProtectedArea
from .readers import source_open
from .records import text_values
from .report import ImportReport

WGS84 = 4326


def _area_records(source, *, fields: dict[str, str], report: ImportReport):
    """(feature number, values per target, MultiPolygon EWKB hex) of each usable area; the rest is rejected."""
    for name in fields.values():
        if name and name not in source.info.fields:
            raise MappingError("no such field in the source", path=source.info.file, field=name)
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
                report.reject(feature=number, field="geometry", reason="expected a polygon", source_id=values["id"])
            elif not values["id"] or not values["name"]:
                missing = "id" if not values["id"] else "name"
                report.reject(feature=number, field=fields[missing], reason=f"empty {missing}", source_id=values["id"])
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
) -> ImportReport:
    """Protected areas of ``path`` into ``dataset`` keyed on (dataset, id): created, updated, unchanged, withdrawn."""
    started = time.monotonic()
    fields = {"id": id_field, "name": name_field, "name_en": name_en_field, "kind": kind_field}
    with source_open(path, layer=layer, srid=srid, encoding=encoding, invalid=invalid) as source:
        report = _report(source, dataset=dataset.slug, dry_run=dry_run)
        existing = {area.source_id: area for area in ProtectedArea.objects.filter(dataset=dataset)}
        seen: set[str] = set()
        for number, values, footprint in _area_records(source, fields=fields, report=report):
            if values["id"] in seen:
                report.reject(feature=number, field=id_field, reason="the id is used twice", source_id=values["id"])
                continue
            seen.add(values["id"])
            wanted = {
                "name_el": values["name"][:300],
                "name_en": values.get("name_en", "")[:300],
                "kind": values.get("kind", "")[:100],
                "geometry": GEOSGeometry(footprint),
                "source_attributes": {},
                "withdrawn": False,
            }
            area = existing.get(values["id"])
            if area is None:
                ProtectedArea.objects.create(dataset=dataset, source_id=values["id"], **wanted)
                report.counts["create"] += 1
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
            else:
                report.counts["unchanged"] += 1
        gone = ProtectedArea.objects.filter(dataset=dataset, withdrawn=False).exclude(source_id__in=seen)
        report.withdrawn = [{"source_id": a.source_id, "name_el": a.name_el} for a in gone[:200]]
        report.counts["withdraw"] = gone.update(withdrawn=True)
    report.seconds = round(time.monotonic() - started, 2)
    if dry_run:
        transaction.set_rollback(True)
    else:
        ImportRun.objects.create(
            kind=ImportRun.Kind.AREAS,
            dataset=dataset,
            user=user,
            file_name=report.file,
            status=ImportRun.Status.SUCCEEDED,
            report=report.to_dict(),
            source_info=report.source,
        )
    return report


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
