"""Readers keep lines as lines and Z values where the target asks for them; points stay as they were. No database."""

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString

from importers.readers import GeometryOptions, source_open

from .helpers import CHECK_E, CHECK_LAT, CHECK_LON, CHECK_N

LINES_Z = GeometryOptions(lines=True, z=True)
TRACK = [  # (lon, lat, ele in metres), two segments
    [(23.7200, 37.9700, 100.5), (23.7300, 37.9800, 110.0)],
    [(23.7400, 37.9900, 120.0), (23.7500, 38.0000, 130.25), (23.7600, 38.0100, 140.0)],
]


def gpx_track(path):
    """A GPX 1.1 file with one track of two segments whose points have elevations, and no waypoints."""
    segments = "".join(
        "<trkseg>"
        + "".join(f'<trkpt lat="{lat}" lon="{lon}"><ele>{ele}</ele></trkpt>' for lon, lat, ele in segment)
        + "</trkseg>"
        for segment in TRACK
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="xenagos-tests" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><name>Φιλοπάππου</name>{segments}</trk></gpx>",
        encoding="utf-8",
    )
    return path


def only_line(source):
    (batch,) = list(source.batches())
    assert len(batch) == 1 and not batch.rejected
    return batch, shapely.from_wkb(bytes.fromhex(batch.geometry.lines[0]))


def test_gpx_track_becomes_one_multilinestring_with_elevations(tmp_path):
    with source_open(gpx_track(tmp_path / "walk.gpx"), geometry=LINES_Z) as source:
        assert source.info.layer == "tracks"  # a target that keeps lines reads the tracks first
        batch, line = only_line(source)
    assert line.geom_type == "MultiLineString" and line.has_z
    assert shapely.get_srid(line) == 4326
    assert [list(part.coords) for part in line.geoms] == TRACK
    assert batch.geometry.counts["z_dropped"] == 0 and batch.geometry.counts["lines"] == 0


def test_gpx_track_for_a_points_target_is_a_point_on_the_line_without_z(tmp_path):
    with source_open(gpx_track(tmp_path / "walk.gpx")) as source:
        (batch,) = list(source.batches())
    assert batch.geometry.lines is None
    point = shapely.from_wkb(bytes.fromhex(batch.geometry.location[0]))
    assert point.geom_type == "Point" and not point.has_z
    assert shapely.MultiLineString([[xy[:2] for xy in segment] for segment in TRACK]).distance(point) < 1e-9
    assert batch.geometry.counts["lines"] == 1


def greek_grid_lines_z(path):
    """A GeoPackage LineStringZ in EPSG:2100 starting on the Greek Grid's check point, 50 m up, climbing to 60 m."""
    line = LineString([(CHECK_E, CHECK_N, 50.0), (CHECK_E + 150, CHECK_N + 100, 60.0)])
    gpd.GeoDataFrame({"code": ["L1"]}, geometry=[line], crs="EPSG:2100").to_file(path, driver="GPKG")
    return path


def test_geopackage_linestring_z_in_greek_grid_lands_in_wgs84_keeping_z(tmp_path):
    with source_open(greek_grid_lines_z(tmp_path / "lines.gpkg"), geometry=LINES_Z) as source:
        batch, line = only_line(source)
    assert line.geom_type == "MultiLineString" and line.has_z
    (lon, lat, z), (_lon, _lat, z2) = line.geoms[0].coords
    assert lon == pytest.approx(CHECK_LON, abs=1e-5) and lat == pytest.approx(CHECK_LAT, abs=1e-5)  # about 1 m
    assert (z, z2) == (50.0, 60.0)  # elevations are not reprojected


def test_geopackage_linestring_z_for_a_points_target_drops_z_with_a_count(tmp_path):
    with source_open(greek_grid_lines_z(tmp_path / "lines.gpkg")) as source:
        (batch,) = list(source.batches())
    point = shapely.from_wkb(bytes.fromhex(batch.geometry.location[0]))
    assert not point.has_z and batch.geometry.lines is None
    assert batch.geometry.counts["z_dropped"] == 1 and batch.geometry.counts["lines"] == 1


def test_lines_without_z_stay_two_dimensional(tmp_path):
    with source_open(greek_grid_lines_z(tmp_path / "lines.gpkg"), geometry=GeometryOptions(lines=True)) as source:
        batch, line = only_line(source)
    assert line.geom_type == "MultiLineString" and not line.has_z
    assert batch.geometry.counts["z_dropped"] == 1
