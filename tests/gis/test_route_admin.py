"""Editors keep routes in the admin: a line drawn on the map (or given as GeoJSON) and ordered stops that are
their municipality's places, reordered with the inline panel's buttons (keyboard) or by drag."""

import json

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect
from pyproj import Geod

from gis.models import Place, Route
from tests.browser import admin_log_in, assert_accessible

pytestmark = pytest.mark.django_db
GEOD = Geod(ellps="WGS84")
ADD = "/admin/snippets/xgis/route/add/"


def form_data(*, name: str, line: dict | str, stops: list[Place], municipality) -> dict:
    data = {
        "name_el": name,
        "name_en": "",
        "municipality": str(municipality.pk),
        "geometry": line if isinstance(line, str) else json.dumps(line),
        "mode": "walk",
        "difficulty": "",
        "step_free": "",
        "route_stops-TOTAL_FORMS": str(len(stops)),
        "route_stops-INITIAL_FORMS": "0",
        "route_stops-MIN_NUM_FORMS": "0",
        "route_stops-MAX_NUM_FORMS": "1000",
    }
    for number, place in enumerate(stops):
        data.update(
            {
                f"route_stops-{number}-place": str(place.pk),
                f"route_stops-{number}-note_el": "",
                f"route_stops-{number}-note_en": "",
                f"route_stops-{number}-ORDER": str(number + 1),
                f"route_stops-{number}-id": "",
                f"route_stops-{number}-DELETE": "",
            }
        )
    return data


def line_through(places: list[Place]) -> dict:
    return {"type": "LineString", "coordinates": [[p.location.x, p.location.y] for p in places]}


@pytest.fixture
def athens_editor(client):
    client.force_login(get_user_model().objects.get(username="editor-athens"))
    return client


def test_editor_saves_a_route_with_ordered_stops(athens_editor, athens):
    first, second = Place.objects.filter(municipality=athens).order_by("pk")[:2]
    response = athens_editor.post(
        ADD, form_data(name="Βόλτα", line=line_through([first, second]), stops=[second, first], municipality=athens)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    route = Route.objects.get(name_el="Βόλτα")
    assert [stop.place for stop in route.route_stops.order_by("sort_order")] == [second, first]
    assert route.municipality == athens
    expected = GEOD.inv(first.location.x, first.location.y, second.location.x, second.location.y)[2]
    assert route.length_m == pytest.approx(expected, rel=1e-6)  # geodesic, measured by PostGIS
    assert route.revisions.count() == 1
    # measured on save (gis.routes.route_measure): the municipalities it crosses, the walking time
    assert list(route.municipalities.all()) == [athens]
    assert route.duration_min is not None and route.duration_min >= 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "δεν είναι έγκυρο GeoJSON"),
        ({"type": "Point", "coordinates": [23.7, 37.9]}, "LineString ή MultiLineString"),
        ({"type": "LineString", "coordinates": [[23.7, 37.9]]}, "τουλάχιστον δύο σημεία"),
        ({"type": "LineString", "coordinates": [[23.7, 37.9], [23.7, 37.9]]}, "δεν έχει μήκος"),
        ({"type": "LineString", "coordinates": [[23.7, 97.9], [23.7, 37.9]]}, "εκτός"),
    ],
)
def test_a_bad_line_is_explained_and_nothing_is_saved(athens_editor, athens, line, message):
    response = athens_editor.post(ADD, form_data(name="Κακή γραμμή", line=line, stops=[], municipality=athens))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Route.objects.filter(name_el="Κακή γραμμή").exists()


def test_an_editor_cannot_use_another_municipality(athens_editor, athens, nafplio):
    theirs = Place.objects.filter(municipality=nafplio).first()
    ours = Place.objects.filter(municipality=athens).first()
    response = athens_editor.post(
        ADD, form_data(name="Ξένη", line=line_through([ours, theirs]), stops=[theirs], municipality=athens)
    )
    assert response.status_code == 200  # the other town's place is not a choice
    response = athens_editor.post(
        ADD, form_data(name="Ξένη", line=line_through([ours, theirs]), stops=[], municipality=nafplio)
    )
    assert response.status_code == 200  # nor is the other town as the route's keeper
    assert not Route.objects.filter(name_el="Ξένη").exists()


@pytest.mark.browser
def test_editor_draws_a_line_and_reorders_stops_with_the_keyboard(page, live_server, athens):
    first, second = Place.objects.filter(municipality=athens).order_by("pk")[:2]
    route = Route.objects.create(
        name_el="Με πλήκτρα",
        municipality=athens,
        geometry=Route._meta.get_field("geometry").to_python(
            json.dumps({"type": "MultiLineString", "coordinates": [line_through([first, second])["coordinates"]]})
        ),
    )
    route.route_stops.create(place=first, sort_order=0)
    route.route_stops.create(place=second, sort_order=1)
    route.save()  # a cluster's children are written with their parent
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}{ADD}")
    widget = page.locator("[data-line-widget]")
    widget.evaluate("w => w.lineMap.setView([37.9755, 23.7348], 17, {animate: false})")
    box = page.locator(".point-widget__map").bounding_box()
    for dx in (-100, 0, 100):
        page.mouse.click(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2)
    drawn = json.loads(page.locator("[data-line-geojson]").input_value())
    assert drawn["type"] == "MultiLineString" and len(drawn["coordinates"][0]) == 3
    expect(page.locator("[data-line-status]")).to_have_text("Σημεία: 3, τμήματα: 1")
    page.get_by_role("button", name="Αφαίρεση του τελευταίου σημείου").click()
    assert len(json.loads(page.locator("[data-line-geojson]").input_value())["coordinates"][0]) == 2
    assert_accessible(page)  # the route form with its line widget and stops panel

    page.goto(f"{live_server.url}/admin/snippets/xgis/route/edit/{route.pk}/")
    move_down = page.locator("[data-inline-panel-child-move-down]").first  # "Μετακίνηση κάτω"
    move_down.focus()
    page.keyboard.press("Enter")
    page.locator("button[type=submit].action-save").first.click()  # Wagtail's save, not "save and order the stops"
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_be_visible()
    assert [stop.place for stop in route.route_stops.order_by("sort_order")] == [second, first]
