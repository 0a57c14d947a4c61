"""Editors place points in the admin by clicking on the map or typing Greek Grid coordinates."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.geos import Point
from playwright.sync_api import expect
from pyproj import Geod
from wagtail.models import Revision
from wagtail.users.models import UserProfile

from gis.models import Place
from gis.vocabularies import CATEGORIES, PERIODS
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


def click_map_at(page, lat: float, lon: float, zoom: int = 18) -> None:
    """Centre the widget's map on (lat, lon) in WGS 84 degrees and click its middle, as an editor would."""
    page.locator("[data-point-widget]").evaluate(
        "(w, view) => w.pointMap.setView([view[0], view[1]], view[2], {animate: false})", [lat, lon, zoom]
    )
    box = page.locator(".point-widget__map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def saves(request) -> bool:
    """Whether a browser request sends the form (Wagtail's editing-session pings are not saves)."""
    return request.method == "POST" and "/editing-sessions/" not in request.url


def place_revisions() -> int:
    return Revision.objects.filter(content_type=ContentType.objects.get_for_model(Place)).count()


def leave_after_waiting(page, live_server, posts: list[str]) -> None:
    """Wait well past Wagtail's autosave interval (0.5 s) and go elsewhere, confirming "leave the page"."""
    page.wait_for_timeout(3000)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/admin/")


def api_names_near_syntagma(page, live_server) -> str:
    response = page.request.get(
        f"{live_server.url}/api/features/collections/places/items?bbox=23.72,37.96,23.75,37.99&limit=1000"
    )
    assert response.ok
    return response.text()


def test_an_abandoned_new_place_form_leaves_nothing_behind(page, live_server):
    """Issue 12, defect 3: a place has no draft state, so Wagtail's autosave made a live place from the first click
    on the map, which the open-data API published. Nothing may reach the server before Save."""
    admin_log_in(page, live_server)
    revisions = place_revisions()
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if saves(request) else None)
    page.goto(f"{live_server.url}/admin/snippets/xgis/place/add/")
    page.wait_for_timeout(2500)  # a person reads the form first (Wagtail starts watching for changes after 2 s)
    click_map_at(page, 37.9755, 23.7348)
    page.locator("#id_name_el").fill("Εγκαταλελειμμένος τόπος")
    expect(page.locator("[data-point-lat]")).not_to_have_value("")
    leave_after_waiting(page, live_server, posts)
    assert not Place.objects.filter(name_el="Εγκαταλελειμμένος τόπος").exists()
    assert place_revisions() == revisions
    assert "Εγκαταλελειμμένος" not in api_names_near_syntagma(page, live_server)
    assert posts == [], f"the form was sent before Save: {posts}"


def test_an_abandoned_edit_of_a_place_changes_nothing(page, live_server):
    """Issue 12, defect 3: autosaving an existing place would change the live record (a place has no drafts): the
    public keeps what was there until the editor presses Save."""
    admin_log_in(page, live_server)
    place = Place.objects.get(dataset__slug="pleiades-demo", source_id="638356144")  # the Acropolis
    before = (place.name_el, place.location.coords, place.revisions.count())
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if saves(request) else None)
    page.goto(f"{live_server.url}/admin/snippets/xgis/place/edit/{place.pk}/")
    page.wait_for_timeout(2500)
    page.locator("#id_name_el").fill("Μισοτελειωμένη αλλαγή")
    click_map_at(page, 37.9755, 23.7348)
    leave_after_waiting(page, live_server, posts)
    place.refresh_from_db()
    assert (place.name_el, place.location.coords, place.revisions.count()) == before
    assert "Μισοτελειωμένη" not in api_names_near_syntagma(page, live_server)
    assert posts == [], f"the form was sent before Save: {posts}"


def test_the_map_opens_on_the_editor_municipality_with_its_boundary(page, live_server, nafplio):
    """Issue 12, defect 14: the widget opened on all of Greece; it opens on the editor's municipality, drawn."""
    admin_log_in(page, live_server, "editor-nafplio", "nafplio-demo-editor")
    page.goto(f"{live_server.url}/admin/snippets/xgis/place/add/")
    widget = page.locator("[data-point-widget]")
    expect(page.locator(".point-widget__map .leaflet-overlay-pane path")).to_have_count(1)  # Nafplio's outline
    west, south, east, north = nafplio.boundary.extent
    centre = widget.evaluate("w => { const c = w.pointMap.getCenter(); return [c.lat, c.lng]; }")
    assert south < centre[0] < north and west < centre[1] < east
    assert widget.evaluate("w => w.pointMap.getZoom()") >= 9
    click_map_at(page, 37.5675, 22.8017, zoom=15)  # clicks go through the outline to the map: central Nafplio
    expect(page.locator("[data-point-lat]")).to_have_value(re.compile(r"^37\.56"))
    screenshots(page, "place-form-nafplio")


def screenshots(page, name: str) -> None:
    """Desktop and phone screenshots under var/screenshots/editor/ for a person to look at."""
    folder = Path(settings.BASE_DIR) / "var" / "screenshots" / "editor"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}-desktop.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(folder / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def option_labels(html: str, name: str) -> list[str]:
    """The visible labels of a form field's choices (a select's options or a list of checkboxes)."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if select:
        return [unescape(label).strip() for label in re.findall(r"<option[^>]*>(.*?)</option>", select[1], re.S)]
    return [
        unescape(label).strip()
        for label in re.findall(rf'<input[^>]*name="{name}"[^>]*>\s*([^<]*)</label>', html, re.S)
    ]


@pytest.mark.parametrize(
    ("language", "category", "period"), [("el", "Μουσείο", "Βυζαντινή"), ("en", "Museum", "Byzantine")]
)
def test_categories_and_periods_are_listed_once_in_the_editor_language(client, language, category, period):
    """Issue 12, defect 14: each category and period was offered twice (its Greek row and its English one)."""
    editor = get_user_model().objects.get(username="editor-athens")
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = language
    profile.save()
    client.force_login(editor)
    html = client.get("/admin/snippets/xgis/place/add/").content.decode()
    categories = [label for label in option_labels(html, "category") if label.strip("-")]
    periods = option_labels(html, "periods")
    assert len(categories) == len(CATEGORIES) and len(set(categories)) == len(categories)
    assert len(periods) == len(PERIODS)
    assert category in categories and period in periods
