"""A track uploaded on the route form (GPX, KML or GeoJSON) replaces the line and offers the editor's places
nearest its waypoints as stops, without saving; bad files are explained, naming the file, and nothing is saved.
"Save and order the stops along the line" numbers the stops in line order."""

import json
from pathlib import Path

import gpxpy
import gpxpy.gpx
import numpy as np
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from playwright.sync_api import expect
from pyproj import Geod

from gis.models import Place, Route
from tests.browser import admin_log_in, assert_accessible
from tests.gis.test_route_admin import ADD, form_data, line_through

pytestmark = pytest.mark.django_db
GEOD = Geod(ellps="WGS84")
ROUTES = Path(__file__).resolve().parents[1] / "importers" / "data" / "routes"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def place(source_id: str) -> Place:
    return Place.objects.get(dataset__slug="pleiades-demo", source_id=source_id)


def north_of(p: Place, metres: float) -> tuple[float, float]:
    lon, lat, _back = GEOD.fwd(p.location.x, p.location.y, 0, metres)
    return lon, lat


def close(got, want) -> bool:
    """Same positions (lon, lat degrees) within 1e-7°."""
    return np.asarray(got, dtype=float).shape == np.asarray(want, dtype=float).shape and np.allclose(
        np.asarray(got, dtype=float), np.asarray(want, dtype=float), rtol=0, atol=1e-7
    )


def gpx_with_waypoints(waypoints: list[tuple[str, float, float]], line: list[tuple[float, float]]) -> bytes:
    """A GPX of one track (two segments) and the given waypoints (name, lon, lat), written with gpxpy."""
    gpx = gpxpy.gpx.GPX()
    track = gpxpy.gpx.GPXTrack(name="Δοκιμή")
    half = len(line) // 2
    for chunk in (line[: half + 1], line[half:]):
        segment = gpxpy.gpx.GPXTrackSegment([gpxpy.gpx.GPXTrackPoint(lat, lon, elevation=100) for lon, lat in chunk])
        track.segments.append(segment)
    gpx.tracks.append(track)
    gpx.waypoints = [gpxpy.gpx.GPXWaypoint(lat, lon, name=name) for name, lon, lat in waypoints]
    return gpx.to_xml(version="1.1").encode()


def upload(client, *, name: str, content: bytes, within_m: str = "50", data: dict | None = None, url: str = ADD):
    form = data or form_data(name="", line="", stops=[], municipality=Place.objects.first().municipality)
    form.update({"track_file": SimpleUploadedFile(name, content), "stops_within_m": within_m})
    return client.post(url, form)


def shown(response) -> tuple[BeautifulSoup, dict, str]:
    """The re-rendered form, its line (GeoJSON) and the messages' text."""
    html = BeautifulSoup(response.content, "html.parser")
    line = html.select_one("textarea[name=geometry]").get_text()
    text = " ".join(m.get_text(" ", strip=True) for m in html.select(".messages li"))
    return html, json.loads(line) if line.strip() else {}, text


def stop_places(html: BeautifulSoup) -> list[int]:
    total = int(html.select_one("input[name='route_stops-TOTAL_FORMS']")["value"])
    places = []
    for n in range(total):
        field = html.select_one(f"input[name='route_stops-{n}-place']")
        if field is not None and field.get("value"):
            places.append(int(field["value"]))
    return places


@pytest.fixture
def athens_editor(client):
    client.force_login(get_user_model().objects.get(username="editor-athens"))
    return client


