"""Boundary files in any CRS become valid EPSG:4326 MultiPolygons; bad files are refused with a clear message."""

import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Polygon

from importers.boundaries import read_boundary
from importers.errors import MissingCRS, NoFeatures, UnsafeInput, WrongGeometry

DEMO = Path(__file__).resolve().parents[2] / "site" / "xenagos" / "demo" / "boundaries.geojson"
# Check point of the Greek Grid: E 476000, N 4205000 (EPSG:2100) is 37.9949356 N, 23.7283669 E.
CHECK_E, CHECK_N, CHECK_LAT, CHECK_LON = 476000.0, 4205000.0, 37.9949356, 23.7283669


def square_2100(tmp_path: Path, *, crs: str | None = "EPSG:2100", name: str = "square.gpkg") -> Path:
    """A 200 m square in the Greek Grid whose south-west corner is the check point."""
    e, n = CHECK_E, CHECK_N
    frame = gpd.GeoDataFrame(
        {"code": ["1"]}, geometry=[Polygon([(e, n), (e + 200, n), (e + 200, n + 200), (e, n + 200)])], crs=crs
    )
    path = tmp_path / name
    frame.to_file(path)
    return path


def test_greek_grid_boundary_is_reprojected_to_wgs84(tmp_path):
    boundary = read_boundary(square_2100(tmp_path))
    assert boundary.srid == 4326 and boundary.geom_type == "MultiPolygon" and boundary.valid
    west, south, _east, _north = boundary.extent
    # 1e-5 degrees is about 1 m here
    assert abs(south - CHECK_LAT) < 1e-5 and abs(west - CHECK_LON) < 1.2e-5


def test_real_kallikratis_boundary_with_wrong_winding(tmp_path):
    boundary = read_boundary(DEMO, where=("KWD_YPES", "9186"))
    assert boundary.valid and boundary.srid == 4326
    # Syntagma Square is in Athens; Piraeus port is not.
    from django.contrib.gis.geos import Point

    assert boundary.contains(Point(23.7348, 37.9755, srid=4326))
    assert not boundary.contains(Point(23.6280, 37.9420, srid=4326))


def test_file_without_crs_is_refused_unless_named(tmp_path):
    # A GeoJSON file without "crs" is WGS 84 by RFC 7946, so make a GeoPackage without a CRS instead.
    gpkg = square_2100(tmp_path, crs=None, name="no_crs.gpkg")
    with pytest.raises(MissingCRS, match="no coordinate reference system") as error:
        read_boundary(gpkg)
    assert str(gpkg) in str(error.value)
    assert read_boundary(gpkg, srid=2100).valid


def test_no_matching_feature(tmp_path):
    with pytest.raises(NoFeatures, match="KWD_YPES = 0000"):
        read_boundary(DEMO, where=("KWD_YPES", "0000"))
    with pytest.raises(NoFeatures, match="no such field"):
        read_boundary(DEMO, where=("NOPE", "1"))


def test_points_are_not_a_boundary(tmp_path):
    path = tmp_path / "points.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [23.7, 37.9]}}
                ],
            }
        )
    )
    with pytest.raises(WrongGeometry, match="feature 1.*expected a polygon, found Point"):
        read_boundary(path)


@pytest.mark.parametrize("name", ["/vsicurl/http://example.org/a.geojson", "http://example.org/a.geojson"])
def test_urls_and_virtual_file_systems_are_never_opened(name):
    with pytest.raises(UnsafeInput, match="only local files"):
        read_boundary(name)


def test_vrt_disguised_as_geojson_is_refused(tmp_path):
    path = tmp_path / "boundary.geojson"
    path.write_text(
        '<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/etc/passwd</SrcDataSource>'
        "</OGRVRTLayer></OGRVRTDataSource>"
    )
    with pytest.raises(UnsafeInput, match="content is not GeoJSON"):
        read_boundary(path)
