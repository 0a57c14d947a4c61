"""The routes list (/<lang>/routes/) and its map data (/<lang>/map/routes/): only routes whose page is live in the
language, inside the site, with a public record of the municipality; each filter narrows to the routes computed
here from the data; titles sorted with the Greek collation; pages of 50; lines simplified by zoom in SQL; the main
map offers a "Routes" layer; the data is cached like the places by view."""

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.gis.geos import GEOSGeometry, LineString, MultiLineString, Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pyproj import Geod
from wagtail.models import Locale

from content import routes_list
from content.models import PlaceIndexPage, RoutePage
from gis.models import Municipality, Route, Theme

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "athens.localhost"}
GEOD = Geod(ellps="WGS84")
ATHENS_LINE = [(23.7257, 37.9715), (23.7300, 37.9730), (23.7350, 37.9755)]


@pytest.fixture(autouse=True)
def no_demo_routes(db):
    """Each test sees only its own routes: any the demo loaded are withdrawn (in the test's transaction)."""
    Route.objects.update(withdrawn=True)


def index_of(municipality: Municipality, language: str = "el") -> PlaceIndexPage:
    root = municipality.branding.site.root_page
    index = PlaceIndexPage.objects.get(locale__language_code="el", path__startswith=root.path, depth=root.depth + 1)
    return index if language == "el" else index.get_translation(Locale.objects.get(language_code=language))


def make_route(
    municipality: Municipality,
    title: str,
    *,
    coords=ATHENS_LINE,
    live: bool = True,
    english: bool = True,
    **fields,
) -> Route:
    """A route record of ``municipality`` along ``coords`` (EPSG:4326) with a Greek page ``title`` (live unless told)
    and, when ``english``, a live English translation titled ``title`` + " (en)"."""
    route = Route.objects.create(
        municipality=municipality,
        geometry=MultiLineString(LineString(coords, srid=4326), srid=4326),
        name_el=title,
        **fields,
    )
    route.municipalities.set([municipality])
    slug = f"route-{route.pk}"
    page = index_of(municipality).add_child(
        instance=RoutePage(title=title, slug=slug, route_record=route, summary="Σύνοψη.", live=live)
    )
    revision = page.save_revision()
    if live:
        revision.publish()
        if english:
            translated = page.copy_for_translation(Locale.objects.get(language_code="en"))
            translated.title = f"{title} (en)"
            translated.save_revision().publish()
    return route


def listed(client, query: str = "", language: str = "el") -> list[str]:
    response = client.get(f"/{language}/routes/{query}", **HOST)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [item.find("a").get_text(strip=True) for item in soup.select("[data-route-list] li")]


def mapped(client, query: str = "", language: str = "el") -> dict:
    response = client.get(f"/{language}/map/routes/{query}", **HOST)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def test_only_published_routes_of_the_site_are_listed_and_mapped(client, athens, nafplio):
    shown = make_route(athens, "Δημοσιευμένη")
    make_route(athens, "Πρόχειρη", live=False)
    make_route(athens, "Αποσυρμένη", withdrawn=True)
    make_route(athens, "Μόνο ελληνικά", english=False)
    make_route(nafplio, "Ναυπλίου", coords=[(22.80, 37.565), (22.81, 37.567)])
    assert listed(client) == ["Δημοσιευμένη", "Μόνο ελληνικά"]
    assert listed(client, language="en") == ["Δημοσιευμένη (en)"]
    data = mapped(client, language="en")
    assert [feature["id"] for feature in data["features"]] == [str(shown.uid)]
    assert data["numberMatched"] == 1
    assert {feature["properties"]["name"] for feature in mapped(client)["features"]} == {
        "Δημοσιευμένη",
        "Μόνο ελληνικά",
    }


def test_the_links_are_the_pages_urls(client, athens):
    route = make_route(athens, "Σύνδεσμος")
    for language in ("el", "en"):
        page = RoutePage.objects.get(route_record=route, locale__language_code=language)
        response = client.get(f"/{language}/routes/", **HOST)
        soup = BeautifulSoup(response.content, "html.parser")
        href = soup.select_one(f'[data-route="{route.uid}"] a')["href"]
        assert href == page.relative_url(athens.branding.site)
        assert client.get(href, **HOST).status_code == 200
        assert mapped(client, language=language)["features"][0]["properties"]["url"] == href


