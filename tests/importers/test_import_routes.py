"""Routes in through the import flow: real GPX tracks (lengths against gpxpy), segments and tracks joined in order,
GeoJSON lines with a mapping, re-import writes nothing, waypoints become stops, bad input refused naming the file."""

from io import StringIO
from pathlib import Path

import geopandas as gpd
import gpxpy
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from shapely.geometry import LineString

from gis.models import Route, RouteStop
from importers.errors import ImporterError, NoFeatures, UnreadableFile, UnsafeInput
from importers.models import ImportRun
from importers.readers.gpx import gpx_read
from importers.routes import routes_import
from importers.targets import target_get, targets_offered
from tests.factories import DatasetFactory, MunicipalityFactory, PlaceFactory, square

DATA = Path(__file__).resolve().parent / "data" / "routes"
REAL = ["Mojstrovka.gpx", "cerknicko-jezero.gpx", "korita-zbevnica.gpx"]
db = pytest.mark.django_db

DEMO_ROUTES = "xenagos-demo-routes"  # the demo's own routes (xenagos.demo.routes), loaded with the test database


@pytest.fixture
def dataset(db):
    return DatasetFactory(slug="test-routes")


def snapshot() -> dict:
    """Everything a route import could write, row by row (xmin shows whether a row was rewritten)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, xmin::text, md5(t::text) FROM xgis_route t ORDER BY id")
        routes = cursor.fetchall()
        cursor.execute("SELECT id, xmin::text FROM xgis_routestop ORDER BY id")
        stops = cursor.fetchall()
        cursor.execute("SELECT route_id, municipality_id FROM xgis_route_municipalities ORDER BY 1, 2")
        crossed = cursor.fetchall()
    return {"routes": routes, "stops": stops, "crossed": crossed, "runs": ImportRun.objects.count()}


def gpx_tracks(path: Path) -> list:
    """gpxpy's own reading of the tracks that have at least two points (the oracle)."""
    return [t for t in gpxpy.parse(path.read_text()).tracks if sum(len(s.points) for s in t.segments) >= 2]


@pytest.mark.parametrize("name", REAL)
def test_real_tracks_import_with_gpxpys_length(dataset, name):
    report = routes_import(path=DATA / name, dataset=dataset)
    tracks = gpx_tracks(DATA / name)
    assert report.counts["create"] == len(tracks) >= 1
    stored = list(Route.objects.filter(dataset=dataset).order_by("id"))
    for route, track in zip(stored, tracks, strict=True):
        assert route.length_m == pytest.approx(track.length_2d(), rel=0.01)
        segments = [s for s in track.segments if len(s.points) >= 2]
        assert [len(part) for part in route.geometry] == [len(s.points) for s in segments]
        assert route.profile_source == "track" and route.duration_min is not None


TRACKS = {  # two tracks, the first of two segments: (lon, lat, ele m)
    "Φιλοπάππου": [
        [(23.7200, 37.9700, 100.5), (23.7300, 37.9800, 110.0)],
        [(23.7400, 37.9900, 120.0), (23.75, 38.0, 130.25)],
    ],
    "Λυκαβηττός": [[(23.7430, 37.9820, 150.0), (23.7440, 37.9830, 277.0)]],
}


def test_segments_and_tracks_join_in_order(dataset, tmp_path):
    tracks = "".join(
        f"<trk><name>{name}</name>"
        + "".join(
            "<trkseg>"
            + "".join(f'<trkpt lat="{la}" lon="{lo}"><ele>{e}</ele></trkpt>' for lo, la, e in seg)
            + "</trkseg>"
            for seg in segments
        )
        + "</trk>"
        for name, segments in TRACKS.items()
    )
    path = tmp_path / "two.gpx"
    path.write_text(HEAD + tracks + "</gpx>")
    routes_import(path=path, dataset=dataset)
    stored = list(Route.objects.filter(dataset=dataset).order_by("id"))
    assert [r.name_el for r in stored] == list(TRACKS)
    for route, segments in zip(stored, TRACKS.values(), strict=True):
        assert [list(part.coords) for part in route.geometry] == [[(lo, la) for lo, la, _e in seg] for seg in segments]
        assert route.track_elevations_m == [[e for _lo, _la, e in seg] for seg in segments]
    assert stored[0].length_m == pytest.approx(
        sum(gpxpy.geo.length_2d([gpxpy.geo.Location(la, lo) for lo, la, _e in seg]) for seg in TRACKS["Φιλοπάππου"]),
        rel=0.01,
    )


