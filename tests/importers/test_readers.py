"""Readers turn real files into validated features in EPSG:4326, in batches, with no database."""

import json

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon

from importers.errors import MissingCRS, MissingPart, NoFeatures, UnknownLayer, UnsafeInput
from importers.readers import source_open
from importers.readers.crs import crs_resolve
from importers.readers.encoding import encoding_detect

from .helpers import (
    CHECK_LAT,
    CHECK_LON,
    ESRI_GREEK_GRID,
    GPX,
    GPX_TRACK,
    GREEK_NAMES,
    PLEIADES,
    greek_grid_shapefile,
    zip_shapefile,
)

GEOD = Geod(ellps="WGS84")


def points(batch) -> list[Point]:
    return [shapely.from_wkb(bytes.fromhex(w)) if w else None for w in batch.geometry.location]


def test_greek_grid_shapefile_in_windows_1253_without_cpg(tmp_path):
    shp = greek_grid_shapefile(tmp_path)
    assert not shp.with_suffix(".cpg").exists()
    with source_open(shp) as source:
        info = source.info
        assert info.epsg == 2100 and info.format == "Shapefile"
        assert info.codec == "cp1253" and "no .cpg" in info.encoding_note
        (batch,) = list(source.batches())
    assert list(batch.fields["ONOMA"]) == GREEK_NAMES
    first = points(batch)[0]
    assert GEOD.inv(first.x, first.y, CHECK_LON, CHECK_LAT)[2] < 1.0  # the Greek Grid check point, within a metre


def test_cpg_is_honoured_and_encoding_can_be_overridden(tmp_path):
    shp = greek_grid_shapefile(tmp_path, encoding="utf-8", cpg=True)
    with source_open(shp) as source:
        assert source.info.codec == "utf-8" and ".cpg" in source.info.encoding_note
        assert list(next(source.batches()).fields["ONOMA"]) == GREEK_NAMES
    with source_open(shp, encoding="windows-1253") as source:  # the user says otherwise: believed, and reported
        assert source.info.codec == "cp1253" and source.info.encoding_note == "named by the user"
        assert list(next(source.batches()).fields["ONOMA"]) != GREEK_NAMES


def test_iso_8859_7_is_told_apart_from_windows_1253():
    text = "Άγιος Νικόλαος, Άργος, Ναός της Αθηνάς"
    assert encoding_detect(text.encode("iso8859_7")).codec == "iso8859-7"
    assert encoding_detect(text.encode("cp1253")).codec == "cp1253"
    assert encoding_detect(text.encode("utf-8")).codec == "utf-8"
    assert encoding_detect("Église Saint-Étienne, château".encode("cp1252")).codec == "cp1252"


def test_esri_prj_without_epsg_code_is_resolved_to_2100():
    found = crs_resolve(ESRI_GREEK_GRID, srid=None, path="x.prj")
    assert found.epsg == 2100
    lon, lat = found.to_wgs84().transform(476000, 4205000)
    assert GEOD.inv(lon, lat, CHECK_LON, CHECK_LAT)[2] < 1.0


def test_zipped_shapefile_with_greek_dos_folder_names(tmp_path):
    shp = greek_grid_shapefile(tmp_path / "src", name="μνημεία")
    archive = zip_shapefile(shp, tmp_path / "upload.zip", folder="Δεδομένα/", utf8_names=False)
    with source_open(archive) as source:
        assert source.info.layer == "μνημεία"
        assert any("CP737" in note for note in source.info.notes)
        assert source.info.feature_count == 3


def test_geopackage_layer_is_chosen_by_the_user(tmp_path):
    gpkg = tmp_path / "town.gpkg"
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(23.72, 37.97)], crs=4326).to_file(gpkg, layer="monuments")
    gpd.GeoDataFrame({"name": ["b", "c"]}, geometry=[Point(23.73, 37.98)] * 2, crs=4326).to_file(gpkg, layer="trails")
    with pytest.raises(UnknownLayer, match="monuments, trails"):
        with source_open(gpkg):
            pass
    with source_open(gpkg, layer="trails") as source:
        assert source.info.feature_count == 2 and source.info.layers == ["monuments", "trails"]


