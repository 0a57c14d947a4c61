"""A municipality's home page invites: featured places with a photo or a map thumbnail, the map's search, "near me",
and the sections other apps add (routes, archive) only when they have something; one name in the tab title."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from pyproj import Transformer

from content.home import (
    HomeItem,
    HomeSection,
    home_section_register,
    home_section_unregister,
    map_thumbnail,
    web_mercator_pixel,
)
from content.models import Branding, HomeFeaturedPlace, HomePage, RoutePage
from gis.models import Place

pytestmark = pytest.mark.django_db

HOMES = [
    ("athens.localhost", "el", "Δήμος Αθηναίων"),
    ("athens.localhost", "en", "Municipality of Athens"),
    ("nafplio.localhost", "el", "Δήμος Ναυπλιέων"),
    ("nafplio.localhost", "en", "Municipality of Nafplio"),
]


def home(client, host: str, language: str) -> BeautifulSoup:
    response = client.get(f"/{language}/", HTTP_HOST=host)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def greek_home(code: str) -> HomePage:
    return Branding.objects.get(municipality__code=code).site.root_page.specific


def card_names(soup: BeautifulSoup) -> list[str]:
    return [a.get_text(strip=True) for a in soup.select(".featured .card h3 a")]


@pytest.mark.parametrize(("host", "language", "title"), HOMES)
def test_tab_title_names_the_municipality_once(client, host, language, title):
    soup = home(client, host, language)
    assert soup.title.get_text(strip=True) == title


@pytest.mark.parametrize(("language", "title"), [("el", "Χάρτης · Δήμος Αθηναίων"), ("en", "Map · Athens")])
def test_other_pages_add_the_municipality_to_their_title(client, language, title):
    soup = BeautifulSoup(client.get(f"/{language}/map/", HTTP_HOST="athens.localhost").content, "html.parser")
    assert soup.title.get_text(strip=True) == title


@pytest.mark.parametrize(("host", "language", "title"), HOMES)
def test_routes_are_promised_where_there_are_some(client, host, language, title):
    """Each demo municipality has a walk: the header links the routes list, which lists it."""
    link = home(client, host, language).select_one("header nav a[href$='/routes/']")
    assert link is not None and link["href"] == f"/{language}/routes/"
    listed = BeautifulSoup(client.get(link["href"], HTTP_HOST=host).content, "html.parser")
    assert len(listed.select("[data-route-list] li")) >= 1


@pytest.mark.parametrize(("host", "language", "title"), HOMES)
def test_the_home_page_invites_to_walk_a_route_where_it_lists_some(client, host, language, title):
    """Below the introduction, a line in the page's language links the routes list (the demo's walk is there)."""
    line = home(client, host, language).select_one(".home-routes")
    assert line is not None
    assert [link["href"] for link in line.select("a")] == [f"/{language}/routes/"]
    assert (
        line.get_text()
        == {
            "el": "Περπατήστε μια θεματική διαδρομή: την κληρονομιά της πόλης στάση στάση, με απόσταση, χρόνο και "
            "υψομετρικό προφίλ.",
            "en": "Walk a themed route: the town's heritage stop by stop, with distance, time and elevation.",
        }[language]
    )


@pytest.mark.parametrize(("host", "language", "title"), HOMES)
def test_no_routes_are_promised_where_there_are_none(client, host, language, title):
    for page in RoutePage.objects.live():
        page.unpublish()
    text = home(client, host, language).get_text(" ").lower()
    assert "διαδρομ" not in text and "route" not in text and "walks" not in text


@pytest.mark.parametrize(("host", "language", "title"), HOMES)
def test_home_has_search_near_me_and_featured_places(client, host, language, title):
    soup = home(client, host, language)
    search = soup.select_one("form[role=search]")
    assert search["action"] == f"/{language}/map/" and search.select_one("input[name=q]")
    assert soup.select_one(f'a[href="/{language}/map/#near-me"]')
    cards = soup.select(".featured .card")
    assert 1 <= len(cards) <= 6
    # headings in order: the page's h1, then h2 sections, each card an h3
    levels = [int(tag.name[1]) for tag in soup.select("main h1, main h2, main h3")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_fallback_features_the_places_with_pages_first_in_the_page_language(client):
    greek, english = home(client, "athens.localhost", "el"), home(client, "athens.localhost", "en")
    assert card_names(greek)[0] == "Ακρόπολη Αθηνών"  # the demo's place with an editor's page
    assert card_names(english)[0] == "Acropolis of Athens"
    assert greek.select_one(".featured .card h3 a")["href"] == "/el/places/akropoli-athinon/"
    nafplio = card_names(home(client, "nafplio.localhost", "el"))
    assert nafplio[0] == "Τίρυνθα" and "Ακρόπολη Αθηνών" not in nafplio
    athens_places = set(Place.objects.filter(municipality__code="9186").values_list("name_el", flat=True))
    assert set(card_names(greek)[1:]) <= athens_places


def test_a_place_without_photo_gets_a_map_thumbnail_from_the_base_map(client, settings):
    soup = home(client, "athens.localhost", "el")
    card = soup.select(".featured .card")[0]
    svg = card.select_one("svg.map-thumbnail")
    tiles = [image["href"] for image in svg.select("image")]
    acropolis = Place.objects.get(pleiades="638356144")
    x, y = web_mercator_pixel(lon=acropolis.location.x, lat=acropolis.location.y, zoom=16)
    assert f"/static/xenagos/img/blank-tile.png?s=16/{int(x // 256)}/{int(y // 256)}" in tiles
    assert card.select_one("circle")  # the place's position, in the middle
    assert "test" in soup.select_one(".featured .attribution").get_text()  # the base map's attribution


def test_map_thumbnail_centres_the_point_in_its_tiles():
    thumbnail = map_thumbnail(lon=23.7264385, lat=37.9716471, url_template="/t/{z}/{x}/{y}.png", zoom=16)
    x, y = web_mercator_pixel(lon=23.7264385, lat=37.9716471, zoom=16)
    # the tile under the centre is placed so that the point falls at the thumbnail's centre, to the pixel
    [under] = [t for t in thumbnail.tiles if t.url == f"/t/16/{int(x // 256)}/{int(y // 256)}.png"]
    assert abs(under.x + x % 256 - thumbnail.cx) <= 0.5 and abs(under.y + y % 256 - thumbnail.cy) <= 0.5
    covered = {(t.x, t.y) for t in thumbnail.tiles}
    assert all(-256 < tx <= 0 or 0 <= tx < thumbnail.width for tx, _ in covered)
    assert 1 <= len(thumbnail.tiles) <= 4
    # an independent oracle: PROJ's EPSG:3857 metres, counted in tiles from the top-left corner of the world
    metres_x, metres_y = Transformer.from_crs(4326, 3857, always_xy=True).transform(23.7264385, 37.9716471)
    half_world, pixel_m = 20037508.342789244, 40075016.68557849 / (256 * 2**16)
    assert x == pytest.approx((metres_x + half_world) / pixel_m, abs=0.01)
    assert y == pytest.approx((half_world - metres_y) / pixel_m, abs=0.01)


def test_editors_choice_is_shown_in_order_in_every_language(client):
    page = greek_home("9186")
    kerameikos, parthenon = Place.objects.get(name_en="Kerameikos"), Place.objects.get(name_en="Parthenon")
    HomeFeaturedPlace.objects.create(page=page, place=kerameikos, sort_order=0)
    HomeFeaturedPlace.objects.create(page=page, place=parthenon, sort_order=1)
    assert card_names(home(client, "athens.localhost", "el")) == ["Κεραμεικός", "Παρθενώνας"]
    assert card_names(home(client, "athens.localhost", "en")) == ["Kerameikos", "Parthenon"]


def test_a_chosen_place_that_is_not_public_is_not_featured(client):
    page = greek_home("9186")
    kerameikos, parthenon = Place.objects.get(name_en="Kerameikos"), Place.objects.get(name_en="Parthenon")
    HomeFeaturedPlace.objects.create(page=page, place=kerameikos, sort_order=0)
    HomeFeaturedPlace.objects.create(page=page, place=parthenon, sort_order=1)
    Place.objects.filter(pk=kerameikos.pk).update(withdrawn=True)
    assert card_names(home(client, "athens.localhost", "en")) == ["Parthenon"]


def test_a_home_page_may_not_feature_another_municipalitys_place():
    tiryns = Place.objects.get(pleiades="570740")
    item = HomeFeaturedPlace(page=greek_home("9186"), place=tiryns, sort_order=0)
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "place" in error.value.message_dict
    HomeFeaturedPlace(page=greek_home("9236"), place=tiryns, sort_order=0).full_clean()  # its own: fine


def test_sections_of_other_apps_show_only_when_they_have_items(client):
    def routes(*, request, municipality, language):
        if municipality.code != "9186":
            return None
        return HomeSection(key="routes", heading="Routes", items=[HomeItem(title="Ancient Agora walk", url="/x/")])

    def archive(*, request, municipality, language):
        return HomeSection(key="archive", heading="From the archive", items=[])  # nothing yet: no heading

    home_section_register(routes)
    home_section_register(archive)
    try:
        athens = home(client, "athens.localhost", "en")
        assert athens.select_one("#home-routes h2").get_text(strip=True) == "Routes"
        assert athens.select_one("#home-routes .card a").get_text(strip=True) == "Ancient Agora walk"
        assert not athens.select("#home-archive") and "From the archive" not in athens.get_text()
        assert not home(client, "nafplio.localhost", "en").select("#home-routes")
    finally:
        home_section_unregister(routes)
        home_section_unregister(archive)


def test_loading_the_demo_again_replaces_the_old_routes_promise(client):
    from xenagos.demo import demo_load

    page = greek_home("9186")
    page.intro = "Μνημεία, μουσεία και διαδρομές στην πόλη της Αθήνας."  # the demo text before this fix
    page.save_revision().publish()
    assert "διαδρομ" in home(client, "athens.localhost", "el").select_one(".intro").get_text()
    demo_load()
    assert "διαδρομ" not in home(client, "athens.localhost", "el").select_one(".intro").get_text()
    assert home(client, "athens.localhost", "en").select_one(".intro").get_text() == (
        "Monuments, museums and archaeological sites in the city of Athens."
    )
