"""Hillshade from a digital elevation model, as GDAL's ``gdaldem hillshade`` computes it (Horn's slope, one light).

The result is a one-band 8-bit GeoTIFF in the DEM's own CRS and grid (1..255 lit, 0 nodata) that the tile build
then treats like any other picture. Slopes need horizontal and vertical distances in the same unit: in a projected
CRS the pixel size is converted to metres; in a geographic CRS each row's pixel width and height in metres are
computed on the WGS 84 ellipsoid at that row's latitude. Elevations are taken to be metres (``z_factor`` scales
them otherwise). The DEM is processed in strips of rows, so memory does not grow with its size.
"""

import math
from pathlib import Path

import numpy as np
import rasterio
from rasterio.windows import Window

from .errors import UnsupportedRaster
from .source import GDAL_SAFE_ENV, inspect_source, local_geotiff

STRIP_ROWS = 1024
HILLSHADE_DEFAULTS = {"azimuth_deg": 315.0, "altitude_deg": 45.0, "z_factor": 1.0}
WGS84_A = 6378137.0
WGS84_E2 = 6.69437999014e-3


def _metres_per_degree(lat_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Length in metres of one degree of longitude and of latitude at ``lat_deg`` on the WGS 84 ellipsoid."""
    phi = np.radians(lat_deg)
    w = np.sqrt(1 - WGS84_E2 * np.sin(phi) ** 2)
    lon = math.pi / 180 * WGS84_A * np.cos(phi) / w
    lat = math.pi / 180 * WGS84_A * (1 - WGS84_E2) / w**3
    return lon, lat


def shade(
    window: np.ndarray,
    *,
    ewres_m: np.ndarray | float,
    nsres_m: np.ndarray | float,
    azimuth_deg: float,
    altitude_deg: float,
    z_factor: float,
) -> np.ndarray:
    """Shade the interior of a (rows + 2, cols + 2) float64 elevation window (NaN = nodata) with gdaldem's formula;
    ``ewres_m``/``nsres_m`` are pixel width and (negative, north-up) height in metres, per row or scalar.
    Returns uint8 (rows, cols): 1..255, and 0 where any of the 3 × 3 neighbours is nodata."""
    a, b, c = window[:-2, :-2], window[:-2, 1:-1], window[:-2, 2:]
    d, f = window[1:-1, :-2], window[1:-1, 2:]
    g, h, i = window[2:, :-2], window[2:, 1:-1], window[2:, 2:]
    x = ((a + 2 * d + g) - (c + 2 * f + i)) / ewres_m
    y = ((g + 2 * h + i) - (a + 2 * b + c)) / nsres_m
    z_scaled = z_factor / 8.0
    alt, az = math.radians(altitude_deg), math.radians(azimuth_deg)
    numerator = math.sin(alt) - (y * math.cos(az) - x * math.sin(az)) * math.cos(alt) * z_scaled
    cang = numerator / np.sqrt(1 + z_scaled**2 * (x * x + y * y))
    with np.errstate(invalid="ignore"):
        value = np.where(cang <= 0, 1.0, 1.0 + 254.0 * cang)
    out = np.rint(np.clip(value, 1, 255))
    out[np.isnan(out)] = 0
    return out.astype(np.uint8)


def hillshade_from_dem(
    dem: str | Path,
    out: str | Path,
    *,
    azimuth_deg: float = 315.0,
    altitude_deg: float = 45.0,
    z_factor: float = 1.0,
    band: int = 1,
) -> Path:
    """Write the hillshade of band ``band`` of the GeoTIFF DEM ``dem`` (elevations in metres, any CRS) to the
    GeoTIFF ``out``: same CRS and grid, uint8, nodata 0. Light from ``azimuth_deg`` (clockwise from north) at
    ``altitude_deg`` above the horizon."""
    inspect_source(dem, bands=(band,), dem=True)
    out = Path(out)
    with rasterio.Env(**GDAL_SAFE_ENV), rasterio.open(local_geotiff(dem), driver="GTiff") as src:
        if src.transform.is_identity or src.transform.b or src.transform.d:
            raise UnsupportedRaster("a hillshade needs a north-up DEM with a geotransform", path=dem)
        geographic = src.crs.is_geographic
        unit_m = 1.0 if geographic else src.crs.linear_units_factor[1]
        nodata = src.nodatavals[band - 1]
        profile = {
            "driver": "GTiff",
            "width": src.width,
            "height": src.height,
            "count": 1,
            "dtype": "uint8",
            "crs": src.crs,
            "transform": src.transform,
            "nodata": 0,
            "tiled": True,
            "blockxsize": 256,
            "blockysize": 256,
            "compress": "deflate",
            "BIGTIFF": "IF_SAFER",
        }
        with rasterio.open(out, "w", **profile) as dst:
            for row in range(0, src.height, STRIP_ROWS):
                rows = min(STRIP_ROWS, src.height - row)
                top, bottom = max(row - 1, 0), min(row + rows + 1, src.height)
                elevation = src.read(band, window=Window(0, top, src.width, bottom - top), masked=True)
                elevation = elevation.astype("float64").filled(np.nan)
                if nodata is not None and not math.isnan(nodata):
                    elevation[elevation == nodata] = np.nan
                # repeat the outer rows and columns of the DEM so that its edge pixels are shaded too
                window = np.pad(elevation, ((int(row == top), int(row + rows == src.height)), (1, 1)), mode="edge")
                ewres, nsres = src.transform.a * unit_m, src.transform.e * unit_m
                if geographic:
                    lat = src.transform.f + src.transform.e * (np.arange(row, row + rows) + 0.5)
                    per_lon, per_lat = _metres_per_degree(lat)
                    ewres, nsres = (src.transform.a * per_lon)[:, None], (src.transform.e * per_lat)[:, None]
                shaded = shade(
                    window,
                    ewres_m=ewres,
                    nsres_m=nsres,
                    azimuth_deg=azimuth_deg,
                    altitude_deg=altitude_deg,
                    z_factor=z_factor,
                )
                dst.write(shaded, 1, window=Window(0, row, src.width, rows))
    return out