def test_a_reimport_writes_nothing(dataset):
    path = DATA / "korita-zbevnica.gpx"
    routes_import(path=path, dataset=dataset)
    before = snapshot()
    report = routes_import(path=path, dataset=dataset)
    after = snapshot()
    assert report.counts["unchanged"] == len(gpx_tracks(path)) and report.counts["create"] == 0
    assert {k: v for k, v in after.items() if k != "runs"} == {k: v for k, v in before.items() if k != "runs"}
    assert after["runs"] == before["runs"] + 1  # only the history grows


def test_a_dry_run_writes_nothing(dataset):
    before = snapshot()
    report = routes_import(path=DATA / "Mojstrovka.gpx", dataset=dataset, dry_run=True)
    assert report.counts["create"] == 1 and snapshot() == before


def test_geojson_lines_in_greek_grid_with_a_mapping_cross_two_municipalities(dataset, tmp_path):
    west = MunicipalityFactory(boundary=square(lon=20.70, lat=36.0, half_side_deg=0.01))
    east = MunicipalityFactory(boundary=square(lon=20.72, lat=36.0, half_side_deg=0.01))
    frame = gpd.GeoDataFrame(
        {"code": ["R1"], "onoma": ["Διαδρομή"], "name": ["Walk"]},
        geometry=[LineString([(20.695, 36.0), (20.729, 36.0)])],
        crs="EPSG:4326",
    ).to_crs("EPSG:2100")
    frame.to_file(tmp_path / "walks.geojson", driver="GeoJSON")
    fields = {"source_id": "code", "name_el": "onoma", "name_en": "name"}
    report = routes_import(path=tmp_path / "walks.geojson", dataset=dataset, fields=fields)
    assert report.counts["create"] == 1, report.rejected
    route = Route.objects.get(dataset=dataset, source_id="R1")
    assert (route.name_el, route.name_en) == ("Διαδρομή", "Walk")
    assert set(route.municipalities.all()) == {west, east} and route.municipality == west
    assert route.geometry[0][0] == pytest.approx((20.695, 36.0), abs=1e-5)


def test_waypoints_become_stops_of_nearby_places_in_line_order(dataset, tmp_path):
    points = [(23.728 + i * 0.001, 37.9755) for i in range(11)]
    far, near = PlaceFactory(location=f"POINT({points[8][0]} 37.9756)"), PlaceFactory(location="POINT(23.7301 37.9756)")
    PlaceFactory(location="POINT(23.733 37.980)")  # 550 m from the line: no waypoint near it
    track = "".join(
        f'<trkpt lat="{lat}" lon="{lon}"><ele>{10 + i}</ele></trkpt>' for i, (lon, lat) in enumerate(points)
    )
    path = tmp_path / "walk.gpx"
    path.write_text(
        '<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'
        f'<wpt lat="37.9755" lon="{points[8][0]}"><name>far</name></wpt>'
        '<wpt lat="37.9755" lon="23.730"><name>near</name></wpt>'
        '<wpt lat="37.985" lon="23.728"><name>nothing here</name></wpt>'
        f"<trk><name>Στάσεις</name><trkseg>{track}</trkseg></trk></gpx>"
    )
    routes_import(path=path, dataset=dataset, stops_within_m=30)
    route = Route.objects.get(dataset=dataset)
    assert far.municipality_id and near.municipality_id  # public places, in the demo's Athens
    assert [s.place for s in RouteStop.objects.filter(route=route).order_by("sort_order")] == [near, far]


