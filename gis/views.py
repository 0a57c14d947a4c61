"""Public JSON endpoints of a municipality's map. ``request.municipality`` is set by the site's middleware."""

import math

from django.conf import settings
from django.contrib.gis.geos import Point
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import get_language
from django.views.decorators.http import require_safe
from wagtail.models import Site

from . import formats, route_formats, route_selectors, selectors
from .api import parameters as params
from .models import Difficulty, Route, RouteMode, StepFree

POINTS_MAX = 300  # above this many places in view, the map gets server-side clusters
PAGE_DEFAULT, PAGE_MAX = 100, 1000
NEAR_RADIUS_DEFAULT_M, NEAR_RADIUS_MAX_M = 2000.0, 50000.0
CACHE = "public, max-age=60"
DOWNLOAD_CACHE = "public, max-age=300"  # as the open-data downloads (gis.api.downloads)


def _municipality(request: HttpRequest):
    municipality = getattr(request, "municipality", None)
    if municipality is None:
        raise Http404("This site has no municipality.")
    return municipality


def _bad_request(error: params.BadParameter) -> JsonResponse:
    return JsonResponse({"error": "bad request", "detail": str(error)}, status=400)


def _geojson(data: dict) -> JsonResponse:
    response = JsonResponse(data, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = CACHE
    return response


def place_filter(request: HttpRequest) -> selectors.PlaceFilter:
    """The filter that the map, the list and their endpoints share, from the query string."""
    query = request.GET
    return selectors.PlaceFilter(
        municipality=_municipality(request),
        language=get_language() or "el",
        bbox=params.read_bbox(query),
        categories=params.read_slugs(query, "category"),
        periods=params.read_slugs(query, "period"),
        text=params.read_text(query, "q"),
    )


@require_safe
def places(request: HttpRequest) -> HttpResponse:
    """GeoJSON of the places matching bbox/category/period/q. With ``zoom``, more than POINTS_MAX places come as
    grid clusters; without it, a name-sorted page (``limit``, ``offset``) with a ``next`` link."""
    try:
        where = place_filter(request)
        zoom = params.read_integer(request.GET, "zoom", default=None, low=0, high=22)
        limit = params.read_integer(request.GET, "limit", default=PAGE_DEFAULT, low=1, high=PAGE_MAX)
        offset = params.read_integer(request.GET, "offset", default=0, low=0, high=10**7)
    except params.BadParameter as error:
        return _bad_request(error)
    matched = selectors.places_count(where=where)
    if zoom is not None and matched > POINTS_MAX:
        clustered = {"numberMatched": matched, "clustered": True}
        return _geojson_text(selectors.places_clustered_geojson(where=where, zoom=zoom, members=clustered))
    if zoom is not None:
        limit, offset = POINTS_MAX, 0
    returned = min(limit, max(0, matched - offset))
    members: dict = {"numberMatched": matched, "numberReturned": returned, "clustered": False}
    if offset + returned < matched:
        query = request.GET.copy()
        query["offset"] = str(offset + returned)
        query["limit"] = str(limit)
        href = f"{request.path}?{query.urlencode()}"
        members["links"] = [{"rel": "next", "type": "application/geo+json", "href": href}]
    return _geojson_text(selectors.places_page_geojson(where=where, limit=limit, offset=offset, members=members))


def _geojson_text(collection: str) -> HttpResponse:
    """A FeatureCollection made by PostGIS, as it is (not parsed again in Python)."""
    response = HttpResponse(collection, content_type="application/geo+json")
    response["Cache-Control"] = CACHE
    return response


# The routes list's and map's filters: (query parameter, choices or None for a slug) of the multi-valued ones, then
# the ranges (km, hours). The list's GET form and the map data endpoint read the same names.
ROUTE_CHOICES = {
    "theme": None,
    "mode": RouteMode.values,
    "difficulty": Difficulty.values,
    "step_free": StepFree.values,
}
ROUTE_RANGES = {"length_from": 1000.0, "length_to": 1000.0, "hours_from": 100.0, "hours_to": 100.0}  # highest value


def _route_values(query, name: str) -> list[str]:
    return [part.strip() for value in query.getlist(name) for part in value.split(",") if part.strip()]


def route_filter(request: HttpRequest) -> tuple[route_selectors.RouteFilter, list[str]]:
    """The routes list's and map's filter from the query string (see ROUTE_CHOICES, ROUTE_RANGES: lengths in km,
    durations in hours, both bounds inclusive) and the names of the parameters that were not understood (dropped
    from the filter)."""
    query = request.GET
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("This site has no municipality.")
    invalid: list[str] = []
    chosen: dict[str, list[str]] = {}
    for name, choices in ROUTE_CHOICES.items():
        values = _route_values(query, name)
        good = [v for v in values if (v in choices if choices is not None else params.SLUG.match(v))]
        if len(good) != len(values):
            invalid.append(name)
        chosen[name] = good
    bounds: dict[str, float | None] = {}
    for name, highest in ROUTE_RANGES.items():
        text = (query.get(name) or "").strip().replace(",", ".")
        bounds[name] = None
        if text:
            try:
                value = float(text)
            except ValueError:
                value = math.nan
            if math.isfinite(value) and 0 <= value <= highest:
                bounds[name] = value
            else:
                invalid.append(name)
    try:
        bbox = params.read_bbox(query)
    except params.BadParameter:
        bbox = None
        invalid.append("bbox")
    hours = [None if (hour := bounds[name]) is None else round(hour * 60) for name in ("hours_from", "hours_to")]
    where = route_selectors.RouteFilter(
        municipality=_municipality(request),
        site_root_id=site.root_page_id,
        language=get_language() or "el",
        themes=chosen["theme"],
        modes=chosen["mode"],
        difficulties=chosen["difficulty"],
        step_free=chosen["step_free"],
        length_km=(bounds["length_from"], bounds["length_to"]),
        duration_min=(hours[0], hours[1]),
        bbox=bbox,
    )
    return where, invalid


def routes_listed(request: HttpRequest) -> bool:
    """Whether the request's site lists any route in the active language (the header links the routes list only
    then: no page promises routes that are not there). One ``EXISTS`` query; the header keeps the answer in the
    cache (xenagos_tags.routes_listed)."""
    site = Site.find_for_request(request)
    municipality = getattr(request, "municipality", None)
    if site is None or municipality is None:
        return False
    where = route_selectors.RouteFilter(
        municipality=municipality, site_root_id=site.root_page_id, language=get_language() or "el"
    )
    return route_selectors.routes_exist(where=where)


@require_safe
def routes(request: HttpRequest) -> HttpResponse:
    """GeoJSON of the published routes of the site matching the routes list's filters (``route_filter``), each
    line simplified in SQL for ``zoom`` (0-22; without it the stored line), with ``name`` and ``url``; cached
    like the places by view (``CACHE``; ETag and 304 from the page cache, content.cache.DATA_PATHS)."""
    where, invalid = route_filter(request)
    try:
        if invalid:
            raise params.BadParameter(invalid[0], f"{invalid[0]} is not understood")
        zoom = params.read_integer(request.GET, "zoom", default=None, low=0, high=22)
        view = params.read_view(request.GET)
    except params.BadParameter as error:
        return _bad_request(error)
    members = {"numberMatched": route_selectors.routes_count(where=where)}
    return _geojson_text(route_selectors.routes_map_geojson(where=where, zoom=zoom, members=members, view=view))


@require_safe
def near(request: HttpRequest) -> JsonResponse:
    """The places nearest a point (``lat``, ``lon`` in WGS 84 degrees, rounded to XENAGOS_NEAR_DECIMALS first, for
    the visitor's privacy; within ``radius`` metres, default 2 km), nearest first, with geodesic distance and walking
    time. Nothing about the request is stored."""
    try:
        lon, lat = params.read_point_rounded(request.GET, decimals=settings.XENAGOS_NEAR_DECIMALS)
        radius = params.read_radius_m(request.GET, default=NEAR_RADIUS_DEFAULT_M, high=NEAR_RADIUS_MAX_M)
        limit = params.read_integer(request.GET, "limit", default=10, low=1, high=50)
    except params.BadParameter as error:
        return _bad_request(error)
    found = selectors.places_near(
        point=Point(lon, lat, srid=4326),
        language=get_language() or "el",
        radius_m=radius,
        limit=limit,
        municipality=_municipality(request),
    )
    features = [
        {
            "type": "Feature",
            "id": item.uid,
            "geometry": {"type": "Point", "coordinates": [round(item.lon, 7), round(item.lat, 7)]},
            "properties": {
                "name": item.name,
                "url": item.url or None,
                "category": item.category,
                "distance_m": round(item.distance_m),
                "walking_min": item.walking_min,
                "distance": formats.distance_text(distance_m=item.distance_m),
                "walking": formats.walking_text(minutes=item.walking_min),
            },
        }
        for item in found
    ]
    return _geojson(
        {
            "type": "FeatureCollection",
            "features": features,
            "numberReturned": len(features),
            "center": [lon, lat],
            "radius_m": radius,
        }
    )


@require_safe
def route_download(request: HttpRequest, uid: str, fmt: str) -> HttpResponse:
    """/routes/<uid>.<gpx|kml|geojson>: one published route as a file (404 for one that is not published); names
    in ``?lang=`` (Greek by default)."""
    try:
        language = params.parse_query(request.GET, [params.LANG])["lang"]
    except params.BadParameter as error:
        return _bad_request(error)
    route = route_formats.route_public_get(uid=uid)
    if route is None:
        raise Http404("There is no published route with this identifier.")
    with translation.override(language):
        try:
            written = route_formats.route_file(
                route=route, fmt=fmt, language=language, site_url=request.build_absolute_uri("/")
            )
        except Route.DoesNotExist as missing:
            raise Http404("There is no published route with this identifier.") from missing
    response = HttpResponse(written.content, content_type=written.media_type)
    response["Content-Disposition"] = f'attachment; filename="{written.filename}"'
    response["Content-Language"] = language
    response["Cache-Control"] = DOWNLOAD_CACHE
    return response
