"""One published route as a file: GPX 1.1 (written with gpxpy), KML 2.2 (the line by PostGIS ``ST_AsKML`` inside a
document built with ``xml.etree``) and GeoJSON (the feature of the ``routes`` collection, made by PostGIS from the
kind's declaration). Coordinates are EPSG:4326 degrees (longitude, latitude), elevations metres.
"""

import json
import uuid
import xml.etree.ElementTree as ET  # noqa: S405  (builds our own document; parsing goes through defusedxml)
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import defusedxml.ElementTree as SafeET
import gpxpy.gpx
import gpxpy.gpxfield
from anyascii import anyascii
from django.contrib.gis.geos import GEOSGeometry, LineString, MultiLineString
from django.db import connection
from django.utils.text import slugify
from psycopg import sql

from .api import queries
from .api.collections import Collection
from .api.kinds import DECIMALS
from .api.links import licence_url
from .api.queries import feature_one
from .api.routes import ROUTES
from .models import Route

KML_NS = "http://www.opengis.net/kml/2.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
FORMATS = {  # format -> media type
    "gpx": "application/gpx+xml",
    "kml": "application/vnd.google-earth.kml+xml",
    "geojson": "application/geo+json",
}


class _TrackPoint(gpxpy.gpx.GPXTrackPoint):
    """A GPX track point (latitude, longitude in EPSG:4326 degrees, elevation in metres) that gpxpy writes by its
    three fields alone: gpxpy's writer walks a point class's field list, about twenty fields for each of a track's
    points, although ours set only these three; the XML it writes for them is the same."""

    __slots__ = ()
    gpx_10_fields = gpxpy.gpx.GPX_10_POINT_FIELDS[:3]
    gpx_11_fields = gpxpy.gpx.GPX_11_POINT_FIELDS[:3]


@dataclass(frozen=True)
class RouteFile:
    """A route written in one format: its bytes, media type and file name."""

    content: bytes
    media_type: str
    filename: str


def route_public_get(*, uid: str) -> Route | None:
    """The published route with this uid (gis.public: in a municipality, not withdrawn), or None."""
    try:
        key = uuid.UUID(uid)
    except ValueError:
        return None
    return Route.objects.public().select_related("municipality", "dataset").filter(uid=key).first()


def route_filename(*, route: Route, fmt: str) -> str:
    """The download's file name: the route's name in Latin letters (Greek transliterated), e.g. ``vyzantina.gpx``."""
    return f"{slugify(anyascii(route.name))[:80] or 'route'}.{fmt}"


def route_licence(route: Route) -> tuple[str, str]:
    """(licence, attribution) of a route: its source dataset's when imported from one, else its municipality's."""
    dataset = route.dataset
    licence = (dataset.licence if dataset else "") or (route.municipality.licence if route.municipality else "")
    return licence, dataset.attribution if dataset else ""


def route_gpx(*, route: Route, site_url: str) -> str:
    """GPX 1.1 of ``route``: one track, one segment per part of its line (in order, elevations from the source
    track where it had them), its stops as waypoints named after their places, and metadata naming the route,
    linking to ``site_url`` and giving the licence (``copyright``)."""
    gpx = gpxpy.gpx.GPX()
    gpx.name = route.name
    gpx.link, gpx.link_text = site_url, route.municipality.name if route.municipality else site_url
    licence, attribution = route_licence(route)
    gpx.copyright_author = attribution or (route.municipality.name if route.municipality else "")
    gpx.copyright_license = licence_url(licence) if licence else None
    gpx.description = licence or None
    gpx.tracks.append(_track(name=route.name, parts=_line_parts(route=route), elevations=route.track_elevations_m))
    for stop in route.route_stops.select_related("place").order_by("sort_order"):
        point = stop.place.location
        gpx.waypoints.append(
            gpxpy.gpx.GPXWaypoint(latitude=point.y, longitude=point.x, name=stop.place.name, comment=stop.note or None)
        )
    return gpx.to_xml(version="1.1", prettyprint=False)


