"""Load routes the same way as places and areas: keyed on (dataset, source id), all or nothing, with a dry run.

A GPX file is read by importers.readers.gpx (gpxpy, after defusedxml) and needs no mapping: one route per track
(or GPX route), its segments joined in order as the parts of the line, its name the route's name and its source id
(``track-N``/``route-N`` for an unnamed one), its points' elevations kept in ``track_elevations_m``. KML, GeoJSON
and GeoPackage line layers go through the common readers with lines and Z kept, and a mapping (source_id, name_el,
name_en). Routes are few, so they are written through the ORM; every written route is measured (gis.routes).

A line of fewer than two distinct points (zero length) is rejected; a line that crosses or retraces itself is kept
with a note, since real walks do (an out-and-back to a viewpoint, a loop through a square).
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import shapely
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import GEOSGeometry, LineString, MultiLineString
from django.contrib.gis.measure import D
from django.db import transaction
from django.utils.translation import gettext as _

from gis.models import Dataset, Municipality, Place, Route, RouteStop
from gis.routes import route_measure, route_stops_order_along_line
from gis.selectors import municipalities_union

from .errors import MappingError
from .history import import_run_record
from .keys import source_id_refusal
from .models import ImportRun
from .readers import GeometryOptions, source_open
from .readers.gpx import GpxWaypoint, gpx_read
from .records import text_values
from .report import ImportReport
from .services import import_scope
from .targets import Progress

WGS84 = 4326
LINES_Z = GeometryOptions(lines=True, z=True)
ROUTE_FIELDS = ("source_id", "name_el", "name_en")


@dataclass
class RouteRecord:
    """One route read from the file: its 1-based feature number, source id, names and parts of (lon, lat[, ele])."""

    number: int
    source_id: str
    name_el: str
    name_en: str
    parts: list[list[tuple]]


def _gpx_records(path: Path, shown: str, report: ImportReport) -> tuple[Iterator[RouteRecord], list[GpxWaypoint]]:
    parsed = gpx_read(path, display_name=shown)
    report.source = {
        "format": "GPX",
        "layer": _("tracks and routes"),  # a GPX file has no layers: what is read of it
        "feature_count": len(parsed.lines),
        "crs": "EPSG:4326",
        "crs_note": _("GPX is always WGS 84"),
        "encoding": "UTF-8",
        "encoding_note": _("as declared by the XML document"),
    }
    report.counts["read"] = len(parsed.lines)
    records = (
        RouteRecord(
            line.number,
            line.name or f"{line.kind}-{line.number}",
            line.name or f"{line.kind}-{line.number}",
            "",
            [list(part) for part in line.parts],
        )
        for line in parsed.lines
    )
    return records, parsed.waypoints


def _layer_records(source, *, fields: dict[str, str], report: ImportReport) -> Iterator[RouteRecord]:
    """The mapped line features of an opened source (lines and Z kept); the rest is rejected."""
    for target in ("source_id", "name_el"):
        if not fields.get(target):
            message = _("the mapping names no source field for %(target)s") % {"target": target}
            raise MappingError(message, path=report.file)
    for name in fields.values():
        if name and name not in source.info.fields:
            listed = ", ".join(source.info.fields)
            message = _("no field '%(name)s'; the fields are: %(fields)s") % {"name": name, "fields": listed}
            raise MappingError(message, path=report.file, field=name)
    for batch in source.batches():
        columns = {t: text_values(batch.fields.get(n), len(batch)) for t, n in fields.items() if n}
        rejected = {problem.index: problem for problem in batch.rejected}
        for index in range(len(batch)):
            number = batch.start + index + 1
            values = {target: column[index] for target, column in columns.items()}
            if index in rejected:
                problem = rejected[index]
                report.reject(
                    feature=number, field=problem.field, reason=problem.message, source_id=values["source_id"]
                )
                continue
            wkb = batch.geometry.lines[index] if batch.geometry.lines is not None else None
            if wkb is None:
                report.reject(
                    feature=number, field="geometry", reason=_("expected a line"), source_id=values["source_id"]
                )
                continue
            line = shapely.from_wkb(bytes.fromhex(wkb))
            parts = [list(part.coords) for part in shapely.get_parts(line)]
            yield RouteRecord(number, values["source_id"], values["name_el"], values.get("name_en", ""), parts)


def _line(record: RouteRecord) -> tuple[MultiLineString | None, list[list[float | None]] | None, str]:
    """The record's line (EPSG:4326, 2D), its elevations per part and vertex (None without any), or a reason."""
    parts = [part for part in record.parts if len(part) >= 2]
    if not parts:
        return None, None, _("a line needs at least two points")
    line = MultiLineString([LineString([p[:2] for p in part]) for part in parts], srid=WGS84)
    if shapely.length(shapely.from_wkb(bytes(line.wkb))) == 0:
        return None, None, _("the line has zero length (all its points are the same)")
    elevations = [[p[2] if len(p) > 2 else None for p in part] for part in parts]
    has_any = any(value is not None for part in elevations for value in part)
    return line, elevations if has_any else None, ""