def test_a_page_restricted_to_some_viewers_is_not_listed(client, athens):
    route = make_route(athens, "Ιδιωτική")
    from wagtail.models import PageViewRestriction

    page = RoutePage.objects.get(route_record=route, locale__language_code="el")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert listed(client) == []
    assert mapped(client)["features"] == []


@pytest.fixture
def varied(athens):
    """Four Athens routes with known facts (their lengths measured here with pyproj, not by PostGIS)."""
    antiquity = Theme.objects.get(slug="antiquity", locale__language_code="el")
    byzantine = Theme.objects.get(slug="byzantine-heritage", locale__language_code="el")
    lines = {
        "Α κοντή": [(23.7257, 37.9715), (23.7300, 37.9730)],
        "Β μεσαία": [(23.7257, 37.9715), (23.7300, 37.9730), (23.7350, 37.9755), (23.7400, 37.9780)],
        "Γ μακριά": [(23.7100, 37.9600), (23.7400, 37.9800), (23.7600, 37.9900)],
        "Δ ποδήλατο": [(23.7200, 37.9650), (23.7500, 37.9700)],
    }
    facts = {
        "Α κοντή": {"theme": antiquity, "mode": "walk", "duration_min": 10, "difficulty": "easy", "step_free": "yes"},
        "Β μεσαία": {"theme": antiquity, "mode": "walk", "duration_min": 25, "suggested_difficulty": "moderate"},
        "Γ μακριά": {"theme": byzantine, "mode": "walk", "duration_min": 70, "difficulty": "hard", "step_free": "no"},
        "Δ ποδήλατο": {"theme": byzantine, "mode": "bike", "duration_min": 12, "step_free": "partly"},
    }
    for title, coords in lines.items():
        make_route(athens, title, coords=coords, **facts[title])
    lengths_km = {title: GEOD.line_length(*zip(*coords, strict=True)) / 1000 for title, coords in lines.items()}
    return facts, lengths_km


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("theme=antiquity", lambda f, km: f["theme"].slug == "antiquity"),
        ("theme=byzantine-heritage", lambda f, km: f["theme"].slug == "byzantine-heritage"),
        ("mode=bike", lambda f, km: f["mode"] == "bike"),
        ("difficulty=moderate", lambda f, km: (f.get("difficulty") or f.get("suggested_difficulty")) == "moderate"),
        ("difficulty=easy", lambda f, km: (f.get("difficulty") or f.get("suggested_difficulty")) == "easy"),
        ("step_free=partly", lambda f, km: f.get("step_free") == "partly"),
        ("length_from=1", lambda f, km: km >= 1),
        ("length_to=1,5", lambda f, km: km <= 1.5),
        ("length_from=0.5&length_to=1.5", lambda f, km: 0.5 <= km <= 1.5),
        ("hours_to=0.25", lambda f, km: f["duration_min"] <= 15),
        ("hours_from=0.5", lambda f, km: f["duration_min"] >= 30),
        ("theme=antiquity&hours_from=0.4", lambda f, km: f["theme"].slug == "antiquity" and f["duration_min"] >= 24),
    ],
)
def test_each_filter_narrows_to_the_routes_that_match(client, varied, query, keep):
    facts, lengths_km = varied
    expected = sorted(title for title in facts if keep(facts[title], lengths_km[title]))
    assert 0 < len(expected) < len(facts)  # the case tells routes apart
    assert listed(client, f"?{query}") == expected
    assert sorted(f["properties"]["name"] for f in mapped(client, f"?{query}")["features"]) == expected
    soup = BeautifulSoup(client.get(f"/el/routes/?{query}", **HOST).content, "html.parser")
    status = soup.select_one("[data-route-count]")
    assert status["role"] == "status" and status.get_text(strip=True).startswith(str(len(expected)))


def test_the_filter_form_is_labelled_and_keeps_its_values(client, varied):
    soup = BeautifulSoup(client.get("/el/routes/?theme=byzantine-heritage&length_to=3", **HOST).content, "html.parser")
    form = soup.select_one("form.route-filters")
    assert form["method"] == "get"
    for control in form.select("select, input"):
        assert soup.select_one(f'label[for="{control["id"]}"]') is not None, control["id"]
    assert form.select_one("#filter-theme option[selected]")["value"] == "byzantine-heritage"
    assert form.select_one("#filter-length-to")["value"] == "3"


