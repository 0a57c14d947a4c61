"""The route page (content.RoutePage): where it sits in the tree, that it refuses a route of another municipality,
and what it shows (facts, stops in order with their distance along the line, checked against pyproj's geodesic
lengths, and schema.org TouristTrip structured data); the place page lists the routes it is a stop of; an editor of
another municipality can neither edit, publish nor translate it."""

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import LineString, MultiLineString
from django.core.exceptions import ValidationError
from django.urls import reverse
from pyproj import Geod
from wagtail.models import Locale, Page
from wagtail.test.utils import WagtailPageTestCase

from content.models import PlaceIndexPage, PlacePage, RoutePage
from gis.models import Municipality, Place, Route, RouteStop, Theme

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "athens.localhost"}
GEOD = Geod(ellps="WGS84")
# Demo places (Pleiades ids) the Athens test route passes, in order, and a Nafplio one.
ATHENS_STOPS = ["97294452", "807514119", "969121823", "638356144", "659771158"]  # Kerameikos ... Olympian Zeus
NAFPLIO_STOP = "570740"  # Tiryns


def demo_place(pleiades_id: str) -> Place:
    return Place.objects.get(dataset__slug="pleiades-demo", source_id=pleiades_id)


def route_through(
    places: list[Place], *, municipality: Municipality, split_after: int | None = None, **fields
) -> Route:
    """A route record (``RouteRecordFactory`` until the records' own factory is merged) whose line joins ``places``
    in order (EPSG:4326), in two parts when ``split_after`` is given; the places are its stops."""
    coords = [(p.location.x, p.location.y) for p in places]
    if split_after is None:
        parts = [LineString(coords, srid=4326)]
    else:
        parts = [LineString(coords[: split_after + 1], srid=4326), LineString(coords[split_after:], srid=4326)]
    route = Route.objects.create(
        municipality=municipality,
        geometry=MultiLineString(*parts, srid=4326),
        name_el=fields.pop("name_el", "Δοκιμαστική διαδρομή"),
        **fields,
    )
    route.municipalities.set([municipality])
    for order, place in enumerate(places):
        RouteStop.objects.create(route=route, place=place, sort_order=order)
    return route


# The demo's Athens walk (xenagos.demo.routes) also stops at the Acropolis, with live pages in Greek and English.
DEMO_WALK = {"el": "Από τον Κεραμεικό στο Παναθηναϊκό Στάδιο", "en": "From the Kerameikos to the Panathenaic Stadium"}


def route_page_of(route: Route, *, title: str = "Από τον Κεραμεικό στο Ολυμπιείο", live: bool = True) -> RoutePage:
    """A Greek route page for ``route`` under the places index of its municipality, published."""
    root = route.municipality.branding.site.root_page
    index = PlaceIndexPage.objects.get(locale__language_code="el", path__startswith=root.path, depth=root.depth + 1)
    page = index.add_child(
        instance=RoutePage(title=title, slug="dromos-test", route_record=route, summary="Σύνοψη.", live=live)
    )
    revision = page.save_revision()
    if live:
        revision.publish()
    return page


@pytest.fixture
def athens_route(athens):
    places = [demo_place(pid) for pid in ATHENS_STOPS]
    theme = Theme.objects.get(slug="antiquity", locale__language_code="el")
    return route_through(
        places, municipality=athens, split_after=2, theme=theme, step_free="partly", seasons=["spring", "autumn"]
    )


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


