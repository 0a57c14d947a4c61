"""Public views of a municipality's site that are not plain Wagtail page renders: the map (a place's own page and
its record's page are in ``content.place_context``)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gis import maps, selectors
from gis.api import parameters as params
from gis.formats import plural_forms
from gis.layers import map_layers

from .models import PlaceIndexPage
from .place_context import municipality_for_request

LIST_PAGE = 50


def _map_state(request: HttpRequest) -> tuple[dict, tuple[float, float, int] | None, str | None]:
    """Filters and view (lat, lon, zoom) from the map page's query string; invalid values are dropped and
    reported."""
    query = request.GET
    state: dict = {"category": [], "period": [], "q": ""}
    view = None
    error = None
    try:
        state = {
            "category": params.read_slugs(query, "category"),
            "period": params.read_slugs(query, "period"),
            "q": params.read_text(query, "q"),
        }
        if {"lat", "lon", "z"} <= set(query):
            lon, lat = params.read_point(query)
            view = (lat, lon, params.read_integer(query, "z", default=13, low=1, high=19))
    except params.BadParameter as bad:
        error = str(bad)
    return state, view, error


def municipality_map(request: HttpRequest) -> HttpResponse:
    """/<lang>/map/: the municipality's places on a Leaflet map (fetched by view, clustered), filters, search,
    "near me", and the same results as a list — the accessible equivalent of the map."""
    municipality = municipality_for_request(request)
    language = get_language() or "el"
    state, view, error = _map_state(request)
    index = PlaceIndexPage.for_request(request)
    config = {
        "endpoint": reverse("map-places"),
        "nearEndpoint": reverse("map-near"),
        "placeBase": index.get_url(request) if index else "",
        "filters": state,
        "labels": {
            "cluster": plural_forms("%(count)s place: zoom in", "%(count)s places: zoom in"),
            "more": _("Show more"),
            "shown": plural_forms(
                "%(shown)s of %(total)s place in this view", "%(shown)s of %(total)s places in this view"
            ),
            "none": _("No place matches in this view."),
            "open": _("Open the page"),
            "locating": _("Finding your location…"),
            "denied": _("Your location is not available. Click on the map or type a latitude and longitude."),
            "nearNone": _("No place within 2 km."),
            "pick": _("Click on the map to choose the point."),
        },
    }
    bounds = selectors.municipality_bounds(municipality=municipality)
    # other apps' layers (gis.layers): protected areas, then historical maps and hillshades over the area
    layers = map_layers(municipality=municipality, language=language, bounds=bounds)
    embedded = maps.municipality_map(
        bounds=bounds,
        boundary_geojson=selectors.municipality_boundary_geojson(municipality=municipality),
        boundary_label=_("Municipal boundary"),
        places_config=config,
        view=view,
        layers=layers,
    )
    where = selectors.PlaceFilter(
        municipality=municipality,
        language=language,
        categories=state["category"],
        periods=state["period"],
        text=state["q"],
    )
    return render(
        request,
        "content/map_page.html",
        {
            "municipality": municipality,
            "map": embedded,
            "state": state,
            "error": error,
            "categories": selectors.categories(language=language),
            "periods": selectors.periods(language=language),
            "places": selectors.places_page(where=where, limit=LIST_PAGE),
            "matched": selectors.places_count(where=where),
            "place_base": config["placeBase"],
            "map_layers": layers,
        },
    )
