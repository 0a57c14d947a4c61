"""The reader of a track uploaded on a route's admin form (gis.tracks): a GPX file through importers.readers.gpx
(defusedxml, then gpxpy: every track's segments, then every GPX route, joined in order as the line's parts, with
their elevations and the waypoints), a KML or GeoJSON file through the common readers with lines and Z kept (every
line feature's parts in file order, reprojected to EPSG:4326; its XML checked by defusedxml first), whose Point
features play the waypoints' part (named by their ``name`` field, any case, else ``title``). No database."""

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from gis.tracks import Track, TrackUnreadable, Waypoint

from .errors import ImporterError
from .safety import path_check

SUFFIXES = (".gpx", ".kml", ".geojson", ".json")


def _parts(path: Path, shown: str) -> tuple[list[list[tuple]], list[Waypoint]]:
    # The readers (pyogrio, shapely, numpy) load with the first upload, not with every web process.
    import shapely

    from .readers import GeometryOptions, source_open
    from .readers.gpx import gpx_read

    if path.suffix.lower() == ".gpx":
        parsed = gpx_read(path, display_name=shown)
        lines = [list(part) for line in parsed.lines for part in line.parts]
        return lines, [Waypoint(w.name, w.lon, w.lat) for w in parsed.waypoints]
    parts: list[list[tuple]] = []
    waypoints: list[Waypoint] = []
    with source_open(path, display_name=shown, geometry=GeometryOptions(lines=True, z=True), pick_first=True) as source:
        for batch in source.batches():
            prepared = batch.geometry
            names = _name_column(batch.fields)
            for index, wkb in enumerate(prepared.lines if prepared.lines is not None else []):
                if wkb is not None:
                    parts += [list(part.coords) for part in shapely.get_parts(shapely.from_wkb(bytes.fromhex(wkb)))]
                elif prepared.points is not None and prepared.points[index]:
                    lon, lat = shapely.get_coordinates(shapely.from_wkb(bytes.fromhex(prepared.location[index])))[0]
                    name = names[index] if names is not None else None
                    waypoints.append(Waypoint(name.strip() if isinstance(name, str) else "", float(lon), float(lat)))
    return parts, waypoints


def _name_column(fields: dict) -> Any:
    """The values of a batch's name field (``name`` in any case, e.g. KML's ``Name``, else ``title``), or None."""
    by_lower = {str(key).lower(): key for key in fields}
    for wanted in ("name", "title"):
        if wanted in by_lower:
            return fields[by_lower[wanted]]
    return None


def track_file_read(*, path: Path, display_name: str) -> Track:
    """The line (parts of at least two points, in order), elevations and waypoints of the GPX, KML or GeoJSON file
    ``path``; TrackUnreadable naming ``display_name`` when it cannot be read or holds no line with a length."""
    shown = display_name
    if Path(shown).suffix.lower() not in SUFFIXES:
        message = _("only GPX, KML or GeoJSON files can be read here")
        raise TrackUnreadable(f"{shown}: {message}")
    try:
        parts, waypoints = _parts(path_check(path), shown)
    except ImporterError as error:
        raise TrackUnreadable(str(error.shown_as(shown, hide={str(path.parent): ""}))) from error
    parts = [part for part in parts if len({point[:2] for point in part}) >= 2]
    if not parts:
        message = _("the file has no line of at least two different points")
        raise TrackUnreadable(f"{shown}: {message}")
    elevations = [[point[2] if len(point) > 2 else None for point in part] for part in parts]
    has_any = any(value is not None for part in elevations for value in part)
    return Track(
        parts=[[(float(p[0]), float(p[1])) for p in part] for part in parts],
        elevations_m=elevations if has_any else None,
        waypoints=waypoints,
    )
