"""What a route's public page shows (``RoutePage``): its map with the line and numbered stops, the stops with their
distance from the start, the measured facts, downloads and structured data; and the routes a place page lists.

``content.models`` imports this module, so it imports no page model: a route's pages are reached through its
record (``route.pages``).
"""

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.contrib.gis.geos import LineString
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gis import maps, selectors
from gis.models import Difficulty, Municipality, Place, ProfileSource, Route, Season
from gis.route_selectors import RouteStopRow, route_stops_along, routes_of_place

from .place_context import json_ld_script

if TYPE_CHECKING:
    from .models import RoutePage

ROUTE_MAP_JS = "content/js/route-map.js"
ROUTE_LINE_STYLE = {"color": "#0b5394", "weight": 5, "opacity": 0.9}
DOWNLOAD_FORMATS = [("gpx", "GPX 1.1"), ("kml", "KML"), ("geojson", "GeoJSON")]
PROFILE_DATA_ID = "route-profile-data"  # the json_script of the profile, read by route-profile.js and route-map.js
PROFILE_TABLE_ROWS = 100  # the profile's data table has at most about this many rows
PROFILE_TABLE_STEPS_M = (100, 200, 250, 500, 1000, 2000, 5000)  # its step: the first that keeps to that


def route_municipality_error(*, route: Route, municipality: Municipality | None) -> str:
    """The message (in the active language) when ``route`` is not kept by ``municipality``, else ""."""
    if municipality is None or route.municipality_id == municipality.pk:
        return ""
    if route.municipality_id is None:
        return _(
            "The route “%(route)s” is kept by no municipality; a page of the municipality of %(page)s may only show "
            "that municipality’s own routes."
        ) % {"route": route.name, "page": municipality.name}
    return _(
        "The route “%(route)s” is kept by the municipality of %(other)s; a page of the municipality of %(page)s may "
        "only show that municipality’s own routes."
    ) % {
        "route": route.name,
        "other": Municipality.objects.get(pk=route.municipality_id).name,
        "page": municipality.name,
    }


def route_map(*, route: Route, stops: list[RouteStopRow], name: str, profile: bool = False) -> maps.EmbeddedMap:
    """The route's map: its line (EPSG:4326) and its stops as numbered markers that open the stops' pages, fitted
    to the line and the stops; with ``profile``, a marker that follows the elevation chart (route-profile.js) and
    the chart's cursor that follows the pointer over the line."""
    west, south, east, north = route.geometry.extent
    for stop in stops:
        west, south, east, north = min(west, stop.lon), min(south, stop.lat), max(east, stop.lon), max(north, stop.lat)
    leaflet_map = maps.LeafletMap(
        element_id="xenagos-route-map", center=((south + north) / 2, (west + east) / 2), zoom=14, scale=True
    )
    leaflet_map.add(maps.base_layer(maps.base_maps()[0]))
    leaflet_map.add(
        maps.geojson_layer(data=route.geometry.geojson, name=name, style=ROUTE_LINE_STYLE, control=False),
    )
    leaflet_map.add(
        {
            "type": "routeStops",
            "stops": [
                {
                    "number": stop.number,
                    "latlng": [stop.lat, stop.lon],
                    "name": stop.name,
                    "url": stop.url,
                    # "Stop 3: Ancient Agora": what a screen reader announces for the marker
                    "label": _("Stop %(number)s: %(name)s") % {"number": stop.number, "name": stop.name},
                }
                for stop in stops
            ],
        },
        js=[ROUTE_MAP_JS],
    )
    if profile:
        leaflet_map.add({"type": "routeProfileSync", "dataId": PROFILE_DATA_ID}, js=[ROUTE_MAP_JS])
    leaflet_map.add(maps.fit_bounds(south=south, west=west, north=north, east=east, animate=False, padding=[24, 24]))
    return leaflet_map.embed()


def profile_table_step_m(*, length_m: float) -> int:
    """The distance (m) between two rows of the profile's data table: 100 m, or longer for a long route so that
    the table keeps to about PROFILE_TABLE_ROWS rows (a 20 km route: every 200 m)."""
    return next((step for step in PROFILE_TABLE_STEPS_M if length_m / step <= PROFILE_TABLE_ROWS), 10_000)


