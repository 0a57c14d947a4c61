"""Reads of routes for their public pages: the stops in order with their distance along the line, and the routes a
place is a stop of. Geometry is EPSG:4326; distances are geodesic metres on the WGS 84 spheroid."""

from dataclasses import dataclass

from django.db import connection
from psycopg import sql

from .languages import language_params, localized
from .models import Place, PlaceText, Route, RouteStop
from .public import public_name_sql


@dataclass(frozen=True)
class RouteStopRow:
    """A stop of a route as its page shows it: its number (from 1), the place's public name and page path (''
    when it has none), its point (EPSG:4326 degrees), the note, and its distance from the start along the line."""

    number: int
    place_uid: str
    name: str
    url: str
    lon: float
    lat: float
    note: str
    distance_m: float

    @property
    def distance_km(self) -> float:
        """The distance from the start in kilometres."""
        return self.distance_m / 1000


def route_stops_along(*, route: Route, language: str) -> list[RouteStopRow]:
    """The stops of ``route`` in their order, each with its distance in geodesic metres from the start of the line.

    A stop is placed on the part of the line nearest to it (``ST_LineLocatePoint`` on that part); its distance is
    the geodesic length of the parts before that one plus the geodesic length of the part up to that point
    (``ST_LineSubstring`` measured as geography), so a line that turns is measured in metres, not in degrees."""
    tables = {
        name: sql.Identifier(model._meta.db_table)
        for name, model in (("route", Route), ("stop", RouteStop), ("place", Place), ("text", PlaceText))
    }
    query = sql.SQL(
        """WITH parts AS (
               SELECT (d).path[1] AS n, (d).geom AS geom, ST_Length((d).geom::geography) AS length_m
               FROM (SELECT ST_Dump(geometry) AS d FROM {route} WHERE id = %(route)s) dumped),
           measured AS (
               SELECT n, geom, COALESCE(sum(length_m) OVER (ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING
                                                            AND 1 PRECEDING), 0) AS before_m
               FROM parts)
           SELECT s.sort_order, r.uid::text, {name}, COALESCE(t.url, ''), ST_X(r.location), ST_Y(r.location),
                  s.note_el, s.note_en, a.distance_m
           FROM {stop} s
           JOIN {place} r ON r.id = s.place_id
           LEFT JOIN {text} t ON t.place_id = r.id AND t.language = %(lang)s
           CROSS JOIN LATERAL (
               SELECT m.before_m + ST_Length(
                          ST_LineSubstring(m.geom, 0, ST_LineLocatePoint(m.geom, r.location))::geography
                      ) AS distance_m
               FROM measured m ORDER BY ST_Distance(m.geom, r.location), m.n LIMIT 1) a
           WHERE s.route_id = %(route)s
           ORDER BY s.sort_order, s.id"""
    ).format(name=sql.SQL(public_name_sql(place="r", text="t")), **tables)
    with connection.cursor() as cursor:
        cursor.execute(query, {"route": route.pk, **language_params(language)})
        rows = cursor.fetchall()
    stops = []
    for number, (_order, uid, name, url, lon, lat, note_el, note_en, distance_m) in enumerate(rows, start=1):
        note = localized({"el": note_el, "en": note_en})
        stops.append(RouteStopRow(number, uid, name, url, lon, lat, note, float(distance_m or 0.0)))
    return stops


def routes_of_place(*, place: Place):
    """The public routes (not withdrawn) that ``place`` is a stop of, by name."""
    return Route.objects.public().filter(route_stops__place=place).distinct().order_by("name_el")
