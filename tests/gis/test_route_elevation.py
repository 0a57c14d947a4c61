"""A route's profile from its municipality's elevation model (gis.elevation, gis.routes.route_profile_store): the
values against GDAL's own bilinear reading, a DEM in another CRS, a partial DEM, bad DEMs refused in the admin,
and the background task run from a route's save and from a DEM's change."""

import io
import math
import tempfile
from pathlib import Path

import numpy as np
import pytest
import rasterio
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.gis.geos import LineString, MultiLineString
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pyproj import Geod
from rasterio.enums import Resampling
from rasterio.transform import from_origin
from rasterio.warp import transform as warp_transform
from rasterio.windows import Window

from gis.models import Municipality, ProfileSource, Route
from gis.routes import PROFILE_STEP_M, route_measure, route_profile_store
from tests.factories import MunicipalityFactory, RouteFactory
from tests.tiles.helpers import DATA

pytestmark = pytest.mark.django_db

LUXEMBOURG = DATA / "elev_luxembourg.tif"  # EPSG:4326, Int16, nodata -32768, 0.00833° pixels
OLINDA = DATA / "olinda_dem_utm25s.tif"  # UTM zone 25 S (EPSG:31985), Float32, 90 m pixels
GEOD = Geod(ellps="WGS84")


@pytest.fixture
def dem_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _keeper(dem: Path | None = None) -> Municipality:
    municipality = MunicipalityFactory()
    if dem is not None:
        with dem.open("rb") as handle:
            municipality.dem.save(dem.name, File(handle), save=True)
    return municipality


def _straight(start: tuple[float, float], end: tuple[float, float]) -> MultiLineString:
    return MultiLineString(LineString(start, end), srid=4326)


def _float_copy(path: Path, folder: Path) -> Path:
    """The DEM with its pixels as float64 (values unchanged), so that GDAL's resampling does not round to integers."""
    copy = folder / f"{path.stem}-float64.tif"
    with rasterio.open(path) as src:
        profile = {**src.profile, "dtype": "float64"}
        with rasterio.open(copy, "w", **profile) as dst:
            dst.write(src.read().astype("float64"))
    return copy


def _gdal_bilinear(path: Path, lon: np.ndarray, lat: np.ndarray) -> list[float | None]:
    """The oracle: GDAL's own bilinear resampling (a 1 × 1 read of a one-pixel window centred on each point, of a
    float64 copy of the DEM, in its CRS by rasterio.warp.transform); None where a pixel of the four is nodata or the
    point lies outside the pixel centres."""
    values: list[float | None] = []
    with tempfile.TemporaryDirectory() as folder, rasterio.open(_float_copy(path, Path(folder))) as src:
        xs, ys = warp_transform("EPSG:4326", src.crs, list(lon), list(lat))
        for x, y in zip(xs, ys, strict=True):
            col, row = ~src.transform @ (x, y)
            if not (0.5 <= col <= src.width - 0.5 and 0.5 <= row <= src.height - 0.5):
                values.append(None)
                continue
            c0, r0 = math.floor(col - 0.5), math.floor(row - 0.5)
            corners = src.read(1, window=Window(c0, r0, 2, 2), boundless=True, fill_value=src.nodata or 0)
            if src.nodata is not None and (corners == src.nodata).any():
                values.append(None)
                continue
            window = Window(col - 0.5, row - 0.5, 1, 1)  # into a float buffer: GDAL interpolates in floats
            read = src.read(1, window=window, out_shape=(1, 1), out_dtype="float64", resampling=Resampling.bilinear)
            values.append(float(read[0, 0]))
    return values