class RoutePageTreeTests(WagtailPageTestCase):
    def test_a_route_page_sits_under_a_places_index_and_holds_nothing(self):
        from content.models import HomePage

        self.assertAllowedParentPageTypes(RoutePage, {PlaceIndexPage})
        self.assertAllowedSubpageTypes(RoutePage, set())
        self.assertCanCreateAt(PlaceIndexPage, RoutePage)
        self.assertCanNotCreateAt(HomePage, RoutePage)
        self.assertCanNotCreateAt(Page, RoutePage)
        self.assertCanNotCreateAt(PlacePage, RoutePage)
        for child in (HomePage, PlaceIndexPage, PlacePage, RoutePage):
            self.assertCanNotCreateAt(RoutePage, child)

    def test_a_route_page_renders_with_its_qr_code(self):
        athens = Municipality.objects.get(code="9186")
        page = route_page_of(route_through([demo_place(p) for p in ATHENS_STOPS[:2]], municipality=athens))
        self.assertPageIsRenderable(page)
        self.assertPageIsRenderable(page, route_path="qr-svg/")


def test_a_route_of_another_municipality_is_refused_by_clean_and_save(athens):
    nafplio = Municipality.objects.get(code="9236")
    theirs = route_through([demo_place(NAFPLIO_STOP), demo_place("570501")], municipality=nafplio)
    ours = route_through([demo_place(p) for p in ATHENS_STOPS[:2]], municipality=athens)
    page = route_page_of(ours)
    page.route_record = theirs
    with pytest.raises(ValidationError) as raised:
        page.full_clean()
    assert "Ναυπλιέων" in str(raised.value.message_dict["route_record"]) or "Nafplio" in str(raised.value)
    with pytest.raises(ValidationError):
        page.save()
    with pytest.raises(ValidationError):
        page.save(clean=False)
    assert RoutePage.objects.get(pk=page.pk).route_record == ours  # nothing written
    index = page.get_parent()
    with pytest.raises(ValidationError):
        index.add_child(instance=RoutePage(title="Ξένη", slug="kseni", route_record=theirs, summary="."))
    assert not RoutePage.objects.filter(slug="kseni").exists()


def test_the_page_shows_facts_and_the_stops_in_order_with_their_distance_along_the_line(client, athens_route):
    route_page_of(athens_route)
    soup = soup_of(client.get("/el/places/dromos-test/", **HOST))
    items = soup.select(".route-stops li[data-stop]")
    names = [Place.objects.get(pk=p.pk).name_el for p in (demo_place(pid) for pid in ATHENS_STOPS)]
    assert [li["data-stop"] for li in items] == ["1", "2", "3", "4", "5"]
    shown = [li.get_text(" ", strip=True) for li in items]
    for text, name in zip(shown, names, strict=True):
        assert name in text or name.split()[0] in text
    # independent oracle: geodesic length along the vertices (every stop is a vertex of the line) by pyproj
    places = [demo_place(pid) for pid in ATHENS_STOPS]
    expected = [0.0]
    for a, b in zip(places, places[1:], strict=False):
        expected.append(expected[-1] + GEOD.inv(a.location.x, a.location.y, b.location.x, b.location.y)[2])
    distances = [float(li.select_one(".stop-distance")["data-distance-m"]) for li in items]
    assert distances == pytest.approx(expected, abs=1.0)
    assert 1500 < distances[-1] < 2000  # Kerameikos to the Olympian Zeus by these stops: about 1.8 km
    facts = {dd["data-fact"]: dd.get_text(" ", strip=True) for dd in soup.select("[data-fact]")}
    length_km = GEOD.line_length([p.location.x for p in places], [p.location.y for p in places]) / 1000
    assert facts["distance"] == f"{length_km:.1f}".replace(".", ",") + " χλμ."
    assert facts["step-free"] and facts["seasons"] == "άνοιξη, φθινόπωρο"
    assert facts["start"] == items[0].a.get_text() if items[0].a else names[0]
    assert "προφίλ" in facts["profile"]  # no DEM, no track elevations: the page says there is no profile
    assert len(soup.select(".route-map [data-xenagos-map]")) == 1