def test_a_gpx_gives_its_line_and_offers_the_places_at_its_waypoints_as_stops(athens_editor, athens, nafplio):
    agora, hephaestus, kerameikos, tiryns = place("807514119"), place("558659669"), place("97294452"), place("570740")
    line = [kerameikos.location.coords, hephaestus.location.coords, agora.location.coords]
    waypoints = [
        ("near the Agora", *north_of(agora, 30)),  # 30 m away: matched
        ("near Hephaestus", *north_of(hephaestus, 40)),
        ("nowhere", 23.70, 37.99),  # no place within 50 m
        ("Tiryns", *tiryns.location.coords),  # another municipality's place: never offered
    ]
    before = Route.objects.count()
    response = upload(athens_editor, name="βόλτα.gpx", content=gpx_with_waypoints(waypoints, line))
    assert response.status_code == 200
    html, geometry, text = shown(response)
    assert geometry["type"] == "MultiLineString" and len(geometry["coordinates"]) == 2  # both segments, in order
    joined = geometry["coordinates"][0] + geometry["coordinates"][1][1:]
    assert close([position[:2] for position in joined], line)
    assert {position[2] for position in joined} == {100}  # each vertex's elevation rides along
    assert stop_places(html) == [agora.pk, hephaestus.pk]
    assert "βόλτα.gpx" in text and "2" in text and "nowhere" in text and "Tiryns" in text
    assert Route.objects.count() == before  # nothing saved

    # a smaller distance than 30 m matches neither
    html, _geometry, _text = shown(
        upload(athens_editor, name="βόλτα.gpx", content=gpx_with_waypoints(waypoints, line), within_m="20")
    )
    assert stop_places(html) == []


def test_the_offered_stops_are_saved_with_the_form(athens_editor, athens):
    agora, hephaestus = place("807514119"), place("558659669")
    content = gpx_with_waypoints([("a", *north_of(agora, 10))], [hephaestus.location.coords, agora.location.coords])
    html, geometry, _text = shown(upload(athens_editor, name="walk.gpx", content=content))
    data = {field["name"]: field.get("value", "") for field in html.select("form input[name]") if field.get("name")}
    data.update(form_data(name="Ανέβασμα", line=json.dumps(geometry), stops=[agora], municipality=athens))
    response = athens_editor.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:1000]
    route = Route.objects.get(name_el="Ανέβασμα")
    assert [s.place for s in route.route_stops.all()] == [agora]
    assert route.geometry.coords == ((hephaestus.location.coords, agora.location.coords),)


@pytest.mark.parametrize("name", ["Mojstrovka.gpx", "korita-zbevnica.gpx", "cerknicko-jezero.gpx"])
def test_a_real_gpx_track_is_read_whole(athens_editor, name):
    content = (ROUTES / name).read_bytes()
    expected = gpxpy.parse(content.decode())
    _html, geometry, text = shown(upload(athens_editor, name=name, content=content))
    segments = [s for t in expected.tracks for s in t.segments if len(s.points) > 1]
    assert len(geometry["coordinates"]) == len(segments)
    first = segments[0].points[0]
    assert geometry["coordinates"][0][0] == pytest.approx([first.longitude, first.latitude, first.elevation])
    length = sum(GEOD.line_length([p[0] for p in part], [p[1] for p in part]) for part in geometry["coordinates"])
    assert length == pytest.approx(sum(s.length_2d() for s in segments), rel=0.01)
    assert name in text


def test_kml_and_geojson_uploads_give_their_lines(athens_editor, athens, tmp_path):
    agora, hephaestus = place("807514119"), place("558659669")
    coords = [hephaestus.location.coords, agora.location.coords]
    geojson = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": coords}}],
    }
    kml = (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
        "<name>walk</name><LineString><coordinates>"
        + " ".join(f"{x},{y}" for x, y in coords)
        + "</coordinates></LineString></Placemark></Document></kml>"
    )
    for name, content in (("walk.geojson", json.dumps(geojson).encode()), ("walk.kml", kml.encode())):
        _html, geometry, text = shown(upload(athens_editor, name=name, content=content))
        assert len(geometry["coordinates"]) == 1 and close(geometry["coordinates"][0], coords), name
        assert name in text


ENTITIES = b"""<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>
<gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&b;</name><trkseg>
<trkpt lat="37.97" lon="23.72"/><trkpt lat="37.98" lon="23.73"/></trkseg></trk></gpx>"""
NO_TRACK = b"""<?xml version="1.0"?><gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1">
<wpt lat="37.97" lon="23.72"><name>only a waypoint</name></wpt></gpx>"""
ONE_POINT = b"""<?xml version="1.0"?><gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1">
<trk><trkseg><trkpt lat="37.97" lon="23.72"/></trkseg></trk></gpx>"""


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.gpx", b"<gpx><trk>", "XML"),
        ("entities.gpx", ENTITIES, "DTD"),
        ("empty.gpx", NO_TRACK, "δεν έχει ίχνος"),
        ("single.gpx", ONE_POINT, "δύο διαφορετικά σημεία"),
        ("notes.txt", b"hello", "GPX, KML"),
    ],
)
def test_a_bad_file_is_explained_naming_it_and_nothing_is_saved(athens_editor, athens, name, content, message):
    agora = place("807514119")
    data = form_data(name="Κακό αρχείο", line=line_through([agora, place("558659669")]), stops=[], municipality=athens)
    before = Route.objects.count()
    response = upload(athens_editor, name=name, content=content, data=data)
    assert response.status_code == 200
    html, geometry, text = shown(response)
    assert name in text and message in text, text
    assert "/tmp" not in text and "Traceback" not in response.content.decode()
    assert geometry["coordinates"] == line_through([agora, place("558659669")])["coordinates"]  # the line is kept
    assert Route.objects.count() == before