def _track(
    *, name: str, parts: Sequence[Sequence[Sequence[float]]], elevations: Sequence[Sequence[float | None]] | None
) -> gpxpy.gpx.GPXTrack:
    """A GPX track named ``name``: one segment per part of the line ([[lon, lat], ...] in EPSG:4326, in order),
    each point with its elevation (metres) from ``elevations`` (one list per part) where there is one."""
    track = gpxpy.gpx.GPXTrack(name=name)
    elevations = elevations or []
    for index, part in enumerate(parts):
        heights = elevations[index] if index < len(elevations) else []
        heights = [*heights[: len(part)], *[None] * (len(part) - len(heights))]
        segment = gpxpy.gpx.GPXTrackSegment()
        segment.points = [
            _TrackPoint(latitude=lat, longitude=lon, elevation=height)
            for (lon, lat, *_z), height in zip(part, heights, strict=True)
        ]
        track.segments.append(segment)
    return track


def _pages_by_uid(*, uids: list[str], language: str) -> dict[str, str]:
    """{route uid: absolute URL of its live page}, in ``language`` where it has one, else in any language. The page
    model is found through the record's reverse relation (gis imports no page code)."""
    pages = Route._meta.get_field("pages").related_model._default_manager.live()  # type: ignore[attr-defined]  # a PageManager
    found: dict[str, str] = {}
    for page in pages.filter(route_record__uid__in=uids).select_related("locale", "route_record"):
        uid = str(page.route_record.uid)
        if uid not in found or page.locale.language_code == language:
            found[uid] = page.full_url
    return found


def routes_gpx_chunks(*, collection: Collection, values: dict, language: str, meta: dict) -> Iterator[bytes]:
    """The ``routes`` collection (filtered by ``values``) as GPX 1.1, written with gpxpy and streamed: one track per
    route (its published line, EPSG:4326, each part a segment in order; its name in ``language``, a link to its
    page and its licence), and metadata with the collection's title, licences, attribution and a link to the data
    page. gpxpy writes the document's envelope (without tracks) and each route's ``<trk>`` element, sent as it is
    written; so memory holds one batch of rows from the cursor and one route's track, never the whole document."""
    document = collection_envelope(meta=meta).to_xml(version="1.1", prettyprint=False)
    close_at = document.rindex("</gpx>")  # the tracks go last (GPX 1.1: metadata, wpt, rte, trk; no extensions)
    yield document[:close_at].encode()
    for track in collection_tracks(collection=collection, values=values, language=language):
        # gpxpy's own writer of a GPX document's tracks (it writes GPX.tracks as <trk> elements with it)
        yield gpxpy.gpxfield.gpx_fields_to_xml(track, "trk", version="1.1", prettyprint=False).encode()
    yield document[close_at:].encode()


def collection_envelope(*, meta: dict) -> gpxpy.gpx.GPX:
    """A GPX document without tracks: the metadata of a collection's download (``meta``: title, licences,
    attribution, a link to the data page)."""
    envelope = gpxpy.gpx.GPX()
    envelope.name = str(meta["title"])
    # every licence of the routes in the file (each track names its own); GPX's copyright holds one licence URL
    envelope.description = f"{meta['description']} ({meta['licence']})" if meta["licence"] else str(meta["description"])
    envelope.link, envelope.link_text = meta["documentation"], str(meta["title"])
    envelope.copyright_author = meta["attribution"] or meta["licence"]
    envelope.copyright_license = meta["licence_urls"][0] if meta["licence_urls"] else None
    return envelope


def collection_tracks(*, collection: Collection, values: dict, language: str) -> Iterator[gpxpy.gpx.GPXTrack]:
    """Each route of ``collection`` (filtered by ``values``) as a GPX track, one at a time from a server-side
    cursor: its published line (EPSG:4326, each part a segment in order), its name in ``language``, a link to its
    page and its licence."""
    names, _select = queries.flat_sql(collection.kind, geometry="wkt")
    at_name, at_licence = names.index("name"), names.index("licence")
    for rows in queries.features_stream(collection=collection, values=values, language=language, flat="wkt"):
        links = _pages_by_uid(uids=[row[0] for row in rows], language=language)
        for row in rows:
            line = GEOSGeometry(row[-1], srid=4326)
            lines = list(line) if isinstance(line, MultiLineString) else [line]
            parts = [part.coords for part in lines if isinstance(part, LineString)]
            track = _track(name=row[at_name], parts=parts, elevations=None)
            track.link = links.get(row[0])
            track.description = row[at_licence]
            yield track


