"""Editors place points in the admin by clicking on the map or typing Greek Grid coordinates."""

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect
from pyproj import Geod

from gis.models import Place
from tests.browser import admin_log_in, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
GEOD = Geod(ellps="WGS84")


def metres(a: Point, lon: float, lat: float) -> float:
    return GEOD.inv(a.x, a.y, lon, lat)[2]


def new_place_form(page, live_server, name: str):
    page.goto(f"{live_server.url}/admin/snippets/xgis/place/add/")
    page.locator("#id_name_el").fill(name)


def save(page):
    page.locator("button[type=submit]", has_text="Αποθήκευση").first.click()
    page.wait_for_load_state()


def test_editor_places_a_point_by_clicking(page, live_server):
    admin_log_in(page, live_server)
    new_place_form(page, live_server, "Πλατεία Συντάγματος")
    assert_accessible(page)  # the place form with its point widget
    widget = page.locator("[data-point-widget]")
    widget.evaluate("w => w.pointMap.setView([37.9755, 23.7348], 18, {animate: false})")
    centre = widget.evaluate("w => { const c = w.pointMap.getCenter(); return [c.lat, c.lng]; }")
    box = page.locator(".point-widget__map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("[data-point-lat]")).not_to_have_value("")
    save(page)
    place = Place.objects.get(name_el="Πλατεία Συντάγματος")
    assert metres(place.location, centre[1], centre[0]) < 1.0
    assert place.municipality.code == "9186"
    assert place.revisions.count() == 1  # the admin keeps a revision of every save


def test_editor_types_greek_grid_coordinates(page, live_server):
    admin_log_in(page, live_server)
    new_place_form(page, live_server, "Σημείο ελέγχου")
    page.get_by_label("Τετμημένη (Ε)").fill("476000")  # the admin speaks Greek by default
    page.get_by_label("Τεταγμένη (Ν)").fill("4205000")
    save(page)
    place = Place.objects.get(name_el="Σημείο ελέγχου")
    assert metres(place.location, 23.7283669, 37.9949356) < 1.0  # the Greek Grid check point


def test_swapped_latitude_and_longitude_get_the_outside_warning(page, live_server):
    admin_log_in(page, live_server)
    new_place_form(page, live_server, "Ανάποδα")
    page.locator("[data-point-lat]").fill("23.7264")  # longitude typed as latitude: near the Red Sea coast
    page.locator("[data-point-lon]").fill("37.9716")
    save(page)
    warning = page.locator(".messages .warning, .messages [class*=warning]").first
    expect(warning).to_contain_text("εκτός των ορίων του δήμου Αθηναίων")  # "outside the municipality of Athens"
    expect(warning).to_contain_text("αντεστραμμένα")  # "latitude and longitude look swapped"
    place = Place.objects.get(name_el="Ανάποδα")
    assert place.municipality.code == "9186"  # kept in the editor's municipality, not lost


def test_editor_cannot_open_another_municipality_place(page, live_server):
    admin_log_in(page, live_server)
    tiryns = Place.objects.get(pleiades="570740")
    page.goto(f"{live_server.url}/admin/snippets/xgis/place/edit/{tiryns.pk}/")
    assert "/edit/" not in page.url  # Wagtail sends the browser back to the dashboard
    page.goto(f"{live_server.url}/admin/snippets/xgis/place/")
    listed = page.locator("table.listing").inner_text()
    assert "Ακρόπολη Αθηνών" in listed and "Τίρυνθα" not in listed