@override_settings(XENAGOS_IMPORT_MAX_UPLOAD_MB=0.001)
def test_a_file_over_the_upload_limit_is_refused(athens_editor):
    content = gpx_with_waypoints([], [(23.72, 37.97), (23.73, 37.98)] * 20)
    before = Route.objects.count()
    _html, _geometry, text = shown(upload(athens_editor, name="big.gpx", content=content))
    assert "big.gpx" in text and "0.001 MB" in text
    assert Route.objects.count() == before


def test_the_order_button_saves_and_numbers_the_stops_along_the_line(athens_editor, athens):
    kerameikos, agora, acropolis = place("97294452"), place("807514119"), place("638356144")
    data = form_data(
        name="Σε σειρά",
        line=line_through([kerameikos, agora, acropolis]),
        stops=[acropolis, kerameikos, agora],
        municipality=athens,
    )
    data["order_stops"] = "1"
    response = athens_editor.post(ADD, data)
    route = Route.objects.get(name_el="Σε σειρά")
    assert response.status_code == 302 and response["Location"].endswith(f"/edit/{route.pk}/")
    assert [s.place for s in route.route_stops.order_by("sort_order")] == [kerameikos, agora, acropolis]


def test_the_order_button_saves_nothing_when_the_form_is_invalid(athens_editor, athens):
    data = form_data(name="", line=line_through([place("97294452"), place("807514119")]), stops=[], municipality=athens)
    data["order_stops"] = "1"
    before = Route.objects.count()
    assert athens_editor.post(ADD, data).status_code == 200
    assert Route.objects.count() == before


@pytest.mark.browser
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_upload_and_order_by_keyboard_and_the_form_is_accessible(page, live_server, athens, tmp_path, size):
    page.set_viewport_size(VIEWPORTS[size])
    agora, hephaestus, kerameikos = place("807514119"), place("558659669"), place("97294452")
    track = tmp_path / "peripatos.gpx"
    waypoints = [("agora", *north_of(agora, 5)), ("kerameikos", *north_of(kerameikos, 5))]
    track.write_bytes(
        gpx_with_waypoints(waypoints, [kerameikos.location.coords, hephaestus.location.coords, agora.location.coords])
    )
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}{ADD}")
    assert_accessible(page)
    page.get_by_label("Όνομα (ελληνικά)").fill("Από αρχείο")
    page.get_by_label("Ανεβάστε ένα ίχνος (GPX, KML ή GeoJSON)").set_input_files(str(track))
    read = page.get_by_role("button", name="Ανάγνωση του ίχνους")
    read.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("peripatos.gpx")
    assert json.loads(page.locator("[data-line-geojson]").input_value())["type"] == "MultiLineString"
    page.screenshot(path=str(tmp_path / f"route-upload-{size}.png"), full_page=True)
    page.wait_for_timeout(1000)  # Wagtail's messages fade in; axe measures their colours once shown
    assert_accessible(page)
    order = page.locator("button[name=order_stops]")
    expect(order).to_have_text("Αποθήκευση και ταξινόμηση των στάσεων κατά μήκος της γραμμής")
    order.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("κατά μήκος της γραμμής")
    route = Route.objects.get(name_el="Από αρχείο")
    assert [s.place for s in route.route_stops.order_by("sort_order")] == [kerameikos, agora]