def test_the_structured_data_is_a_tourist_trip_with_the_stops_as_its_itinerary(client, athens_route):
    route_page_of(athens_route)
    soup = soup_of(client.get("/el/places/dromos-test/", **HOST))
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert data["@type"] == "TouristTrip" and data["name"] == "Από τον Κεραμεικό στο Ολυμπιείο"
    itinerary = data["itinerary"]
    assert itinerary["@type"] == "ItemList" and itinerary["numberOfItems"] == 5
    positions = [item["position"] for item in itinerary["itemListElement"]]
    assert positions == [1, 2, 3, 4, 5]
    first = itinerary["itemListElement"][0]["item"]
    kerameikos = demo_place(ATHENS_STOPS[0])
    assert first["geo"]["latitude"] == pytest.approx(kerameikos.location.y, abs=1e-6)
    acropolis = itinerary["itemListElement"][3]["item"]
    assert acropolis["url"].endswith("/el/places/akropoli-athinon/")  # the stop with a page links to it


def test_a_stop_place_page_lists_its_routes_in_the_page_language(client, athens_route):
    route_page_of(athens_route)
    soup = soup_of(client.get("/el/places/akropoli-athinon/", **HOST))
    links = [a.get_text() for a in soup.select(".on-routes a")]
    assert sorted(links) == sorted(["Από τον Κεραμεικό στο Ολυμπιείο", DEMO_WALK["el"]])  # the demo's walk too
    soup = soup_of(client.get("/en/places/akropoli-athinon/", **HOST))
    assert [a.get_text() for a in soup.select(".on-routes a")] == [DEMO_WALK["en"]]  # no English page of ours yet


def test_a_draft_route_page_is_not_listed_on_its_places(client, athens_route):
    route_page_of(athens_route, live=False)
    soup = soup_of(client.get("/el/places/akropoli-athinon/", **HOST))
    assert [a.get_text() for a in soup.select(".on-routes a")] == [DEMO_WALK["el"]]  # only the demo's live walk


def test_an_editor_of_another_municipality_can_neither_edit_publish_nor_translate_it(client, athens_route):
    page = route_page_of(athens_route)
    editor_b = get_user_model().objects.get(username="editor-nafplio")
    editor_a = get_user_model().objects.get(username="editor-athens")
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    translate = reverse("wagtail_localize:submit_page_translation", args=[page.pk])
    client.force_login(editor_a)
    assert client.get(edit).status_code == 200
    client.force_login(editor_b)
    assert client.get(edit).status_code in (302, 403, 404)
    response = client.post(edit, {"title": "Κατάληψη", "slug": "dromos-test", "action-publish": "1"})
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert response["Location"] == reverse("wagtailadmin_home")
    assert client.get(translate).status_code in (302, 403, 404)
    english = Locale.objects.get(language_code="en")
    client.post(translate, {"locales": [english.pk]})
    assert RoutePage.objects.get(pk=page.pk).title == "Από τον Κεραμεικό στο Ολυμπιείο"
    # (the demo's own routes have English pages: xenagos.demo.routes)
    assert (
        not RoutePage.objects.filter(locale=english).exclude(route_record__dataset__slug="xenagos-demo-routes").exists()
    )


@pytest.mark.parametrize("language", ["el", "en"])
def test_every_public_stop_links_to_its_page_or_else_its_record(client, athens_route, language):
    page = route_page_of(athens_route)
    if language == "en":
        translated = page.copy_for_translation(Locale.objects.get(language_code="en"))
        translated.save_revision().publish()
        page = translated
    soup = soup_of(client.get(page.url, **HOST))
    links = [li.select_one("a") for li in soup.select(".route-stops li[data-stop]")]
    assert all(links), "every stop of the route's own municipality links somewhere"
    kerameikos = demo_place(ATHENS_STOPS[0])
    assert links[0]["href"] == f"/{language}/places/p/{kerameikos.uid}/"  # no page of its own: its record
    for link in links:
        assert client.get(link["href"], **HOST).status_code == 200
    Place.objects.filter(pk=kerameikos.pk).update(withdrawn=True)  # no longer public: shown, not linked
    soup = soup_of(client.get(page.url, **HOST))
    assert soup.select_one(".route-stops li[data-stop='1'] a") is None