def _stations(start, end, length_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stations every 10 m along the geodesic from ``start`` and at its end, walked with pyproj's forward problem."""
    azimuth, _back, total = GEOD.inv(*start, *end)
    assert abs(total - length_m) < 0.01
    distances = np.append(np.arange(0.0, total, PROFILE_STEP_M), total)
    n = len(distances)
    lon, lat, _az = GEOD.fwd(np.full(n, start[0]), np.full(n, start[1]), np.full(n, azimuth), distances)
    return distances, np.asarray(lon), np.asarray(lat)


def _check_against_gdal(route: Route, dem: Path, start, end) -> list[float | None]:
    distances, lon, lat = _stations(start, end, route.length_m)
    expected = _gdal_bilinear(dem, lon, lat)
    assert [d for d, _e in route.profile] == pytest.approx(list(distances), abs=0.051)
    got = [e for _d, e in route.profile]
    assert [g is None for g in got] == [e is None for e in expected]
    pairs = [(g, e) for g, e in zip(got, expected, strict=True) if e is not None]
    assert pairs and all(abs(g - e) <= 0.006 for g, e in pairs), max(abs(g - e) for g, e in pairs)
    return got


def test_profile_values_equal_gdals_bilinear_reading(dem_media):
    start, end = (5.95, 49.62), (6.21, 49.83)  # 30 km across Luxembourg, inside the DEM and its data
    route = RouteFactory(geometry=_straight(start, end), municipality=_keeper(LUXEMBOURG))
    route_profile_store(route_id=route.pk)
    route.refresh_from_db()
    assert route.profile_source == ProfileSource.DEM and not route.profile_partial
    heights = _check_against_gdal(route, LUXEMBOURG, start, end)
    assert len(heights) > 2_900 and None not in heights
    assert max(heights) - min(heights) > 100  # a real relief, not a constant
    assert route.lowest_m == min(heights) and route.highest_m == max(heights)
    assert route.ascent_m > 50 and route.descent_m > 50 and route.steepest_pct > 0
    assert route.duration_min > 30_000 / 1000 / 6 * 60  # Tobler never beats 6 km/h


def test_a_dem_in_another_crs_is_reprojected(dem_media):
    start, end = (-34.895, -8.035), (-34.835, -7.960)  # Olinda, in EPSG:4326; the DEM is in UTM zone 25 S
    route = RouteFactory(geometry=_straight(start, end), municipality=_keeper(OLINDA))
    route_profile_store(route_id=route.pk)
    route.refresh_from_db()
    assert route.profile_source == ProfileSource.DEM and not route.profile_partial
    heights = _check_against_gdal(route, OLINDA, start, end)
    assert None not in heights and max(heights) - min(heights) > 20


def test_a_route_half_outside_the_dem_has_a_partial_profile(dem_media):
    start, end = (5.60, 49.80), (5.90, 49.80)  # starts 10 km west of the DEM's edge (5.7417° E)
    route = RouteFactory(geometry=_straight(start, end), municipality=_keeper(LUXEMBOURG))
    route_profile_store(route_id=route.pk)
    route.refresh_from_db()
    assert route.profile_source == ProfileSource.DEM and route.profile_partial
    heights = _check_against_gdal(route, LUXEMBOURG, start, end)
    first = next(i for i, h in enumerate(heights) if h is not None)
    with rasterio.open(LUXEMBOURG) as src:  # the westernmost pixel centres, then Belgium's nodata
        edge_m = GEOD.inv(start[0], start[1], src.bounds.left + src.res[0] / 2, start[1])[2]
    assert first * PROFILE_STEP_M >= edge_m > 10_000 and all(h is None for h in heights[:first])
    assert sum(h is not None for h in heights) > 800  # the 8.7 km inside Luxembourg


def test_a_dem_that_covers_none_of_the_route_leaves_the_tracks_profile(dem_media):
    line = MultiLineString(LineString((23.72, 37.97), (23.73, 37.97)), srid=4326)
    route = RouteFactory(geometry=line, municipality=_keeper(LUXEMBOURG), track_elevations_m=[[100.0, 140.0]])
    route_profile_store(route_id=route.pk)
    route.refresh_from_db()
    assert route.profile_source == ProfileSource.TRACK and (route.profile[0][1], route.profile[-1][1]) == (100.0, 140.0)


def test_without_a_dem_the_profile_is_the_tracks_and_without_either_there_is_none(dem_media):
    line = _straight((23.72, 37.97), (23.73, 37.97))
    tracked = RouteFactory(geometry=line, municipality=_keeper(), track_elevations_m=[[100.0, 140.0]])
    bare = RouteFactory(geometry=line, municipality=_keeper())
    assert route_profile_store(route_id=tracked.pk).profile_source == ProfileSource.TRACK
    stored = route_profile_store(route_id=bare.pk)
    assert stored.profile_source == ProfileSource.NONE and stored.profile == [] and stored.ascent_m is None


# --------------------------------------------------------------------------------------------------------------------
# when: the task runs from a route's save and from a DEM's change


def test_a_saved_route_gets_its_profile_from_the_dem_in_the_background(dem_media, django_capture_on_commit_callbacks):
    keeper = _keeper(LUXEMBOURG)
    line = MultiLineString(LineString((6.0, 49.7), (6.05, 49.72)), srid=4326)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        route = RouteFactory(geometry=line, municipality=keeper, track_elevations_m=[[300.0, 310.0]])
        route_measure(route=route)  # as the admin and the import do, in the request: the track's profile
        assert Route.objects.get(pk=route.pk).profile_source == ProfileSource.TRACK
    assert len(callbacks) == 1
    route.refresh_from_db()
    assert route.profile_source == ProfileSource.DEM and route.profile[0][1] != 300.0

    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # a save of the measures asks no more
        route_measure(route=route)
    assert not callbacks


def test_setting_and_removing_a_dem_in_the_admin_reads_the_profiles_again(
    client, dem_media, django_capture_on_commit_callbacks
):
    keeper = MunicipalityFactory(site=True)
    moderator = get_user_model().objects.create_user(username="dem-moderator", password="x")
    moderator.groups.add(Group.objects.get(name=f"{keeper.name_en}: moderators"))
    line = MultiLineString(LineString((6.0, 49.7), (6.05, 49.72)), srid=4326)
    route = RouteFactory(geometry=line, municipality=keeper, track_elevations_m=[[300.0, 310.0]])
    route_measure(route=route)
    client.force_login(moderator)
    url = reverse("xgis_dem_edit", kwargs={"municipality": keeper.pk})
    assert keeper.name in client.get(reverse("xgis_dem_index")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"dem": SimpleUploadedFile("lux.tif", LUXEMBOURG.read_bytes())})
    assert response.status_code == 302
    keeper.refresh_from_db()
    stored = Path(keeper.dem.path)
    assert stored.is_relative_to(dem_media / "elevation") and stored.read_bytes() == LUXEMBOURG.read_bytes()
    route.refresh_from_db()
    assert route.profile_source == ProfileSource.DEM

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"dem-clear": "on"})
    assert response.status_code == 302
    keeper.refresh_from_db()
    route.refresh_from_db()
    assert not keeper.dem and not stored.exists()  # the old file goes with it
    assert route.profile_source == ProfileSource.TRACK and route.profile[0][1] == 300.0


