"""The demo's themed routes (routes.json beside this file): one in Athens, one in Nafplio, through real demo places.

Each line joins its stops' points (EPSG:4326) in order with straight segments: it joins real places and is not a
surveyed path, as the routes' dataset attribution and ATTRIBUTION.md say.
"""

import json
from pathlib import Path

from django.contrib.gis.geos import LineString, MultiLineString
from django.db import transaction
from wagtail.models import Locale

from content.models import PlaceIndexPage, RoutePage
from content.services import ascii_slug, page_translation_save
from gis.models import WGS84, Place, Route, RouteStop, Theme
from gis.routes import route_measure
from gis.services import dataset_upsert

ROUTES = Path(__file__).resolve().parent / "routes.json"
PLACES_DATASET = "pleiades-demo"


@transaction.atomic
def demo_routes_load() -> None:
    """Create each demo route once: the record (line through its stops' places, stops in order, theme, mode),
    measured by gis.routes.route_measure, and its published Greek page with an English translation. A route
    already there (an editor may have changed it) is left as it is."""
    spec = json.loads(ROUTES.read_text(encoding="utf-8"))
    dataset = dataset_upsert(
        slug="xenagos-demo-routes",
        title="Xenagos demo routes",
        licence="CC BY 3.0",
        attribution="Xenagos project; stops from Pleiades, © Ancient World Mapping Center and Institute for the "
        "Study of the Ancient World. The line joins real places and is not a surveyed path.",
        source_url="https://pleiades.stoa.org/",
    )
    english = Locale.objects.get(language_code="en")
    for item in spec["routes"]:
        if Route.objects.filter(dataset=dataset, source_id=item["source_id"]).exists():
            continue
        places = [Place.objects.get(dataset__slug=PLACES_DATASET, source_id=stop) for stop in item["stops"]]
        line = LineString([place.location.coords for place in places], srid=WGS84)
        route = Route.objects.create(
            dataset=dataset,
            source_id=item["source_id"],
            geometry=MultiLineString(line, srid=WGS84),
            name_el=item["el"]["title"],
            name_en=item["en"]["title"],
            theme=Theme.objects.get(slug=item["theme"], locale__language_code="el"),
            mode=item["mode"],
            step_free=item["step_free"],
            seasons=item["seasons"],
        )
        RouteStop.objects.bulk_create(
            RouteStop(route=route, place=place, sort_order=number) for number, place in enumerate(places)
        )
        route_measure(route=route)
        municipality = route.municipality
        if municipality is None or municipality.code != item["municipality"]:
            raise ValueError(f"demo route {item['source_id']} does not start in municipality {item['municipality']}")
        _route_pages_create(
            route=route, home_path=municipality.branding.site.root_page.path, texts=item, english=english
        )


def _route_pages_create(*, route: Route, home_path: str, texts: dict, english: Locale) -> None:
    """The route's Greek page under the places index of the home page at ``home_path``, published, and its English
    translation."""
    index = PlaceIndexPage.objects.get(locale__language_code="el", depth=3, path__startswith=home_path)
    greek = texts["el"]
    page = index.add_child(
        instance=RoutePage(
            title=greek["title"],
            slug=ascii_slug(greek["title"]),
            route_record=route,
            summary=greek["summary"],
            practical_notes=greek["practical_notes"],
            surface_notes=greek["surface_notes"],
            live=False,
        )
    )
    page.save_revision().publish()
    page_translation_save(source=page, locale=english, strings=texts["en"])
