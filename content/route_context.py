"""What a route's public page shows (``RoutePage``): its map with the line and numbered stops, the stops with their
distance from the start, the measured facts, downloads and structured data; and the routes a place page lists.

``content.models`` imports this module, so it imports no page model: a route's pages are reached through its
record (``route.pages``).
"""

from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse
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


def route_map(*, route: Route, stops: list[RouteStopRow], name: str) -> maps.EmbeddedMap:
    """The route's map: its line (EPSG:4326) and its stops as numbered markers that open the stops' pages, fitted
    to the line and the stops."""
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
    leaflet_map.add(maps.fit_bounds(south=south, west=west, north=north, east=east, animate=False, padding=[24, 24]))
    return leaflet_map.embed()


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
    stops = route_stops_along(route=route, language=language)
    own_url = page.get_url(request)
    absolute = request.build_absolute_uri(own_url)
    base = request.build_absolute_uri("/").rstrip("/")
    theme = selectors.vocabulary_in(route.theme, language=language) if route.theme else None
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
        "route_map": route_map(route=route, stops=stops, name=page.title),
        "json_ld": json_ld_script(
            route_json_ld(
                name=page.title, summary=page.summary, url=absolute, language=language, stops=stops, base=base
            )
        ),
        "no_profile": route.profile_source == ProfileSource.NONE,
    }


def place_routes(request, *, place: Place) -> list[dict[str, str]]:
    """The live route pages, in the active language, of the routes ``place`` is a stop of: title and URL."""
    language = get_language() or "el"
    items = []
    for route in routes_of_place(place=place):
        page = route.pages.filter(live=True, locale__language_code=language).order_by("path").first()
        if page is not None:
            items.append({"title": page.title, "url": page.get_url(request)})
    return items