def profile_table_rows(*, profile: list[list[float | None]], step_m: int) -> list[list[float | None]]:
    """The stations of ``profile`` ([[distance m, elevation m or None], ...], in order) shown in its data table:
    the first at or past each multiple of ``step_m``, and the last."""
    rows: list[list[float | None]] = []
    mark = 0.0
    for distance, elevation in profile:
        if distance is not None and distance >= mark - 1e-6:
            rows.append([distance, elevation])
            mark = (distance // step_m + 1) * step_m
    if profile and rows[-1][0] != profile[-1][0]:
        rows.append(list(profile[-1]))
    return rows


def _number(value: float, places: int) -> str:
    return number_format(round(value, places), decimal_pos=places, use_l10n=True)


def route_profile(*, route: Route, stops: list[RouteStopRow]) -> dict[str, Any] | None:
    """The elevation chart of the route page, or None without a profile: its data for route-profile.js (stations
    [distance m, elevation m or None, lon, lat] in EPSG:4326, the stops' distances, labels), the text that
    describes it, and its data table (distances in km, elevations in m)."""
    profile = route.profile or []
    if route.profile_source == ProfileSource.NONE or not any(e is not None for _d, e in profile):
        return None
    # numpy and pyproj, which gis.routes needs, stay out of a web worker's start-up (tests/xenagos/test_light_web.py)
    from gis.routes import points_along

    parts = [list(part.coords) for part in route.geometry if isinstance(part, LineString)]
    lonlat = points_along(parts=parts, distances_m=[d for d, _e in profile])
    length_m = float(profile[-1][0] or 0.0)
    heights = [e for _d, e in profile if e is not None]
    ascent = route.ascent_m if route.ascent_m is not None else 0.0
    descent = route.descent_m if route.descent_m is not None else 0.0
    source = route.get_profile_source_display()
    summary = _(
        "Elevation profile of the route, %(km)s km long: lowest point %(low)s m, highest %(high)s m, %(up)s m of "
        "ascent and %(down)s m of descent. Elevations from %(source)s."
    ) % {
        "km": _number(length_m / 1000, 1),
        "low": _number(min(heights), 0),
        "high": _number(max(heights), 0),
        "up": _number(ascent, 0),
        "down": _number(descent, 0),
        "source": source,
    }
    if route.profile_partial:
        summary += " " + _("Part of the route has no elevations: the profile has gaps there.")
    step_m = profile_table_step_m(length_m=length_m)
    return {
        "summary": summary,
        "source": source,
        "partial": route.profile_partial,
        "step_m": step_m,
        "rows": [
            {"km": _number(d / 1000, 2), "m": None if e is None else _number(e, 0)}
            for d, e in profile_table_rows(profile=profile, step_m=step_m)
            if d is not None
        ],
        "data": {
            "stations": [[d, e, lon, lat] for (d, e), (lon, lat) in zip(profile, lonlat, strict=True)],
            "stops": [[stop.number, round(stop.distance_m, 1)] for stop in stops],
            "labels": {
                "distance": _("Distance from the start (km)"),
                "elevation": _("Elevation (m)"),
                # {km} and {m} are filled in by route-profile.js with numbers in the page's language
                "point": _("{km} km from the start: {m} m"),
                "pointNoElevation": _("{km} km from the start: no elevation there"),
            },
        },
    }


def route_downloads(*, route: Route) -> list[dict[str, str]]:
    """Links to the route's line as GPX, KML and GeoJSON (route-download); none where that URL is not served."""
    links = []
    for fmt, label in DOWNLOAD_FORMATS:
        try:
            url = reverse("route-download", kwargs={"uid": route.uid, "fmt": fmt})
        except NoReverseMatch:
            continue
        links.append({"url": url, "label": label, "fmt": fmt})
    return links


def route_facts(*, route: Route, stops: list[RouteStopRow]) -> dict[str, Any]:
    """The measured and recorded facts of a route for its page (lengths in km, heights in m, duration in minutes)."""
    difficulty = route.difficulty_shown
    return {
        "length_km": (route.length_m or 0) / 1000,
        "duration_min": route.duration_min,
        "duration_hours": divmod(route.duration_min, 60) if route.duration_min else None,
        "ascent_m": route.ascent_m,
        "descent_m": route.descent_m,
        "lowest_m": route.lowest_m,
        "highest_m": route.highest_m,
        "steepest_pct": route.steepest_pct,
        "difficulty": route.get_difficulty_display() if route.difficulty else _difficulty_label(difficulty),
        "difficulty_suggested": bool(difficulty) and not route.difficulty,
        "step_free": route.get_step_free_display() if route.step_free else "",
        "seasons": season_labels(route),
        "mode": route.get_mode_display(),
        "circular": route.circular,
        "start": stops[0].name if stops else "",
        "end": (stops[0].name if route.circular else stops[-1].name) if stops else "",
        "profile_source": route.get_profile_source_display() if route.profile_source else "",
        "profile_partial": route.profile_partial,
    }


def _difficulty_label(code: str) -> str:
    return str(Difficulty(code).label) if code else ""


def season_labels(route: Route) -> list[str]:
    """The route's best seasons by their names in the active language, in the year's order."""
    return [str(season.label) for season in Season if season.value in route.seasons]


def route_json_ld(*, name: str, summary: str, url: str, language: str, stops: list[RouteStopRow], base: str) -> dict:
    """schema.org ``TouristTrip`` of the route, its itinerary an ``ItemList`` of the stops in order."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "TouristTrip",
        "name": name,
        "url": url,
        "inLanguage": language,
        "itinerary": {
            "@type": "ItemList",
            "numberOfItems": len(stops),
            "itemListOrder": "https://schema.org/ItemListOrderAscending",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": stop.number,
                    "item": {
                        "@type": "TouristAttraction",
                        "name": stop.name,
                        **({"url": f"{base}{stop.url}"} if stop.url else {}),
                        "geo": {
                            "@type": "GeoCoordinates",
                            "latitude": round(stop.lat, 7),
                            "longitude": round(stop.lon, 7),
                        },
                    },
                }
                for stop in stops
            ],
        },
    }
    if summary:
        data["description"] = summary
    return data


def route_context(request, *, page: "RoutePage") -> dict[str, Any]:
    """What a route page shows, for ``page`` in the active language."""
    language = get_language() or "el"
    route = page.route_record
    # A stop without a page of its own opens its record on the places index (PlaceIndexPage.place_record).
    index_url = page.get_parent().localized.get_url(request) or ""
    stops = [
        stop if stop.url or not stop.keepers_public else replace(stop, url=f"{index_url}p/{stop.place_uid}/")
        for stop in route_stops_along(route=route, language=language)
    ]
    own_url = page.get_url(request)
    absolute = request.build_absolute_uri(own_url)
    base = request.build_absolute_uri("/").rstrip("/")
    theme = selectors.vocabulary_in(route.theme, language=language) if route.theme else None
    profile = route_profile(route=route, stops=stops)
    return {
        "route": route,
        "route_name": page.title,
        "summary": page.summary,
        "theme": theme,
        "stops": stops,
        "facts": route_facts(route=route, stops=stops),
        "images": list(page.gallery_images.select_related("image")),
        "downloads": route_downloads(route=route),
        "absolute_url": absolute,
        "qr_base": own_url,
        "route_map": route_map(route=route, stops=stops, name=page.title, profile=profile is not None),
        "profile": profile,
        "profile_data_id": PROFILE_DATA_ID,
        "json_ld": json_ld_script(
            route_json_ld(
                name=page.title, summary=page.summary, url=absolute, language=language, stops=stops, base=base
            )
        ),
        "no_profile": route.profile_source == ProfileSource.NONE,
    }


def place_routes(request, *, place: Place) -> list[dict[str, str]]:
    """The live route pages, in the active language and under no view restriction, of the public routes ``place``
    is a stop of: title, URL (absolute when the page is on another municipality's site: the route's keeper's) and
    ``keeper``, the keeping municipality's name when that is not the place's own ('' otherwise)."""
    language = get_language() or "el"
    items = []
    for route in routes_of_place(place=place).select_related("municipality"):
        pages = route.pages.live().public().filter(locale__language_code=language).order_by("path")
        page = pages.first()
        url = page.get_url(request) if page is not None else None
        if page is None or not url:  # no live page, or one under no site
            continue
        own = route.municipality_id == place.municipality_id
        items.append({"title": page.title, "url": url, "keeper": "" if own else route.municipality.name})
    return items