def _line_parts(*, route: Route) -> list[list[list[float]]]:
    """The parts of the route's stored line as [[lon, lat], ...] lists, in order, from PostGIS' GeoJSON (parsed by
    the json module: reading 10,000 vertices one by one through GEOS took a quarter of a GPX download's time)."""
    query = sql.SQL("SELECT ST_AsGeoJSON(ST_Multi(r.geometry), {decimals}) FROM {route} r WHERE r.id = %(id)s").format(
        decimals=sql.Literal(DECIMALS), route=sql.Identifier(Route._meta.db_table)
    )
    with connection.cursor() as cursor:
        cursor.execute(query, {"id": route.pk})
        (geojson,) = cursor.fetchone()
    return json.loads(geojson)["coordinates"]


def _kml_parts(*, route: Route) -> list[str]:
    """Each part of the route's line as a KML <LineString> (PostGIS ``ST_AsKML``, DECIMALS places), in order."""
    query = sql.SQL(
        "SELECT ST_AsKML(part.geom, {decimals}) FROM {route} r, ST_Dump(r.geometry) part WHERE r.id = %(id)s"
        " ORDER BY part.path"
    ).format(decimals=sql.Literal(DECIMALS), route=sql.Identifier(Route._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(query, {"id": route.pk})
        return [kml for (kml,) in cursor.fetchall()]


def route_kml(*, route: Route, site_url: str) -> bytes:
    """KML 2.2 of ``route``: a Document with the route as a Placemark (a MultiGeometry of its parts' LineStrings,
    in order) and a Placemark per stop, with the licence in the description and a link to ``site_url``."""
    ET.register_namespace("", KML_NS)
    ET.register_namespace("atom", ATOM_NS)

    def kml(tag: str) -> str:
        return f"{{{KML_NS}}}{tag}"

    root = ET.Element(kml("kml"))
    document = ET.SubElement(root, kml("Document"))
    ET.SubElement(document, kml("name")).text = route.name
    ET.SubElement(document, f"{{{ATOM_NS}}}link", href=site_url)
    licence, attribution = route_licence(route)
    ET.SubElement(document, kml("description")).text = "; ".join(filter(None, [licence, attribution]))
    line = ET.SubElement(document, kml("Placemark"))
    ET.SubElement(line, kml("name")).text = route.name
    geometry = ET.SubElement(line, kml("MultiGeometry"))
    for fragment in _kml_parts(route=route):
        # PostGIS writes the fragment without a namespace: read it safely, then put it in the KML namespace
        part = SafeET.fromstring(fragment)
        for element in part.iter():
            element.tag = kml(element.tag)
        geometry.append(part)
    for number, stop in enumerate(route.route_stops.select_related("place").order_by("sort_order"), start=1):
        mark = ET.SubElement(document, kml("Placemark"))
        ET.SubElement(mark, kml("name")).text = f"{number}. {stop.place.name}"
        if stop.note:
            ET.SubElement(mark, kml("description")).text = stop.note
        point = ET.SubElement(mark, kml("Point"))
        location = stop.place.location
        ET.SubElement(point, kml("coordinates")).text = f"{location.x:.{DECIMALS}f},{location.y:.{DECIMALS}f}"
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def route_geojson(*, route: Route, language: str) -> str:
    """The route as a GeoJSON Feature (RFC 7946), the ``routes`` collection's feature with the kind's properties."""
    found = feature_one(collection=Collection(ROUTES), feature_id=str(route.uid), language=language)
    if found is None:  # published a moment ago, withdrawn now
        raise Route.DoesNotExist(str(route.uid))
    return found[0]


def route_file(*, route: Route, fmt: str, language: str, site_url: str) -> RouteFile:
    """``route`` written in ``fmt`` (gpx, kml or geojson), names in ``language``."""
    if fmt == "gpx":
        content = route_gpx(route=route, site_url=site_url).encode()
    elif fmt == "kml":
        content = route_kml(route=route, site_url=site_url)
    elif fmt == "geojson":
        content = route_geojson(route=route, language=language).encode()
    else:
        raise ValueError(f"not a route format: {fmt!r}")
    return RouteFile(content, FORMATS[fmt], route_filename(route=route, fmt=fmt))