def test_batches_stream_the_whole_layer(tmp_path):
    frame = gpd.GeoDataFrame(
        {"id": [str(i) for i in range(1050)]},
        geometry=shapely.points(np.full(1050, 476000.0), 4205000.0 + np.arange(1050)),
        crs=2100,
    )
    frame.to_file(tmp_path / "many.gpkg")
    with source_open(tmp_path / "many.gpkg") as source:
        batches = list(source.batches(batch_size=400))
    assert [b.start for b in batches] == [0, 400, 800]
    assert [len(b) for b in batches] == [400, 400, 250]
    assert list(batches[2].fields["id"][:2]) == ["800", "801"]


def test_csv_latitude_with_text_is_rejected_by_row_and_field(tmp_path):
    path = tmp_path / "places.csv"
    path.write_text("id,name,lat,lon\n1,Ακρόπολη,37.9715,23.7257\n2,Πνύκα,βόρεια,23.7193\n3,Κεραμεικός,37.978,23.718\n")
    with source_open(path) as source:
        assert source.info.csv_columns == {"latitude": "lat", "longitude": "lon"} and source.info.epsg == 4326
        batch = next(source.batches())
    assert [(p.index, p.field) for p in batch.rejected] == [(1, "lat")]
    assert "'βόρεια' is not a number" in batch.rejected[0].message
    assert source.unit == "row"


def test_csv_wkt_column_in_a_named_crs(tmp_path):
    path = tmp_path / "zones.csv"
    path.write_text('id,WKT\n1,"POINT (476000 4205000)"\n2,"not wkt"\n')
    with pytest.raises(MissingCRS, match="no CRS"):
        with source_open(path):
            pass
    with source_open(path, srid=2100) as source:
        batch = next(source.batches())
    first = points(batch)[0]
    assert GEOD.inv(first.x, first.y, CHECK_LON, CHECK_LAT)[2] < 1.0
    assert [(p.index, p.field) for p in batch.rejected] == [(1, "WKT")]


def test_real_gpx_waypoints_and_tracks():
    with source_open(GPX_TRACK) as source:
        assert source.info.format == "GPX" and source.info.layer == "waypoints"
        batch = next(source.batches())
        assert len(batch) == source.info.feature_count == 7 and not batch.rejected
    with source_open(GPX_TRACK, layer="tracks") as source:
        batch = next(source.batches())
        assert len(batch) == 8 and batch.geometry.counts["lines"] == 7  # lines: stored as a point on the line
        assert [(p.index, p.message) for p in batch.rejected] == [(0, "no geometry")]  # an empty track in the file
    with source_open(GPX, layer="tracks") as source:  # tracks of a single point are not lines
        batch = next(source.batches())
        assert [(p.index, p.field) for p in batch.rejected] == [(0, "geometry"), (1, "geometry")]
        assert "cannot be read" in batch.rejected[0].message


def test_kml_reads_placemarks(tmp_path):
    path = tmp_path / "places.kml"
    gpd.GeoDataFrame({"Name": ["Ακρόπολη"]}, geometry=[Point(23.7257, 37.9715)], crs=4326).to_file(path, driver="KML")
    with source_open(path) as source:
        assert source.info.format == "KML"
        assert list(next(source.batches()).fields["Name"]) == ["Ακρόπολη"]


def test_invalid_polygon_repaired_or_rejected_and_promoted_to_multi(tmp_path):
    bowtie = Polygon([(23.70, 37.90), (23.72, 37.92), (23.72, 37.90), (23.70, 37.92), (23.70, 37.90)])
    square = Polygon([(23.70, 37.90), (23.71, 37.90), (23.71, 37.91), (23.70, 37.91)])
    path = tmp_path / "zones.geojson"
    gpd.GeoDataFrame({"id": ["bow", "sq"]}, geometry=[bowtie, square], crs=4326).to_file(path)
    with source_open(path) as source:
        batch = next(source.batches())
    footprints = [shapely.from_wkb(bytes.fromhex(w)) for w in batch.geometry.footprint]
    assert all(f.geom_type == "MultiPolygon" and f.is_valid for f in footprints)
    assert [(n.index, "Self-intersection" in n.message) for n in batch.geometry.notes] == [(0, True)]
    with source_open(path, invalid="reject") as source:
        batch = next(source.batches())
    assert [(p.index, p.field) for p in batch.rejected] == [(0, "geometry")]
    assert batch.geometry.footprint[1] is not None