def test_no_match_says_so_and_bad_values_are_named_not_failed(client, varied):
    soup = BeautifulSoup(client.get("/el/routes/?length_from=500", **HOST).content, "html.parser")
    assert soup.select_one("[data-route-empty]") is not None
    assert soup.select_one("[data-route-count]").get_text(strip=True) == "0 διαδρομές"
    soup = BeautifulSoup(client.get("/el/routes/?length_from=πολύ&mode=plane", **HOST).content, "html.parser")
    assert soup.select_one('[role="alert"]').get_text(strip=True).startswith("Κάποιες τιμές")
    assert len(soup.select("[data-route-list] li")) == 4  # the bad values are left out
    response = client.get("/el/map/routes/?length_from=-3", **HOST)
    assert response.status_code == 400 and "length_from" in response.json()["detail"]


def test_titles_are_sorted_with_the_greek_collation(client, athens):
    for title in ("Ωραία", "άλφα", "Βήτα"):
        make_route(athens, title)
    assert listed(client) == ["άλφα", "Βήτα", "Ωραία"]  # code-point order would be Β, Ω, ά


def test_more_than_a_page_is_paged(client, athens, monkeypatch):
    monkeypatch.setattr(routes_list, "LIST_PAGE", 2)
    for title in ("Α", "Β", "Γ", "Δ", "Ε"):
        make_route(athens, title)
    assert listed(client) == ["Α", "Β"]
    assert listed(client, "?page=3") == ["Ε"]
    soup = BeautifulSoup(client.get("/el/routes/?page=2", **HOST).content, "html.parser")
    assert [link["href"] for link in soup.select(".pagination a")] == ["?", "?page=3"]


def _vertices(geometry: dict) -> int:
    return GEOSGeometry(json.dumps(geometry)).num_coords


def test_lines_are_simplified_at_low_zoom_and_kept_at_high_zoom(client, athens):
    # a zigzag of 401 vertices, 2 m apart across and ~5 m along: a pixel at zoom 12 (~30 m) hides it, at 20 not
    coords = [(23.720 + i * 0.00006, 37.970 + (0.00002 if i % 2 else 0)) for i in range(401)]
    make_route(athens, "Ζιγκ-ζαγκ", coords=coords)
    low, high, full = (mapped(client, q)["features"][0]["geometry"] for q in ("?zoom=12", "?zoom=21", ""))
    assert _vertices(full) == 401
    assert _vertices(high) == 401
    assert _vertices(low) <= 10
    for geometry in (low, high, full):
        shape = GEOSGeometry(json.dumps(geometry))
        assert geometry["type"] == "LineString" and shape.valid and shape.srid == 4326
    # the simplified line stays within a pixel (~30 m at zoom 12) of the stored one
    simplified = GEOSGeometry(json.dumps(low))
    assert max(simplified.distance(Point(xy, srid=4326)) for xy in coords) < 0.0003


def test_a_view_brings_only_the_lines_around_it_clipped_to_it(client, athens):
    # a line across the view's east edge, one inside it and one a kilometre and more east of it
    across = make_route(athens, "Διασχίζει", coords=[(23.7200, 37.9700), (23.7300, 37.9700), (23.7400, 37.9700)])
    inside = make_route(athens, "Μέσα", coords=[(23.7210, 37.9710), (23.7220, 37.9720)])
    make_route(athens, "Έξω", coords=[(23.7500, 37.9800), (23.7600, 37.9850)])
    west, south, east, north = 23.7150, 37.9650, 23.7350, 37.9750
    data = mapped(client, f"?zoom=16&view={west},{south},{east},{north}")
    lines = {feature["id"]: GEOSGeometry(json.dumps(feature["geometry"])) for feature in data["features"]}
    assert set(lines) == {str(across.uid), str(inside.uid)}
    assert data["numberMatched"] == 3  # what the filters match; the view only says which lines to send
    assert max(x for x, _y in lines[str(across.uid)].coords) == pytest.approx(east, abs=1e-6)  # cut at the edge
    assert min(x for x, _y in lines[str(across.uid)].coords) == pytest.approx(23.7200, abs=1e-6)
    assert lines[str(inside.uid)].num_coords == 2
    # without a view, the whole of each line
    whole = {f["id"]: GEOSGeometry(json.dumps(f["geometry"])) for f in mapped(client, "?zoom=16")["features"]}
    assert len(whole) == 3 and max(x for x, _y in whole[str(across.uid)].coords) == pytest.approx(23.74, abs=1e-6)
    response = client.get("/el/map/routes/?zoom=16&view=23.8,37.9,23.7,38.0", **HOST)
    assert response.status_code == 400 and "view" in response.json()["detail"]


