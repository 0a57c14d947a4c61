"""Public views of a municipality's site that are not Wagtail pages."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gis import maps, selectors
from gis.models import Municipality

from .models import Branding


def municipality_for_request(request: HttpRequest) -> Municipality:
    """The municipality of the site the request is for (by Host header); 404 when the site has none."""
    municipality = Branding.for_request(request).municipality
    if municipality is None:
        raise Http404("This site has no municipality.")
    return municipality


def municipality_map(request: HttpRequest) -> HttpResponse:
    """/<lang>/map/: the municipality's boundary and places on a folium map, with the same places as a list."""
    municipality = municipality_for_request(request)
    language = get_language() or "el"
    embedded = maps.municipality_map(
        bounds=selectors.municipality_bounds(municipality=municipality),
        boundary_geojson=selectors.municipality_boundary_geojson(municipality=municipality),
        places_geojson=selectors.places_geojson(municipality=municipality, language=language),
        labels=maps.MapLabels(boundary=_("Municipal boundary"), places=_("Places"), base_map=_("Base map")),
    )
    places = selectors.places_for_list(municipality=municipality, language=language)
    return render(
        request,
        "content/map_page.html",
        {"municipality": municipality, "map": embedded, "places": places},
    )
