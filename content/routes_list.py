"""/<lang>/routes/: the routes list of a municipality's site (the routes whose page is published in the language),
filtered by a GET form that works without JavaScript, with a map of the same routes (their lines fetched from
``gis.views.routes``, simplified by zoom) and pages of LIST_PAGE."""

import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from gis import route_map, route_selectors, selectors
from gis.models import Difficulty, RouteMode, StepFree
from gis.views import route_filter

from .place_context import municipality_for_request

LIST_PAGE = 50


def _page_number(request: HttpRequest) -> int:
    text = request.GET.get("page", "")
    return int(text) if text.isdigit() and 0 < int(text) < 10**6 else 1


def routes_list(request: HttpRequest) -> HttpResponse:
    """The routes list: filters (theme, mode, length and duration ranges, difficulty, step-free), the number
    found, the map of the matching routes (fitted to their extent; to the municipality when none matches) and the
    routes sorted by title with the language's collation."""
    municipality = municipality_for_request(request)
    where, invalid = route_filter(request)
    matched = route_selectors.routes_count(where=where)
    pages = max(1, math.ceil(matched / LIST_PAGE))
    number = min(_page_number(request), pages)
    rows = route_selectors.routes_page(where=where, limit=LIST_PAGE, offset=(number - 1) * LIST_PAGE)
    labels = {
        "mode": dict(RouteMode.choices),
        "difficulty": dict(Difficulty.choices),
        "step_free": dict(StepFree.choices),
    }
    query = request.GET.copy()
    query.pop("page", None)
    filtered = bool(query.urlencode())

    def page_link(page: int) -> str:
        linked = query.copy()
        if page > 1:
            linked["page"] = str(page)
        return f"?{linked.urlencode()}" if linked else "?"

    map_query = query.copy()
    map_query.pop("bbox", None)
    embedded = route_map.routes_list_map(
        bounds=route_selectors.routes_extent(where=where) or selectors.municipality_bounds(municipality=municipality),
        endpoint=reverse("map-routes"),
        query=map_query.urlencode(),
        name=_("Routes"),
    )
    return render(
        request,
        "content/routes_list.html",
        {
            "municipality": municipality,
            "routes": [
                {
                    "row": row,
                    "mode": labels["mode"].get(row.mode, ""),
                    "difficulty": labels["difficulty"].get(row.difficulty, ""),
                    "step_free": labels["step_free"].get(row.step_free, ""),
                    "hours": divmod(row.duration_min, 60) if row.duration_min else None,
                }
                for row in rows
            ],
            "matched": matched,
            "filtered": filtered,
            "invalid": invalid,
            "values": {
                name: request.GET.get(name, "")
                for name in ("theme", "mode", "difficulty", "step_free", "length_from", "length_to")
                + ("hours_from", "hours_to")
            },
            "themes": route_selectors.route_themes(language=where.language),
            "modes": RouteMode.choices,
            "difficulties": Difficulty.choices,
            "step_free_choices": StepFree.choices,
            "map": embedded,
            "page_number": number,
            "pages": pages,
            "previous_link": page_link(number - 1) if number > 1 else "",
            "next_link": page_link(number + 1) if number < pages else "",
        },
    )
