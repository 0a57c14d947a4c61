"""The reader of a track uploaded on a route's admin form (gis.tracks): a GPX file through importers.readers.gpx
(defusedxml, then gpxpy: every track's segments, then every GPX route, joined in order as the line's parts, with
their elevations and the waypoints), a KML or GeoJSON file through the common readers with lines and Z kept (every
line feature's parts in file order, reprojected to EPSG:4326; its XML checked by defusedxml first). No database."""

from pathlib import Path

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
    with source_open(path, display_name=shown, geometry=GeometryOptions(lines=True, z=True), pick_first=True) as source:
        for batch in source.batches():
            for wkb in batch.geometry.lines if batch.geometry.lines is not None else []:
                if wkb is not None:
                    parts += [list(part.coords) for part in shapely.get_parts(shapely.from_wkb(bytes.fromhex(wkb)))]
    return parts, []


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
