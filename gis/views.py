"""Public JSON endpoints of a municipality's map. ``request.municipality`` is set by the site's middleware."""

import json

from django.conf import settings
from django.contrib.gis.geos import Point
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from . import formats, params, selectors

POINTS_MAX = 300  # above this many places in view, the map gets server-side clusters
PAGE_DEFAULT, PAGE_MAX = 100, 1000
NEAR_RADIUS_DEFAULT_M, NEAR_RADIUS_MAX_M = 2000.0, 50000.0
CACHE = "public, max-age=60"


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
        bbox=params.bbox(query),
        categories=params.slugs(query, "category"),
        periods=params.slugs(query, "period"),
        text=params.text(query, "q"),
    )


@require_safe
def places(request: HttpRequest) -> HttpResponse:
    """GeoJSON of the places matching bbox/category/period/q. With ``zoom``, more than POINTS_MAX places come as
    grid clusters; without it, a name-sorted page (``limit``, ``offset``) with a ``next`` link."""
    try:
        where = place_filter(request)
        zoom = params.integer(request.GET, "zoom", default=None, low=0, high=22)
        limit = params.integer(request.GET, "limit", default=PAGE_DEFAULT, low=1, high=PAGE_MAX)
        offset = params.integer(request.GET, "offset", default=0, low=0, high=10**7)
    except params.BadParameter as error:
        return _bad_request(error)
    matched = selectors.places_count(where=where)
    if zoom is not None and matched > POINTS_MAX:
        features = selectors.places_clustered_json(where=where, zoom=zoom)
        return _geojson_text(features, {"numberMatched": matched, "clustered": True})
    if zoom is not None:
        limit, offset = POINTS_MAX, 0
    features = selectors.places_page_json(where=where, limit=limit, offset=offset)
    returned = min(limit, max(0, matched - offset))
    members: dict[str, object] = {"numberMatched": matched, "numberReturned": returned, "clustered": False}
    if offset + returned < matched:
        query = request.GET.copy()
        query["offset"] = str(offset + returned)
        query["limit"] = str(limit)
        href = f"{request.path}?{query.urlencode()}"
        members["links"] = [{"rel": "next", "type": "application/geo+json", "href": href}]
    return _geojson_text(features, members)


def _geojson_text(features_json: str, members: dict) -> HttpResponse:
    """A FeatureCollection around a JSON array made by PostGIS (not parsed again in Python)."""
    head = json.dumps({"type": "FeatureCollection", **members}, ensure_ascii=False)[:-1]
    response = HttpResponse(f'{head}, "features": {features_json}}}', content_type="application/geo+json")
    response["Cache-Control"] = CACHE
    return response


@require_safe
def near(request: HttpRequest) -> JsonResponse:
    """The places nearest a point (``lat``, ``lon`` in WGS 84 degrees, rounded to XENAGOS_NEAR_DECIMALS first, for
    the visitor's privacy; within ``radius`` metres, default 2 km), nearest first, with geodesic distance and walking
    time. Nothing about the request is stored."""
    try:
        lon, lat = params.point_rounded(request.GET, decimals=settings.XENAGOS_NEAR_DECIMALS)
        radius = params.radius_m(request.GET, default=NEAR_RADIUS_DEFAULT_M, high=NEAR_RADIUS_MAX_M)
        limit = params.integer(request.GET, "limit", default=10, low=1, high=50)
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
