"""Bad input is refused with a message naming the file, before GDAL sees anything it should not read."""

import shutil
import warnings

import numpy as np
import pytest
import rasterio
from affine import Affine
from rasterio.errors import NotGeoreferencedWarning

from tests.tiles.helpers import DATA, greek_grid_raster, write_tif
from tiles.errors import (
    NotGeoreferenced,
    RasterTooLarge,
    TilesError,
    UnreadableRaster,
    UnsafeSource,
    UnsupportedRaster,
)
from tiles.source import inspect_source

VRT = """<VRTDataset rasterXSize="10" rasterYSize="10">
  <VRTRasterBand dataType="Byte" band="1"><SimpleSource>
    <SourceFilename relativeToVRT="0">/etc/passwd</SourceFilename><SourceBand>1</SourceBand>
  </SimpleSource></VRTRasterBand>
</VRTDataset>
"""


def test_a_vrt_named_tif_is_refused_before_gdal_opens_it(tmp_path):
    disguised = tmp_path / "old-map.tif"
    disguised.write_text(VRT)
    with pytest.raises(UnsafeSource, match="not a TIFF") as error:
        inspect_source(disguised)
    assert str(disguised) in str(error.value)


def test_a_text_file_a_png_and_an_empty_file_are_not_rasters(tmp_path):
    (tmp_path / "notes.tif").write_text("field notes, not a raster")
    (tmp_path / "empty.tif").write_bytes(b"")
    png = tmp_path / "picture.tif"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    for name in ("notes.tif", "empty.tif", "picture.tif"):
        with pytest.raises(UnsafeSource, match="not a TIFF"):
            inspect_source(tmp_path / name)


def test_only_local_tif_files_are_read(tmp_path):
    real = greek_grid_raster(tmp_path / "real.tif")
    (tmp_path / "link.tif").symlink_to(real)
    shutil.copy(real, tmp_path / "real.png")
    for path, message in [
        ("/vsicurl/http://example.com/a.tif", "only local files"),
        ("https://example.com/a.tif", "only local files"),
        (tmp_path / "link.tif", "symbolic links"),
        (tmp_path / "missing.tif", "no such file"),
        (tmp_path / "real.png", "expected a GeoTIFF"),
    ]:
        with pytest.raises(UnsafeSource, match=message):
            inspect_source(path)


def test_a_tiff_without_georeferencing_is_refused(tmp_path):
    plain = tmp_path / "scan.tif"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.open(plain, "w", driver="GTiff", width=8, height=8, count=1, dtype="uint8") as dst:
            dst.write(np.zeros((1, 8, 8), dtype=np.uint8))
    with pytest.raises(NotGeoreferenced, match="no georeferencing"):
        inspect_source(plain)
    no_crs = write_tif(
        tmp_path / "no-crs.tif", np.zeros((1, 8, 8), np.uint8), crs=None, transform=Affine(1, 0, 5, 0, -1, 5)
    )
    with pytest.raises(NotGeoreferenced, match="no coordinate reference system"):
        inspect_source(no_crs)


def test_absurd_dimensions_are_refused(tmp_path):
    huge = tmp_path / "huge.tif"
    profile = {"driver": "GTiff", "width": 300_000, "height": 4, "count": 1, "dtype": "uint8", "crs": "EPSG:2100"}
    with rasterio.open(huge, "w", transform=Affine(1, 0, 4e5, 0, -1, 4.2e6), sparse_ok=True, tiled=True, **profile):
        pass
    assert huge.stat().st_size < 100_000
    with pytest.raises(RasterTooLarge, match="300000 × 4 pixels"):
        inspect_source(huge)


def test_a_truncated_geotiff_is_corrupt(tmp_path):
    whole = (DATA / "l7_etms_rgb.tif").read_bytes()
    truncated = tmp_path / "truncated.tif"
    truncated.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(UnreadableRaster):
        inspect_source(truncated)
    garbage = tmp_path / "garbage.tif"
    garbage.write_bytes(b"II*\x00" + bytes(range(256)) * 4)
    with pytest.raises(UnreadableRaster, match="GDAL cannot read it"):
        inspect_source(garbage)


def test_pictures_need_one_or_three_8_bit_bands(tmp_path):
    with pytest.raises(UnsupportedRaster, match="int16.*hillshade"):
        inspect_source(DATA / "elev_luxembourg.tif")
    six = write_tif(tmp_path / "six.tif", np.zeros((6, 8, 8), np.uint8), transform=Affine(1, 0, 4e5, 0, -1, 4.2e6))
    with pytest.raises(UnsupportedRaster, match="6 data bands.*--bands 3,2,1"):
        inspect_source(six)
    assert inspect_source(six, bands=(3, 2, 1)).data_bands == (3, 2, 1)
    with pytest.raises(UnsupportedRaster, match="choose 1 or 3"):
        inspect_source(six, bands=(7,))


def test_a_dem_is_accepted_as_elevation_and_errors_share_one_base():
    info = inspect_source(DATA / "elev_luxembourg.tif", dem=True)
    assert info.dtype == "int16" and info.nodata == -32768
    assert issubclass(UnsupportedRaster, TilesError) and issubclass(UnsafeSource, TilesError)


def test_the_zoom_range_follows_the_pixel_size():
    """L7 pixels are 28.5 m (about 28.8 m in EPSG:3857 at 8° S): zoom 12 (38.2 m) is the deepest not finer."""
    info = inspect_source(DATA / "l7_etms_rgb.tif")
    assert 28.5 < info.mercator_res_m < 29.2
    assert info.default_zooms == (11, 12)
    west, south, east, north = info.lnglat_bounds
    assert -34.92 < west < east < -34.82 and -8.05 < south < north < -7.94
