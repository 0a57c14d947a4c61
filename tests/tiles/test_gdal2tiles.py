"""Our pyramid against GDAL's own gdal2tiles (--xyz -r average --exclude) on the same input: the same z/x/y
tiles, and pixels within a small tolerance. The differences printed per band come from the resampling: gdal2tiles
warps to a native-resolution grid by nearest neighbour, reads each tile at 4 × 4 its size by nearest neighbour and
averages; we warp once, straight onto the tile grid, with an area-weighted average. Where the data ends,
gdal2tiles also averages transparent black into the colours (a dark fringe) and we do not."""

import numpy as np
import pytest
import rasterio
from affine import Affine
from rasterio.control import GroundControlPoint
from rasterio.enums import Resampling

from tests.tiles.helpers import DATA, decode, read_folder, read_pmtiles, run_gdal2tiles, write_tif
from tiles.build import build_pyramid
from tiles.hillshade import hillshade_from_dem


def olinda_hillshade(tmp_path):
    """Olinda's 90 m DEM resampled to 11.25 m (bilinear), shaded: a 888 × 888 grey raster in UTM 25 S."""
    with rasterio.open(DATA / "olinda_dem_utm25s.tif") as src:
        size = src.width * 8
        dem = src.read(out_shape=(1, size, size), resampling=Resampling.bilinear)
        transform = src.transform @ Affine.scale(1 / 8)
        crs = src.crs
    dem_path = write_tif(tmp_path / "olinda-dem-11m.tif", dem, crs=crs, transform=transform)
    return hillshade_from_dem(dem_path, tmp_path / "olinda-hillshade.tif")


def landsat_scan(tmp_path):
    """The Landsat RGB pixels georeferenced by six ground control points instead of a geotransform."""
    with rasterio.open(DATA / "l7_etms_rgb.tif") as src:
        pixels, crs, t = src.read(), src.crs, src.transform
    points = [(0, 0), (348, 0), (0, 351), (348, 351), (170, 170), (60, 290)]
    gcps = [GroundControlPoint(row=r, col=c, x=(t @ (c, r))[0], y=(t @ (c, r))[1]) for c, r in points]
    return write_tif(tmp_path / "landsat-gcps.tif", pixels, crs=crs, gcps=gcps, photometric="RGB")


CASES = {
    # name: (make the input, mean |difference| allowed per colour band, per alpha band)
    "olinda-hillshade": (olinda_hillshade, 1.5, 0.5),
    "landsat-rgb": (lambda tmp_path: DATA / "l7_etms_rgb.tif", 3.0, 1.0),
    "landsat-gcps": (landsat_scan, 3.0, 1.0),
}


@pytest.mark.parametrize("case", CASES)
def test_same_tiles_and_close_pixels_as_gdal2tiles(tmp_path, capsys, case):
    make, colour_tolerance, alpha_tolerance = CASES[case]
    source = make(tmp_path)
    ours = read_pmtiles(build_pyramid(source, tmp_path / "ours.pmtiles", workers=1).path)
    run_gdal2tiles(source, tmp_path / "gdal2tiles")
    theirs = read_folder(tmp_path / "gdal2tiles")

    assert ours.keys() == theirs.keys(), (sorted(ours.keys() - theirs.keys()), sorted(theirs.keys() - ours.keys()))
    a = np.concatenate([decode(ours[key]).reshape(-1, decode(ours[key]).shape[-1]) for key in sorted(ours)])
    b = np.concatenate([decode(theirs[key]).reshape(-1, a.shape[-1]) for key in sorted(ours)])
    differences = np.abs(a.astype(int) - b)
    opaque = differences[(a[:, -1] == 255) & (b[:, -1] == 255), :-1]  # pixels that are data in both
    bands = ["grey", "alpha"] if differences.shape[1] == 2 else ["red", "green", "blue", "alpha"]
    with capsys.disabled():  # shown in every run, not only on failure
        print(f"\n{case}: {len(ours)} tiles, zooms {min(k[0] for k in ours)}-{max(k[0] for k in ours)}")
        for index, band in enumerate(bands):
            column = differences[:, index]
            p99 = np.percentile(column, 99)
            print(
                f"  {band:5s} mean |Δ| {column.mean():.3f}  max |Δ| {column.max()}  99th percentile {p99:.0f}", end=""
            )
            if index < opaque.shape[1]:
                print(
                    f"   where both opaque: mean |Δ| {opaque[:, index].mean():.3f}  max {opaque[:, index].max()}",
                    end="",
                )
            print()
    means = differences.mean(axis=0)
    assert (means[:-1] <= colour_tolerance).all(), means
    assert means[-1] <= alpha_tolerance, means
    assert (opaque.mean(axis=0) <= 2 * colour_tolerance).all(), opaque.mean(axis=0)