def test_the_map_asks_for_its_view_at_street_zooms(client, athens):
    make_route(athens, "Βήμα")
    soup = BeautifulSoup(client.get("/el/routes/", **HOST).content, "html.parser")
    config = json.loads(soup.select_one("#xenagos-routes-map-config").string)
    (step,) = [step for step in config["steps"] if step["type"] == "routes"]
    assert step["viewFromZoom"] == 14


def test_the_map_data_is_cached_like_the_places_by_view(client, athens, settings):
    settings.XENAGOS_PAGE_CACHE_SECONDS = 60
    make_route(athens, "Κρυφή μνήμη")
    first = client.get("/el/map/routes/?zoom=14", **HOST)
    places = client.get("/el/map/places/?zoom=14", **HOST)
    assert first["Cache-Control"] == places["Cache-Control"] == "public, max-age=60"
    assert first["ETag"]
    again = client.get("/el/map/routes/?zoom=14", HTTP_IF_NONE_MATCH=first["ETag"], **HOST)
    assert again.status_code == 304


def test_the_main_map_has_a_routes_layer_from_the_same_endpoint(client, athens, nafplio):
    make_route(athens, "Στον χάρτη")
    soup = BeautifulSoup(client.get("/el/map/", **HOST).content, "html.parser")
    config = json.loads(soup.select_one("#xenagos-map-config").string)
    steps = [step for step in config["steps"] if step["type"] == "routes"]
    assert len(steps) == 1 and steps[0]["endpoint"] == reverse("map-routes") and steps[0]["name"] == "Διαδρομές"
    assert any(step["type"] == "layerControl" for step in config["steps"])
    Route.objects.filter(municipalities=nafplio).update(withdrawn=True)
    nafplio_map = BeautifulSoup(client.get("/el/map/", HTTP_HOST="nafplio.localhost").content, "html.parser")
    nafplio_config = json.loads(nafplio_map.select_one("#xenagos-map-config").string)
    assert not [step for step in nafplio_config["steps"] if step["type"] == "routes"]  # no public route of its own


def test_the_navigation_links_the_list_only_when_it_lists_a_route(client, athens):
    def nav_link():
        soup = BeautifulSoup(client.get("/el/map/", **HOST).content, "html.parser")
        return soup.select_one(f'header nav a[href="{reverse("routes")}"]')

    assert nav_link() is None  # the demo's walk is withdrawn here: no list to promise
    make_route(athens, "Περίπατος")
    assert nav_link() is not None


def crossing(keeper: Municipality, crossed: Municipality, title: str, **options) -> Route:
    """A route kept by ``keeper`` (its page in the keeper's tree) that crosses ``crossed`` too."""
    route = make_route(keeper, title, **options)
    route.municipalities.set([keeper, crossed])
    return route


def test_a_route_kept_by_a_neighbour_that_crosses_the_municipality_is_listed_with_a_link_to_its_site(
    client, athens, nafplio
):
    route = crossing(nafplio, athens, "Από το Ναύπλιο")
    make_route(athens, "Αθηναϊκή")
    assert listed(client) == ["Αθηναϊκή", "Από το Ναύπλιο"]
    assert listed(client, language="en") == ["Αθηναϊκή (en)", "Από το Ναύπλιο (en)"]
    for language, keeper in (("el", "Ναυπλιέων"), ("en", "Nafplio")):
        page = RoutePage.objects.get(route_record=route, locale__language_code=language)
        assert page.full_url.startswith("http://nafplio.localhost/")
        soup = BeautifulSoup(client.get(f"/{language}/routes/", **HOST).content, "html.parser")
        item = soup.select_one(f'[data-route="{route.uid}"]')
        assert item.select_one("a")["href"] == page.full_url  # B's domain, from B's Site
        assert keeper in item.select_one("[data-route-keeper]").get_text()
        own = soup.select("[data-route-list] li")[0]
        assert own.select_one("[data-route-keeper]") is None and own.select_one("a")["href"].startswith("/")
        [feature] = [f for f in mapped(client, language=language)["features"] if f["id"] == str(route.uid)]
        assert feature["properties"]["url"] == page.full_url and feature["properties"]["keeper"] == keeper
        assert client.get(page.url, HTTP_HOST="nafplio.localhost").status_code == 200  # the link leads somewhere
    # on the keeper's own site it is its own route: a relative link, no "kept by"
    soup = BeautifulSoup(client.get("/el/routes/", HTTP_HOST="nafplio.localhost").content, "html.parser")
    item = soup.select_one(f'[data-route="{route.uid}"]')
    assert item.select_one("a")["href"].startswith("/el/") and item.select_one("[data-route-keeper]") is None