def test_z_values_are_dropped_with_a_count(tmp_path):
    path = tmp_path / "z.gpkg"
    gpd.GeoDataFrame({"id": ["1"]}, geometry=[Point(23.72, 37.97, 150.0)], crs=4326).to_file(path)
    with source_open(path) as source:
        batch = next(source.batches())
    assert batch.geometry.counts["z_dropped"] == 1
    assert not shapely.has_z(points(batch)[0])


def test_lines_become_a_point_on_the_line(tmp_path):
    path = tmp_path / "trail.geojson"
    line = LineString([(23.70, 37.90), (23.71, 37.91), (23.72, 37.90)])
    gpd.GeoDataFrame({"id": ["t"]}, geometry=[line], crs=4326).to_file(path)
    with source_open(path) as source:
        batch = next(source.batches())
    assert line.distance(points(batch)[0]) < 1e-9


# --- bad input: a clear message naming the file (and feature/row and field), nothing read


@pytest.mark.parametrize("missing", [".shx", ".dbf"])
def test_shapefile_missing_a_part(tmp_path, missing):
    shp = greek_grid_shapefile(tmp_path)
    shp.with_suffix(missing).unlink()
    with pytest.raises(MissingPart, match=rf"mnimeia.shp: the shapefile has no \{missing} file"):
        with source_open(shp):
            pass


def test_shapefile_missing_prj_needs_a_named_crs(tmp_path):
    shp = greek_grid_shapefile(tmp_path)
    shp.with_suffix(".prj").unlink()
    with pytest.raises(MissingCRS, match="mnimeia.shp: the shapefile has no .prj file.*--srid 2100"):
        with source_open(shp):
            pass
    with source_open(shp, srid=2100) as source:
        assert source.info.epsg == 2100 and source.info.crs_note == "named by the user"


def test_geojson_with_projected_coordinates_and_no_crs(tmp_path):
    path = tmp_path / "projected.geojson"
    features = [
        {
            "type": "Feature",
            "properties": {"id": i},
            "geometry": {"type": "Point", "coordinates": [476000 + i, 4205000]},
        }
        for i in range(2)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(MissingCRS) as error:
        with source_open(path):
            pass
    message = str(error.value)
    assert "projected.geojson, feature 1, field 'geometry'" in message and "not longitude/latitude" in message
    with source_open(path, srid=2100) as source:
        assert source.info.feature_count == 2


def test_layer_with_no_features(tmp_path):
    path = tmp_path / "empty.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"id": []}, geometry=[], crs=2100), path, layer="monuments")
    with pytest.raises(NoFeatures, match="empty.gpkg: the layer 'monuments' has no features"):
        with source_open(path):
            pass


def test_non_spatial_file_renamed_shp(tmp_path):
    path = tmp_path / "notes.shp"
    path.write_text("Μνημεία της πόλης: λίστα σε απλό κείμενο\n")
    with pytest.raises(UnsafeInput, match="notes.shp: the content is not ESRI Shapefile"):
        with source_open(path):
            pass


def test_kml_with_a_dtd_is_refused(tmp_path):
    path = tmp_path / "bomb.kml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>&b;</name></Document></kml>'
    )
    with pytest.raises(UnsafeInput, match="bomb.kml: XML with a DTD"):
        with source_open(path):
            pass


def test_real_pleiades_file_reads_in_wgs84():
    with source_open(PLEIADES) as source:
        assert source.info.epsg == 4326 and source.info.feature_count == 49
        batch = next(source.batches())
    assert not batch.rejected and len(batch) == 49
