"""Writes of a route's measured facts: where it runs, its profile, ascent, steepest gradient, duration, difficulty.

Every distance is geodesic on the WGS 84 ellipsoid (``pyproj.Geod``, or PostGIS geography), in metres; elevations
are metres as the source gave them. The line is the route's MultiLineString (EPSG:4326), its parts walked in order
with no distance counted between the end of one part and the start of the next (as ``Route.length_m``,
PostgreSQL's ST_Length of the geography, counts it).
"""

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.contrib.gis.db.models.functions import Intersection, Length
from django.contrib.gis.geos import LineString, Point
from django.db import connection, transaction
from pyproj import Geod

from .models import WGS84, Difficulty, Municipality, ProfileSource, Route, RouteMode, RouteStop

GEOD = Geod(ellps="WGS84")
PROFILE_STEP_M = 10  # the profile is sampled every 10 m along the line
CIRCULAR_WITHIN_M = 50.0  # a route whose end lies this close to its start is circular
ASCENT_THRESHOLD_M = 3.0  # hysteresis: a climb or drop counts once the elevation has moved this far
STEEPEST_WINDOW_M = 100.0  # the steepest gradient is sustained over this distance
WALK_FLAT_KMH = 5.0  # walking without a profile
SPEEDS_KMH = {RouteMode.BIKE: 15.0, RouteMode.CAR: 40.0, RouteMode.BOAT: 15.0}  # other modes: a stated speed
EASY_MAX_M, EASY_MAX_ASCENT_M = 5_000.0, 200.0  # easy: at most 5 km and at most 200 m of ascent
HARD_MIN_M, HARD_MIN_ASCENT_M = 15_000.0, 800.0  # hard: over 15 km or over 800 m of ascent; between: moderate


def _vertex_distances_m(parts: Sequence[Sequence[Sequence[float]]]) -> list[np.ndarray]:
    """Per part, the geodesic distance (m) of each vertex from the route's start, parts joined in order."""
    result, start = [], 0.0
    for part in parts:
        coords = np.asarray(part, dtype=float)
        if len(coords) > 1:
            _az, _back, steps = GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
            along = start + np.concatenate([[0.0], np.cumsum(steps)])
        else:
            along = np.array([start])
        result.append(along)
        start = float(along[-1])
    return result


def _stations_m(along: list[np.ndarray]) -> np.ndarray:
    """The profile's stations: every PROFILE_STEP_M (m) from the start and the end, by the vertex distances."""
    total = float(along[-1][-1])
    samples = np.arange(0.0, total, PROFILE_STEP_M)
    return np.append(samples, total) if not len(samples) or samples[-1] < total else samples