def _stops_add(route: Route, waypoints: list[GpxWaypoint], *, within_m: float) -> int:
    """Each waypoint within ``within_m`` metres of the route's line (a file of several tracks offers each track only
    its own waypoints) gives as a stop its nearest public place within ``within_m`` metres, then stops are ordered
    along the line; returns how many were added."""
    added = 0
    for waypoint in waypoints:
        point = GEOSGeometry(f"POINT({waypoint.lon} {waypoint.lat})", srid=WGS84)
        if not Route.objects.filter(pk=route.pk, geometry__distance_lte=(point, D(m=within_m))).exists():
            continue
        place = (
            Place.objects.public()
            .filter(location__distance_lte=(point, D(m=within_m)))
            .order_by(Distance("location", point), "pk")
            .first()
        )
        if place is not None:
            RouteStop.objects.create(route=route, place=place, sort_order=added)
            added += 1
    if added:
        route_stops_order_along_line(route=route)
    return added


def _write(record: RouteRecord, line, elevations, *, dataset: Dataset, existing: dict[str, Route], report) -> tuple:
    """Create the route, update what the source owns (line, elevations, names) or count it unchanged."""
    route = existing.get(record.source_id)
    wanted = {
        "name_el": record.name_el[:300],
        "name_en": record.name_en[:300],
        "geometry": line,
        "track_elevations_m": elevations,
        "withdrawn": False,
    }
    if route is None:
        return Route.objects.create(dataset=dataset, source_id=record.source_id, **wanted), "create"
    changed = [
        key
        for key, value in wanted.items()
        if ((getattr(route, key).ewkb != value.ewkb) if key == "geometry" else getattr(route, key) != value)
    ]
    if not changed:
        return route, "unchanged"
    for key in changed:
        setattr(route, key, wanted[key])
    route.save()
    report.updated.append({"feature": record.number, "source_id": record.source_id, "changed": changed})
    return route, "update"


def _refused(record: RouteRecord, line, *, seen: set[str], allowed, report: ImportReport) -> bool:
    """Whether the record is rejected: an empty, too long or repeated id, or a line outside the user's
    municipalities."""
    reason = source_id_refusal(record.source_id, seen=seen)
    if not reason and not record.name_el:
        reason = _("empty name")
    elif not reason and allowed is not None and not allowed.intersects(line):
        reason = _("outside the municipalities you edit")
    if reason:
        report.reject(feature=record.number, field="", reason=reason, source_id=record.source_id[:50])
        return True
    seen.add(record.source_id)
    return False


