"""GPX tracks and routes as lines, read with gpxpy after defusedxml has refused DTDs and entities. No database.

A track becomes one line (lon/lat, EPSG:4326, as GPX always is) whose parts are its segments in order, with each
point's elevation (``ele``, metres, or None); a GPX route (``rte``) becomes a line of one part. Waypoints are kept
in file order, to be offered as stops. The whole file is read into memory, so it is refused above the import's
upload limit (settings.XENAGOS_IMPORT_MAX_UPLOAD_MB).
"""

from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

import gpxpy
import gpxpy.gpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.conf import settings
from django.utils.translation import gettext as _

from ..errors import NoFeatures, UnreadableFile, UnsafeInput
from ..safety import path_check


@dataclass
class GpxLine:
    """One track or route: its 1-based number in the file, kind ("track" or "route"), name and parts of
    (lon, lat, elevation m or None) points."""

    number: int
    kind: str
    name: str
    parts: list[list[tuple[float, float, float | None]]]


@dataclass
class GpxWaypoint:
    """A waypoint: name and position (lon/lat, EPSG:4326)."""

    name: str
    lon: float
    lat: float


@dataclass
class GpxFile:
    """What a GPX file holds: its lines (tracks, then routes) and waypoints, in file order."""

    file: str
    lines: list[GpxLine] = field(default_factory=list)
    waypoints: list[GpxWaypoint] = field(default_factory=list)


def _limit_mb() -> float:
    return float(getattr(settings, "XENAGOS_IMPORT_MAX_UPLOAD_MB", 500))


def _checked_bytes(path: Path, shown: str) -> bytes:
    """The file's bytes, once it is within the upload limit and defusedxml has parsed it without DTD or entity."""
    limit_mb = _limit_mb()
    if path.stat().st_size > limit_mb * 1024 * 1024:
        message = _("the file is larger than the upload limit of %(limit)s MB") % {"limit": f"{limit_mb:g}"}
        raise UnsafeInput(message, path=shown)
    data = path.read_bytes()
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise UnsafeInput(
            # Translators: %(error)s is the name of defusedxml's exception, e.g. DTDForbidden.
            _("XML with a DTD or entity declarations is not read (%(error)s)") % {"error": type(error).__name__},
            path=shown,
        ) from error
    except ParseError as error:
        # Translators: %(error)s is the XML parser's message, in English, e.g. "mismatched tag: line 3, column 2".
        raise UnreadableFile(_("the XML is broken: %(error)s") % {"error": error}, path=shown) from error
    if root.tag.rsplit("}", 1)[-1].lower() != "gpx":
        raise UnreadableFile(_("the XML is not a GPX document"), path=shown)
    return data


def _point(point: gpxpy.gpx.GPXTrackPoint | gpxpy.gpx.GPXRoutePoint) -> tuple[float, float, float | None]:
    return (float(point.longitude), float(point.latitude), None if point.elevation is None else float(point.elevation))


def gpx_read(path: str | Path, *, display_name: str | None = None) -> GpxFile:
    """Read the tracks, routes and waypoints of the GPX file ``path``; errors name ``display_name`` (default: the
    file's name). A file with no track or route, broken XML or XML with a DTD or entities is refused."""
    resolved = path_check(path)
    shown = display_name or resolved.name
    data = _checked_bytes(resolved, shown)
    try:
        parsed = gpxpy.parse(data)
    except gpxpy.gpx.GPXException as error:
        # Translators: %(error)s is gpxpy's message, in English.
        raise UnreadableFile(_("cannot be read as GPX: %(error)s") % {"error": error}, path=shown) from error
    result = GpxFile(file=shown)
    number = 0
    for track in parsed.tracks:
        number += 1
        parts = [[_point(p) for p in segment.points] for segment in track.segments]
        result.lines.append(GpxLine(number, "track", (track.name or "").strip(), [p for p in parts if p]))
    for route in parsed.routes:
        number += 1
        points = [_point(p) for p in route.points]
        result.lines.append(GpxLine(number, "route", (route.name or "").strip(), [points] if points else []))
    if not result.lines:
        raise NoFeatures(_("the GPX file has no track or route"), path=shown)
    result.waypoints = [
        GpxWaypoint((w.name or "").strip(), float(w.longitude), float(w.latitude)) for w in parsed.waypoints
    ]
    return result