def profile_stations(*, parts: Sequence[Sequence[Sequence[float]]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The profile's stations along the line (lon/lat parts, EPSG:4326, walked in order): their distances (m) from
    the start, every PROFILE_STEP_M and at the end (as profile_from_track samples), and their longitudes and
    latitudes (degrees, EPSG:4326), each on the geodesic of the segment it falls on (``points_along``)."""
    samples = _stations_m(_vertex_distances_m(parts))
    points = np.asarray(points_along(parts=parts, distances_m=samples), dtype=np.float64).reshape(-1, 2)
    return samples, points[:, 0], points[:, 1]


def profile_from_track(
    *, parts: Sequence[Sequence[Sequence[float]]], elevations_m: Sequence[Sequence[float | None]] | None
) -> list[list[float | None]]:
    """The profile [[distance m, elevation m or None], ...] every PROFILE_STEP_M along the line (lon/lat parts,
    EPSG:4326) and at its end, linearly interpolated by distance between the vertices that carry an elevation
    (one list per part, one value or None per vertex); [] when no vertex has one. Beyond the first and last known
    vertex the elevation is None."""
    if not elevations_m or len(elevations_m) != len(parts):
        return []
    along = _vertex_distances_m(parts)
    known_d, known_e = [], []
    for distances, values in zip(along, elevations_m, strict=True):
        for distance, value in zip(distances, values or [], strict=False):
            if value is not None and math.isfinite(value):
                known_d.append(float(distance))
                known_e.append(float(value))
    if not known_d:
        return []
    samples = _stations_m(along)
    values = np.interp(samples, known_d, known_e)
    outside = (samples < known_d[0]) | (samples > known_d[-1])
    return [
        [round(float(d), 1), None if out else round(float(e), 2)]
        for d, e, out in zip(samples, values, outside, strict=True)
    ]


def points_along(
    *, parts: Sequence[Sequence[Sequence[float]]], distances_m: Sequence[float] | np.ndarray
) -> list[list[float]]:
    """The [lon, lat] (EPSG:4326 degrees) of the points at ``distances_m`` (geodesic metres from the start, the
    lon/lat ``parts`` walked in order as for the profile): each on the geodesic between the two vertices it falls
    between; before the start or past the end, the first or last vertex. The profile's stations on the map."""
    coords = np.concatenate([np.asarray(part, dtype=float)[:, :2] for part in parts])
    along = np.concatenate(_vertex_distances_m(parts))
    wanted = np.asarray(distances_m, dtype=float)
    if len(coords) < 2 or not len(wanted):
        return [[float(coords[0][0]), float(coords[0][1])] for _d in wanted]
    # The vertex each distance follows: the last one at or before it (at a join of two parts, the next part's start).
    index = np.clip(np.searchsorted(along, wanted, side="right") - 1, 0, len(coords) - 2)
    start, end = coords[index], coords[index + 1]
    azimuth, _back, _length = GEOD.inv(start[:, 0], start[:, 1], end[:, 0], end[:, 1])
    offset = np.clip(wanted - along[index], 0.0, along[index + 1] - along[index])
    lon, lat, _az = GEOD.fwd(start[:, 0], start[:, 1], azimuth, offset)
    return [[round(float(x), 7), round(float(y), 7)] for x, y in zip(lon, lat, strict=True)]


def ascent_descent_m(*, elevations_m: Sequence[float | None]) -> tuple[float, float]:
    """Total ascent and descent (m) of a profile's elevations, with a hysteresis of ASCENT_THRESHOLD_M: the
    elevation must move that far from the last counted point before a climb or drop counts, so that noise of a
    GPS or DEM smaller than that adds nothing (a sustained climb is counted in full but for its last < 3 m)."""
    ascent = descent = 0.0
    reference: float | None = None
    for value in elevations_m:
        if value is None:
            continue
        if reference is None:
            reference = value
        elif value - reference >= ASCENT_THRESHOLD_M:
            ascent, reference = ascent + value - reference, value
        elif reference - value >= ASCENT_THRESHOLD_M:
            descent, reference = descent + reference - value, value
    return ascent, descent


def steepest_pct(*, profile: Sequence[Sequence[float | None]]) -> float | None:
    """The steepest gradient (%, up or down, as a positive number) sustained over STEEPEST_WINDOW_M of a profile
    [[distance m, elevation m or None], ...]: the largest |rise| / run between two samples at least that far apart
    (the whole profile when it is shorter); None without two elevations."""
    points = [(d, e) for d, e in profile if e is not None and d is not None]
    if len(points) < 2:
        return None
    distances = np.array([d for d, _e in points])
    heights = np.array([e for _d, e in points])
    window = min(STEEPEST_WINDOW_M, float(distances[-1] - distances[0]))
    if window <= 0:
        return None
    ends = np.searchsorted(distances, distances + window - 1e-6)
    usable = ends < len(distances)
    starts = np.flatnonzero(usable)
    run = distances[ends[usable]] - distances[starts]
    rise = np.abs(heights[ends[usable]] - heights[starts])
    return round(float(np.max(rise / run) * 100), 1)


def tobler_kmh(*, slope: float) -> float:
    """Walking speed (km/h) on a slope (rise over run, dimensionless) by Tobler's hiking function,
    6 · exp(−3.5 · |slope + 0.05|): 5.04 km/h on the flat, fastest (6 km/h) on a 5 % descent."""
    return 6.0 * math.exp(-3.5 * abs(slope + 0.05))


def duration_min(*, mode: str, length_m: float, profile: Sequence[Sequence[float | None]]) -> int:
    """Minutes to travel the route: on foot, Tobler's hiking function summed over the profile's steps (a flat
    WALK_FLAT_KMH where a step has no elevation, or without a profile); by bicycle, car or boat, the length at
    SPEEDS_KMH (15, 40 and 15 km/h)."""
    if mode != RouteMode.WALK:
        return round(length_m / 1000 / SPEEDS_KMH[RouteMode(mode)] * 60)
    hours, covered = 0.0, 0.0
    for (d0, e0), (d1, e1) in zip(profile, profile[1:], strict=False):
        if d0 is None or d1 is None or d1 <= d0:
            continue
        run = d1 - d0
        speed = tobler_kmh(slope=(e1 - e0) / run) if e0 is not None and e1 is not None else WALK_FLAT_KMH
        hours += run / 1000 / speed
        covered += run
    hours += max(0.0, length_m - covered) / 1000 / WALK_FLAT_KMH
    return round(hours * 60)


def difficulty_suggest(*, length_m: float, ascent_m: float | None) -> str:
    """Easy up to EASY_MAX_M (5 km) with at most EASY_MAX_ASCENT_M (200 m) of ascent; hard over HARD_MIN_M (15 km)
    or over HARD_MIN_ASCENT_M (800 m) of ascent; moderate between (an unknown ascent counts as none)."""
    climb = ascent_m or 0.0
    if length_m > HARD_MIN_M or climb > HARD_MIN_ASCENT_M:
        return Difficulty.HARD
    if length_m <= EASY_MAX_M and climb <= EASY_MAX_ASCENT_M:
        return Difficulty.EASY
    return Difficulty.MODERATE


def _municipalities(route: Route) -> tuple[list[Any], Any]:
    """Every municipality whose boundary the line intersects, and the keeper: the one containing the start, else
    the one holding the longest geodesic share of the line."""
    crossed = list(
        Municipality.objects.filter(boundary__intersects=route.geometry)
        .annotate(share=Length(Intersection("boundary", route.geometry)))
        .order_by("pk")
    )
    lon, lat = route.geometry[0][0][:2]
    start = Point(lon, lat, srid=WGS84)
    keeper = next((m for m in crossed if m.boundary.contains(start)), None)
    if keeper is None and crossed:
        keeper = max(crossed, key=lambda m: m.share.m)
    return crossed, keeper


@transaction.atomic
def route_measure(*, route: Route) -> Route:
    """Set the facts measured from ``route``'s stored line (EPSG:4326) and ``track_elevations_m``: the
    municipalities it crosses (all of them; ``municipality``, if empty, the one containing the start, else the one
    with the longest share), ``circular`` (start and end within CIRCULAR_WITHIN_M), the profile from the track's
    elevations every PROFILE_STEP_M (source "track"; none: an empty profile, source ""), ascent, descent, lowest
    and highest point, steepest sustained gradient, duration and suggested difficulty. Saves the route."""
    parts = [list(part.coords) for part in route.geometry if isinstance(part, LineString)]
    route.refresh_from_db(fields=["length_m"])
    length_m = float(route.length_m or 0.0)
    crossed, keeper = _municipalities(route)
    if route.municipality_id is None:
        route.municipality = keeper
    first, last = parts[0][0], parts[-1][-1]
    route.circular = bool(GEOD.inv(first[0], first[1], last[0], last[1])[2] <= CIRCULAR_WITHIN_M)
    profile = profile_from_track(parts=parts, elevations_m=route.track_elevations_m)
    _profile_apply(route, profile=profile, source=ProfileSource.TRACK, length_m=length_m)
    route.save(update_fields=[*MEASURED_FIELDS, "updated_at"])
    route.municipalities.set(crossed)
    return route


def _profile_apply(route: Route, *, profile: list[list[float | None]], source: str, length_m: float) -> None:
    """Set ``route``'s profile (from ``source``, or none when it has no elevation) and the facts measured from it:
    ascent, descent, lowest and highest point, steepest gradient, duration and suggested difficulty."""
    heights = [e for _d, e in profile if e is not None]
    route.profile = profile if heights else []
    route.profile_source = source if heights else ProfileSource.NONE
    route.profile_partial = bool(heights) and len(heights) < len(profile)
    if heights:
        route.ascent_m, route.descent_m = (round(v, 1) for v in ascent_descent_m(elevations_m=heights))
        route.lowest_m, route.highest_m = min(heights), max(heights)
    else:
        route.ascent_m = route.descent_m = route.lowest_m = route.highest_m = None
    route.steepest_pct = steepest_pct(profile=route.profile)
    route.duration_min = duration_min(mode=route.mode, length_m=length_m, profile=route.profile)
    route.suggested_difficulty = difficulty_suggest(length_m=length_m, ascent_m=route.ascent_m)


@transaction.atomic
def route_profile_store(*, route_id: int) -> Route:
    """Choose and store the profile of route ``route_id`` with the facts measured from it: its keeper
    municipality's DEM first (gis.elevation, sampled bilinearly every PROFILE_STEP_M; source "dem", partial where
    the DEM leaves stations without a value), else the track's own elevations (source "track"), else none. A DEM
    that covers none of the line counts as no DEM. Reads rasters: call it from a task (gis.tasks), not a request."""
    route = Route.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=route_id)
    parts = [list(part.coords) for part in route.geometry if isinstance(part, LineString)]
    length_m = float(route.length_m or 0.0)
    profile: list[list[float | None]] = []
    if route.municipality is not None and route.municipality.dem:
        from .elevation import profile_from_dem  # rasterio: loaded by the worker only

        profile = profile_from_dem(parts=parts, dem=route.municipality.dem)
    if any(e is not None for _d, e in profile):
        _profile_apply(route, profile=profile, source=ProfileSource.DEM, length_m=length_m)
    else:
        profile = profile_from_track(parts=parts, elevations_m=route.track_elevations_m)
        _profile_apply(route, profile=profile, source=ProfileSource.TRACK, length_m=length_m)
    route.save(update_fields=[*PROFILE_FIELDS, "updated_at"])
    return route


PROFILE_FIELDS = (
    "profile",
    "profile_source",
    "profile_partial",
    "ascent_m",
    "descent_m",
    "lowest_m",
    "highest_m",
    "steepest_pct",
    "duration_min",
    "suggested_difficulty",
)
MEASURED_FIELDS = ("municipality", "circular", *PROFILE_FIELDS)

_ALONG_SQL = """
WITH parts AS (
    SELECT d.path[1] AS n, d.geom, ST_Length(d.geom::geography) AS length_m
    FROM xgis_route r, ST_Dump(r.geometry) AS d WHERE r.id = %s
), placed AS (
    SELECT n, geom, length_m, COALESCE(SUM(length_m) OVER (ORDER BY n ROWS UNBOUNDED PRECEDING EXCLUDE CURRENT ROW),
                                       0) AS before_m
    FROM parts
)
SELECT s.id, (
    SELECT placed.before_m + ST_LineLocatePoint(placed.geom, p.location) * placed.length_m
    FROM placed ORDER BY ST_Distance(placed.geom::geography, p.location::geography), placed.n LIMIT 1
) AS along_m
FROM xgis_routestop s JOIN xgis_place p ON p.id = s.place_id
WHERE s.route_id = %s
"""


def stops_along_m(*, route: Route) -> dict[int, float]:
    """Each stop's distance (m) from the start along the line: the geodesic length to the point of the nearest
    part that is closest to its place (ST_LineLocatePoint), the parts walked in order."""
    with connection.cursor() as cursor:
        cursor.execute(_ALONG_SQL, [route.pk, route.pk])
        return {stop_id: float(along) for stop_id, along in cursor.fetchall()}


@transaction.atomic
def route_stops_order_along_line(*, route: Route) -> list[RouteStop]:
    """Number ``route``'s stops (sort_order from 0) in the order their places lie along the line (stops_along_m);
    stops at the same distance keep their previous order. Returns the stops in their new order."""
    along = stops_along_m(route=route)
    stops = sorted(RouteStop.objects.filter(route=route), key=lambda s: (along[s.pk], s.sort_order or 0, s.pk))
    for number, stop in enumerate(stops):
        stop.sort_order = number
    RouteStop.objects.bulk_update(stops, ["sort_order"])
    return stops
