"""The hillshade against GDAL's own gdaldem on real elevation models."""

import os
import shutil
import subprocess

import numpy as np
import pytest
import rasterio

from tests.tiles.helpers import DATA
from tiles.errors import UnsupportedRaster
from tiles.hillshade import hillshade_from_dem


def gdaldem(source, out, *extra):
    found = shutil.which("gdaldem", path=os.environ.get("PATH", "") + os.pathsep + "/usr/bin")
    if not found:
        pytest.fail("gdaldem not found: install Debian's gdal-bin (scripts/system-deps.sh does)")
    env = {k: v for k, v in os.environ.items() if k not in {"GDAL_DATA", "PROJ_LIB", "PROJ_DATA"}}
    subprocess.run([found, "hillshade", "-q", *extra, str(source), str(out)], check=True, env=env, timeout=120)
    with rasterio.open(out) as src:
        return src.read(1).astype(int)


def test_same_shades_as_gdaldem_on_a_projected_dem(tmp_path):
    """Olinda's DEM (Float32, UTM 25 S, 90 m): every interior pixel as gdaldem shades it."""
    ours = hillshade_from_dem(DATA / "olinda_dem_utm25s.tif", tmp_path / "ours.tif")
    theirs = gdaldem(DATA / "olinda_dem_utm25s.tif", tmp_path / "gdaldem.tif")
    with rasterio.open(ours) as src:
        shaded = src.read(1).astype(int)
        assert src.crs.to_wkt() == rasterio.open(DATA / "olinda_dem_utm25s.tif").crs.to_wkt() and src.nodata == 0
    interior = (slice(1, -1), slice(1, -1))  # gdaldem leaves the outer ring as nodata; we shade it
    assert np.abs(shaded[interior] - theirs[interior]).max() <= 1
    assert shaded.min() >= 1  # no nodata in this DEM


def test_a_geographic_dem_uses_metres_on_the_ellipsoid_and_keeps_nodata(tmp_path):
    """Luxembourg (EPSG:4326, Int16, nodata -32768): gdaldem needs `-s 111120` and then ignores that a degree of
    longitude is only ~71 km at 50° N; ours is close to it, and its nodata is exactly gdaldem's."""
    ours = hillshade_from_dem(DATA / "elev_luxembourg.tif", tmp_path / "ours.tif")
    theirs = gdaldem(DATA / "elev_luxembourg.tif", tmp_path / "gdaldem.tif", "-s", "111120")
    with rasterio.open(ours) as src:
        shaded = src.read(1).astype(int)
    assert ((shaded == 0) == (theirs == 0)).all()
    valid = shaded > 0
    assert 0.3 < np.abs(shaded[valid] - theirs[valid]).mean() < 2.0
    assert 150 < shaded[valid].mean() < 200  # gentle terrain lit at 45°: sin(45°) * 254 ≈ 180


def test_a_rotated_dem_is_refused(tmp_path):
    with rasterio.open(DATA / "olinda_dem_utm25s.tif") as src:
        profile, pixels = src.profile, src.read()
    profile["transform"] = profile["transform"] @ rasterio.Affine.rotation(10)
    with rasterio.open(tmp_path / "rotated.tif", "w", **profile) as dst:
        dst.write(pixels)
    with pytest.raises(UnsupportedRaster, match="north-up"):
        hillshade_from_dem(tmp_path / "rotated.tif", tmp_path / "out.tif")