@transaction.atomic
def routes_import(
    *,
    path: str | Path,
    dataset: Dataset,
    fields: dict[str, str] | None = None,
    user=None,
    municipality: Municipality | None = None,
    layer: str | None = None,
    srid: int | None = None,
    encoding: str | None = None,
    stops_within_m: float | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    display_name: str | None = None,
    run: ImportRun | None = None,
) -> ImportReport:
    """Routes of ``path`` into ``dataset`` keyed on (dataset, source id): created, updated (line, elevations and
    names, which the source owns), unchanged (not written), withdrawn when missing from the file (within the
    import's ``municipality``, if any). A GPX file needs no ``fields``; other formats map source_id, name_el
    (required) and name_en to their fields. With ``stops_within_m``, a new route gets as stops the public places
    nearest its GPX waypoints within that many metres, ordered along the line. Each written route is measured
    (gis.routes.route_measure). All or nothing; a ``dry_run`` reports the same and changes nothing."""
    started = time.monotonic()
    tell = progress or (lambda stage, done, total: None)
    scope = import_scope(user=user, municipality=municipality)
    allowed = municipalities_union(ids=scope.municipality_ids)
    resolved = Path(str(path))
    shown = display_name or resolved.name
    report = ImportReport(
        dataset=dataset.slug,
        file=shown,
        dry_run=dry_run,
        mapping={"fields": dict(fields or {})},
        counts={"read": 0, "create": 0, "update": 0, "unchanged": 0, "withdraw": 0, "rejected": 0, "notes": 0},
    )
    existing = {route.source_id: route for route in Route.objects.filter(dataset=dataset)}
    seen: set[str] = set()
    waypoints: list[GpxWaypoint] = []
    if resolved.suffix.lower() == ".gpx":
        records, waypoints = _gpx_records(resolved, shown, report)
        _routes_write(
            records,
            report=report,
            dataset=dataset,
            existing=existing,
            seen=seen,
            allowed=allowed,
            waypoints=waypoints,
            stops_within_m=stops_within_m,
            tell=tell,
        )
    else:
        with source_open(path, layer=layer, srid=srid, encoding=encoding, display_name=shown, geometry=LINES_Z) as src:
            report.source, report.unit = src.info.to_dict(), src.unit
            report.counts["read"] = src.info.feature_count
            records = _layer_records(src, fields=dict(fields or {}), report=report)
            _routes_write(
                records,
                report=report,
                dataset=dataset,
                existing=existing,
                seen=seen,
                allowed=allowed,
                waypoints=[],
                stops_within_m=None,
                tell=tell,
            )
    gone = Route.objects.filter(dataset=dataset, withdrawn=False).exclude(source_id__in=seen)
    if scope.target is not None:
        gone = gone.filter(geometry__intersects=Municipality.objects.get(pk=scope.target).boundary)
    report.withdrawn = [{"source_id": r.source_id, "name_el": r.name_el} for r in gone.order_by("source_id")[:200]]
    report.counts["withdraw"] = gone.update(withdrawn=True)
    report.seconds = round(time.monotonic() - started, 2)
    if dry_run:
        transaction.set_rollback(True)
        return report
    tell("done", report.counts["read"], report.counts["read"])
    import_run_record(
        report,
        run=run,
        kind=ImportRun.Kind.ROUTES,
        dataset=dataset,
        user=user,
        municipality=municipality,
        options={"layer": layer, "srid": srid, "encoding": encoding, "stops_within_m": stops_within_m},
    )
    return report


def _routes_write(records, *, report, dataset, existing, seen, allowed, waypoints, stops_within_m, tell) -> None:
    """Stage 2: check, write and measure each record; notes for lines that cross or retrace themselves."""
    total = report.counts["read"]
    for record in records:
        tell("read", record.number, total)
        line, elevations, reason = _line(record)
        if line is None:
            report.reject(feature=record.number, field="geometry", reason=reason, source_id=record.source_id[:50])
            continue
        if _refused(record, line, seen=seen, allowed=allowed, report=report):
            continue
        if not shapely.is_simple(shapely.from_wkb(bytes(line.wkb))):
            note = _("the line crosses or retraces itself (kept: walks out and back do)")
            report.note(feature=record.number, field="geometry", reason=note, source_id=record.source_id)
        route, action = _write(record, line, elevations, dataset=dataset, existing=existing, report=report)
        report.counts[action] += 1
        if action == "unchanged":
            continue
        route_measure(route=route)
        if action == "create":
            report.created.append({"feature": record.number, "source_id": record.source_id, "name_el": route.name_el})
            if stops_within_m and waypoints:
                _stops_add(route, waypoints, within_m=stops_within_m)