def test_only_superusers_and_the_municipalitys_moderators_set_its_dem(client, athens, nafplio):
    users = get_user_model().objects
    moderator = users.create_user(username="athens-dem-moderator", password="x")
    moderator.groups.add(Group.objects.get(name="Athens: moderators"))
    cases = [
        (users.get(username="editor-athens"), athens, False),  # an editor may not
        (moderator, nafplio, False),  # another municipality's moderator may not
        (moderator, athens, True),
        (users.get(username="admin"), nafplio, True),
    ]
    for user, municipality, allowed in cases:
        client.force_login(user)
        response = client.get(reverse("xgis_dem_edit", kwargs={"municipality": municipality.pk}))
        if allowed:
            assert response.status_code == 200 and municipality.name_el in response.content.decode()
        else:  # Wagtail answers a PermissionDenied with its dashboard and a message
            assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"), user
    client.force_login(users.get(username="editor-athens"))
    response = client.get(reverse("xgis_dem_index"))
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


# --------------------------------------------------------------------------------------------------------------------
# bad DEMs: refused with the file's name and what is wrong; nothing saved


def _png_named_tif() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (8, 8), 128).save(buffer, format="PNG")
    return buffer.getvalue()


def _geotiff_without_crs(tmp_path: Path) -> bytes:
    path = tmp_path / "nocrs.tif"
    profile = {"driver": "GTiff", "width": 16, "height": 16, "count": 1, "dtype": "float32"}
    with rasterio.open(path, "w", **profile, transform=from_origin(300000, 4200000, 10, 10)) as dst:
        dst.write(np.arange(256, dtype="float32").reshape(1, 16, 16))
    return path.read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("relief.tif", lambda tmp: _png_named_tif(), "the content is not a TIFF although the name ends in .tif"),
        ("nocrs.tif", _geotiff_without_crs, "it has a geotransform but no coordinate reference system"),
        ("relief.png", lambda tmp: _png_named_tif(), "unexpected file type '.png'; expected a GeoTIFF (.tif, .tiff)"),
    ],
)
def test_a_bad_dem_is_refused_with_its_name_and_nothing_is_saved(
    admin_client, athens, dem_media, tmp_path, name, content, reason, django_capture_on_commit_callbacks
):
    url = reverse("xgis_dem_edit", kwargs={"municipality": athens.pk})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(url, {"dem": SimpleUploadedFile(name, content(tmp_path))})
    assert response.status_code == 200 and not callbacks
    page = response.content.decode()
    assert f"Το {name} δεν μπορεί να χρησιμοποιηθεί ως ψηφιακό μοντέλο εδάφους: {reason}" in page.replace("&#x27;", "'")
    assert str(tmp_path) not in page and "xenagos-dem-" not in page  # no server path
    athens.refresh_from_db()
    assert not athens.dem and not (dem_media / "elevation").exists()


def test_a_dem_over_the_size_limit_is_refused_in_greek(admin_client, athens, dem_media, settings):
    settings.XENAGOS_RASTER_MAX_UPLOAD_MB = 0.001
    url = reverse("xgis_dem_edit", kwargs={"municipality": athens.pk})
    response = admin_client.post(
        url, {"dem": SimpleUploadedFile("lux.tif", LUXEMBOURG.read_bytes())}, HTTP_ACCEPT_LANGUAGE="el"
    )
    assert response.status_code == 200
    assert "lux.tif" in response.content.decode() and "μοντέλο εδάφους" in response.content.decode()
    athens.refresh_from_db()
    assert not athens.dem