def test_an_uploaded_tracks_elevations_are_kept_and_give_the_profile(athens_editor, athens):
    agora, hephaestus = place("807514119"), place("558659669")
    gpx = gpxpy.gpx.GPX()
    track = gpxpy.gpx.GPXTrack(name="Ύψη")
    points = [(hephaestus.location.coords, 70.0), (agora.location.coords, 64.5)]
    track.segments.append(
        gpxpy.gpx.GPXTrackSegment([gpxpy.gpx.GPXTrackPoint(lat, lon, elevation=z) for (lon, lat), z in points])
    )
    gpx.tracks.append(track)
    html, geometry, _text = shown(upload(athens_editor, name="heights.gpx", content=gpx.to_xml().encode()))
    assert [position[2] for position in geometry["coordinates"][0]] == [70.0, 64.5]  # carried by the form
    data = form_data(name="Με υψόμετρα", line=json.dumps(geometry), stops=[], municipality=athens)
    assert athens_editor.post(ADD, data).status_code == 302
    route = Route.objects.get(name_el="Με υψόμετρα")
    assert route.track_elevations_m == [[70.0, 64.5]]
    assert route.profile_source == "track"
    assert route.profile[0][1] == pytest.approx(70.0) and route.profile[-1][1] == pytest.approx(64.5)
    # the line drawn again without heights drops them: they belonged to the old vertices
    redrawn = line_through([agora, hephaestus])
    data = form_data(name="Με υψόμετρα", line=redrawn, stops=[], municipality=athens)
    assert athens_editor.post(f"/admin/snippets/xgis/route/edit/{route.pk}/", data).status_code == 302
    route.refresh_from_db()
    assert route.track_elevations_m is None and route.profile_source == ""


def test_the_points_of_a_kml_or_geojson_file_are_offered_as_stops(athens_editor, athens, nafplio):
    """A KML or GeoJSON file's Point features (with their names) play a GPX file's waypoints' part."""
    agora, hephaestus, tiryns = place("807514119"), place("558659669"), place("570740")
    coords = [hephaestus.location.coords, agora.location.coords]
    points = [
        ("στην Αγορά", north_of(agora, 30)),  # 30 m away: matched
        ("near Hephaestus", north_of(hephaestus, 40)),
        ("nowhere", (23.70, 37.99)),  # no place within 50 m
        ("Tiryns", tiryns.location.coords),  # another municipality's place: never offered
    ]
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "walk"},
                "geometry": {"type": "LineString", "coordinates": coords},
            }
        ]
        + [
            {"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Point", "coordinates": list(xy)}}
            for name, xy in points
        ],
    }
    kml = (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        "<Placemark><name>walk</name><LineString><coordinates>"
        + " ".join(f"{x},{y}" for x, y in coords)
        + "</coordinates></LineString></Placemark>"
        + "".join(
            f"<Placemark><name>{name}</name><Point><coordinates>{x},{y}</coordinates></Point></Placemark>"
            for name, (x, y) in points
        )
        + "</Document></kml>"
    )
    before = Route.objects.count()
    for name, content in (("stops.geojson", json.dumps(geojson).encode()), ("stops.kml", kml.encode())):
        html, geometry, text = shown(upload(athens_editor, name=name, content=content))
        assert len(geometry["coordinates"]) == 1 and close(geometry["coordinates"][0], coords), name
        assert stop_places(html) == [agora.pk, hephaestus.pk], name
        assert name in text and "nowhere" in text and "Tiryns" in text, text
        assert "near Hephaestus" not in text and "στην Αγορά" not in text  # matched: not listed as unmatched
        # a smaller distance than 30 m matches neither
        html, _geometry, _text = shown(upload(athens_editor, name=name, content=content, within_m="20"))
        assert stop_places(html) == [], name
    assert Route.objects.count() == before  # nothing saved


def test_a_file_of_points_alone_has_no_line(athens_editor, athens):
    agora = place("807514119")
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "a"}, "geometry": {"type": "Point", "coordinates": list(c)}}
            for c in (agora.location.coords, north_of(agora, 100))
        ],
    }
    before = Route.objects.count()
    _html, geometry, text = shown(upload(athens_editor, name="points.geojson", content=json.dumps(geojson).encode()))
    assert geometry == {} or not geometry.get("coordinates")
    assert "points.geojson" in text and ("no line" in text or "γραμμή" in text), text
    assert Route.objects.count() == before