def test_a_file_of_two_tracks_gives_each_track_only_the_waypoints_near_its_own_line(dataset, tmp_path):
    north = [(23.728 + i * 0.001, 37.9800) for i in range(6)]  # two parallel walks 500 m apart
    south = [(23.728 + i * 0.001, 37.9755) for i in range(6)]
    by_north = PlaceFactory(location="POINT(23.7301 37.9801)")
    by_south = PlaceFactory(location="POINT(23.7311 37.9756)")

    def track(name, points):
        segment = "".join(f'<trkpt lat="{lat}" lon="{lon}"></trkpt>' for lon, lat in points)
        return f"<trk><name>{name}</name><trkseg>{segment}</trkseg></trk>"

    path = tmp_path / "two.gpx"
    path.write_text(
        '<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'
        '<wpt lat="37.9800" lon="23.7301"><name>north stop</name></wpt>'
        '<wpt lat="37.9755" lon="23.7311"><name>south stop</name></wpt>'
        f"{track('Βόρεια', north)}{track('Νότια', south)}</gpx>"
    )
    routes_import(path=path, dataset=dataset, stops_within_m=30)
    stops = {
        route.name_el: [stop.place for stop in RouteStop.objects.filter(route=route)]
        for route in Route.objects.filter(dataset=dataset)
    }
    assert stops == {"Βόρεια": [by_north], "Νότια": [by_south]}


def test_the_command_imports_a_gpx_without_a_mapping_and_reports(db):
    out = StringIO()
    call_command(
        "import_routes",
        str(DATA / "Mojstrovka.gpx"),
        "--dataset",
        "cmd-routes",
        "--licence",
        "Apache-2.0",
        "--attribution",
        "gpxpy",
        stdout=out,
    )
    assert "created: 1" in out.getvalue() and "Import committed." in out.getvalue()
    assert Route.objects.get(dataset__slug="cmd-routes").name_el == "track-1"  # the track has no name


