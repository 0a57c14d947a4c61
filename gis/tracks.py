"""A track uploaded on a route's admin form (GPX, KML or GeoJSON): what it holds (the line's parts in EPSG:4326
degrees, elevations in metres, waypoints: a GPX file's, a KML or GeoJSON file's Point features) and the places its
waypoints may be, read through a reader that the importers app registers (gis imports no importer:
``track_reader_register`` from ImportersConfig.ready)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.db.models import PointField
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.db.models import BooleanField, F, Func, QuerySet, Value
from django.db.models.functions import Cast

from .models import WGS84, Place
from .services import GisError

STOPS_WITHIN_M = 50  # a waypoint offers the editor's nearest place within this many metres (the form's default)


class TrackUnreadable(GisError):
    """An uploaded track that cannot be used; the message (in the active language) names the file and the problem."""


@dataclass(frozen=True)
class Waypoint:
    """A waypoint of the track (a GPX waypoint, or a Point feature of a KML or GeoJSON file): its name ('' when it
    has none) and position (longitude, latitude in degrees, EPSG:4326)."""

    name: str
    lon: float
    lat: float


@dataclass(frozen=True)
class Track:
    """The line of an uploaded file: its parts in order ([(lon, lat), ...], EPSG:4326), the elevations (metres, or
    None) per part and vertex (None when the file has none) and its waypoints in file order."""

    parts: list[list[tuple[float, float]]]
    elevations_m: list[list[float | None]] | None = None
    waypoints: list[Waypoint] = field(default_factory=list)


TrackReader = Callable[..., Track]  # (*, path: Path, display_name: str) -> Track, or TrackUnreadable
_READERS: list[TrackReader] = []


def track_reader_register(reader: TrackReader) -> None:
    """Make ``reader`` the one that reads uploaded tracks (registered once, by the importers app)."""
    _READERS[:] = [reader]


def track_read(*, path: Path, display_name: str) -> Track:
    """The track in the file at ``path`` (errors name ``display_name``, never the server's path)."""
    if not _READERS:
        raise TrackUnreadable(f"{display_name}: no reader of tracks is installed")
    return _READERS[0](path=path, display_name=display_name)


def _dwithin_m(point: Point, within_m: float) -> Func:
    """ST_DWithin of a place's location and ``point`` on the geography (metres, on the WGS 84 spheroid)."""
    geography = PointField(geography=True, srid=WGS84)
    return Func(
        Cast(F("location"), geography),
        Cast(Value(point, output_field=PointField(srid=WGS84)), geography),
        Value(float(within_m)),
        function="ST_DWithin",
        output_field=BooleanField(),
    )


def places_at_waypoints(
    *, waypoints: Sequence[Waypoint], places: QuerySet, within_m: float
) -> tuple[list[tuple[Waypoint, Place]], list[Waypoint]]:
    """Each waypoint's nearest place of ``places`` (the editor's own) within ``within_m`` metres (geodesic,
    ST_DWithin on geography), and the waypoints that have none."""
    matched: list[tuple[Waypoint, Place]] = []
    unmatched: list[Waypoint] = []
    for waypoint in waypoints:
        point = Point(waypoint.lon, waypoint.lat, srid=WGS84)
        place = (
            places.alias(near=_dwithin_m(point, within_m))
            .filter(near=True)
            .order_by(Distance("location", point), "pk")
            .first()
        )
        if place is None:
            unmatched.append(waypoint)
        else:
            matched.append((waypoint, place))
    return matched, unmatched