def test_nothing_the_neighbour_has_not_published_leaks_onto_the_crossed_site(client, athens, nafplio):
    draft = crossing(nafplio, athens, "Πρόχειρη του Ναυπλίου", live=False)
    withdrawn = crossing(nafplio, athens, "Αποσυρμένη του Ναυπλίου", withdrawn=True)
    greek_only = crossing(nafplio, athens, "Μόνο ελληνικά του Ναυπλίου", english=False)
    restricted = crossing(nafplio, athens, "Ιδιωτική του Ναυπλίου")
    from wagtail.models import PageViewRestriction

    for page in RoutePage.objects.filter(route_record=restricted):  # both translations
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    not_crossing = make_route(nafplio, "Μόνο στο Ναύπλιο", coords=[(22.80, 37.565), (22.81, 37.567)])
    assert listed(client) == ["Μόνο ελληνικά του Ναυπλίου"]
    assert listed(client, language="en") == []
    ids = {feature["id"] for feature in mapped(client)["features"]}
    assert ids == {str(greek_only.uid)}
    assert mapped(client, language="en")["features"] == []
    text = client.get("/el/routes/", **HOST).content.decode()
    for hidden in (draft, withdrawn, restricted, not_crossing):
        assert str(hidden.uid) not in text and hidden.name_el not in text


def test_a_place_on_a_neighbours_route_links_to_its_page_on_the_neighbours_site(client, athens, nafplio):
    from gis.models import RouteStop

    acropolis_page = client.get("/el/places/akropoli-athinon/", **HOST)
    assert acropolis_page.status_code == 200
    place = acropolis_page.context["page"].place
    route = crossing(nafplio, athens, "Από το Ναύπλιο στην Ακρόπολη")
    RouteStop.objects.create(route=route, place=place, sort_order=0)
    hidden = crossing(nafplio, athens, "Πρόχειρη στην Ακρόπολη", live=False)
    RouteStop.objects.create(route=hidden, place=place, sort_order=0)
    for language, keeper in (("el", "Ναυπλιέων"), ("en", "Nafplio")):
        page = RoutePage.objects.get(route_record=route, locale__language_code=language)
        soup = BeautifulSoup(client.get(f"/{language}/places/akropoli-athinon/", **HOST).content, "html.parser")
        items = soup.select(".on-routes li")
        assert [item.select_one("a")["href"] for item in items] == [page.full_url]
        assert keeper in items[0].get_text() and hidden.name_el not in soup.get_text()


def test_the_navigation_link_is_kept_in_the_cache_and_follows_publishing(
    client, athens, settings, tmp_path, django_capture_on_commit_callbacks
):
    """With the cache on (a file cache, as between processes), the header's answer is read from it, and the
    first route page published on the site brings the link, unpublishing the last one takes it away, and so does
    withdrawing the route (each by the page cache's new generation once the write commits)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path / "c")}
    }
    settings.XENAGOS_PAGE_CACHE_SECONDS = 600
    client.cookies[settings.SESSION_COOKIE_NAME] = "none"  # never served whole from the page cache: rendered

    def nav_link(language: str = "el"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/{language}/map/", **HOST)
        asked = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT EXISTS (")]
        soup = BeautifulSoup(response.content, "html.parser")
        return soup.select_one(f'header nav a[href="/{language}/routes/"]'), len(asked)

    assert nav_link() == (None, 1)  # the demo's walk is withdrawn here: asked once...
    assert nav_link() == (None, 0)  # ...then read from the cache
    with django_capture_on_commit_callbacks(execute=True):
        route = make_route(athens, "Περίπατος", english=False)
    link, asked = nav_link()
    assert link is not None and asked == 1
    assert nav_link()[1] == 0
    assert nav_link("en")[0] is None  # no English page: no English link
    page = RoutePage.objects.get(route_record=route)
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert nav_link() == (None, 1)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert nav_link()[0] is not None
    with django_capture_on_commit_callbacks(execute=True):
        route.withdrawn = True
        route.save()
    assert nav_link() == (None, 1)