def test_the_command_refuses_a_geojson_without_a_mapping(db, tmp_path):
    (tmp_path / "x.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(CommandError, match="--mapping"):
        call_command("import_routes", str(tmp_path / "x.geojson"), "--dataset", "x", stdout=StringIO())


def test_routes_are_a_target_the_admin_offers():
    assert target_get("routes") in targets_offered()


# Bad input: a clear message naming the file and what is wrong, nothing saved.

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&c;</name>
<trkseg><trkpt lat="37.97" lon="23.70"/><trkpt lat="37.98" lon="23.71"/></trkseg></trk></gpx>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&secret;</name>
<trkseg><trkpt lat="37.97" lon="23.70"/><trkpt lat="37.98" lon="23.71"/></trkseg></trk></gpx>"""
HEAD = '<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        (BILLION_LAUGHS, UnsafeInput, "DTD or entity"),
        (EXTERNAL, UnsafeInput, "DTD or entity"),
        (HEAD + "<trk><name>x</name><trkseg><trkpt lat='1' lon='2'></trkseg></trk></gpx>", UnreadableFile, "broken"),
        (HEAD + '<wpt lat="37.97" lon="23.70"><name>only a waypoint</name></wpt></gpx>', NoFeatures, "no track"),
        ('<?xml version="1.0"?><kml><Document/></kml>', UnreadableFile, "not a GPX"),
    ],
    ids=["billion-laughs", "external-entity", "broken-xml", "no-track", "not-gpx"],
)
def test_bad_gpx_is_refused_naming_the_file(dataset, tmp_path, text, error, message):
    path = tmp_path / "upload-1234.gpx"
    path.write_text(text)
    before = snapshot()
    with pytest.raises(error, match=message) as raised:
        routes_import(path=path, dataset=dataset, display_name="walk.gpx")
    assert str(raised.value).startswith("walk.gpx: ") and str(tmp_path) not in str(raised.value)
    assert "root:" not in str(raised.value)  # /etc/passwd was never read
    assert snapshot() == before


def test_a_file_over_the_upload_limit_is_refused(dataset, settings):
    settings.XENAGOS_IMPORT_MAX_UPLOAD_MB = 0.01  # 10 kB; the track is 23 kB
    with pytest.raises(UnsafeInput, match="larger than the upload limit of 0.01 MB"):
        gpx_read(DATA / "Mojstrovka.gpx")
    assert not Route.objects.exclude(dataset__slug=DEMO_ROUTES).exists()


@pytest.mark.parametrize(
    ("points", "reason"),
    [
        ('<trkpt lat="37.97" lon="23.70"/>', "at least two points"),
        ('<trkpt lat="37.97" lon="23.70"/><trkpt lat="37.97" lon="23.70"/>', "zero length"),
    ],
    ids=["single-point", "zero-length"],
)
def test_a_line_without_length_is_rejected_and_nothing_saved(dataset, tmp_path, points, reason):
    path = tmp_path / "walk.gpx"
    path.write_text(HEAD + f"<trk><name>x</name><trkseg>{points}</trkseg></trk></gpx>")
    report = routes_import(path=path, dataset=dataset)
    assert report.counts["rejected"] == 1 and reason in report.rejected[0]["reason"]
    assert not Route.objects.exclude(dataset__slug=DEMO_ROUTES).exists()


def test_a_self_overlapping_line_is_kept_with_a_note(dataset, tmp_path):
    there_and_back = [(23.70, 37.97), (23.71, 37.97), (23.705, 37.97)]
    path = tmp_path / "walk.gpx"
    path.write_text(
        HEAD
        + "<trk><name>x</name><trkseg>"
        + "".join(f'<trkpt lat="{lat}" lon="{lon}"/>' for lon, lat in there_and_back)
        + "</trkseg></trk></gpx>"
    )
    report = routes_import(path=path, dataset=dataset)
    assert report.counts["create"] == 1 and "retraces itself" in report.notes[0]["reason"]


def test_an_importer_error_is_the_packages_base_error():
    assert issubclass(UnsafeInput, ImporterError) and issubclass(NoFeatures, ImporterError)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_imports_a_gpx_as_routes_through_the_admin(page, live_server, tmp_path, settings):
    from playwright.sync_api import expect

    from tests.browser import admin_log_in, assert_accessible

    settings.XENAGOS_IMPORT_ROOT = tmp_path / "uploads"
    path = tmp_path / "syntagma.gpx"
    points = "".join(f'<trkpt lat="37.9755" lon="{23.730 + i * 0.001}"><ele>{80 + i}</ele></trkpt>' for i in range(6))
    path.write_text(HEAD + f"<trk><name>Γύρω από το Σύνταγμα</name><trkseg>{points}</trkseg></trk></gpx>")
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/imports/new/")
    page.locator("#id_file").set_input_files(str(path))
    page.locator("input[name=kind][value=routes]").check()  # offered by the registry
    page.locator("#id_title").fill("Routes of Athens")
    page.locator("#id_licence").fill("CC BY 4.0")
    page.locator("#id_attribution").fill("Δήμος Αθηναίων")
    page.locator("form[data-importers-upload] button[type=submit]").click()
    page.locator("button[name=next]").click()
    expect(page.locator("form[data-importers-kind=routes]")).to_be_visible()
    assert_accessible(page)  # the routes' mapping form
    page.locator("form[data-importers-mapping] button[type=submit]").click()
    counts = page.locator("[data-importers-counts]")
    expect(counts.locator("[data-count=create]")).to_have_text("1")
    expect(counts).to_contain_text("Νέες διαδρομές")
    page.screenshot(path=str(Path("/tmp/rimport-admin-routes.png")), full_page=True)
    assert not Route.objects.exclude(dataset__slug=DEMO_ROUTES).exists()  # a dry run wrote nothing
    page.locator("[data-importers-confirm]").click()
    expect(page.locator("[data-importers-done]")).to_be_visible()
    route = Route.objects.get(dataset__slug="routes-of-athens")
    assert route.name_el == "Γύρω από το Σύνταγμα" and route.municipality.code == "9186"


def test_a_gpx_files_layer_is_named_in_the_editors_language(dataset):
    """A GPX file has no layers; the report says what was read of it, in the language of the run."""
    from django.utils.translation import override

    path = DATA / "Mojstrovka.gpx"
    with override("el"):
        assert routes_import(path=path, dataset=dataset, dry_run=True).source["layer"] == "ίχνη και διαδρομές"
    with override("en"):
        assert routes_import(path=path, dataset=dataset, dry_run=True).source["layer"] == "tracks and routes"
