"""Small rasters made in the test, and tiles decoded back to pixels."""

import io
import os
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from PIL import Image
from pmtiles.reader import MmapSource, all_tiles
from rasterio.errors import NotGeoreferencedWarning

DATA = Path(__file__).parent / "data"


def write_tif(path: Path, pixels: np.ndarray, *, crs="EPSG:2100", transform=None, gcps=None, **profile) -> Path:
    """Write a (band, row, column) array as a GeoTIFF with a geotransform or ground control points."""
    bands, height, width = pixels.shape
    options = {"driver": "GTiff", "width": width, "height": height, "count": bands, "dtype": pixels.dtype.name}
    options.update(profile)
    if gcps is None:
        options.update(crs=crs, transform=transform)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)  # a scan with GCPs has no geotransform
        with rasterio.open(path, "w", **options) as dst:
            dst.write(pixels)
            if gcps is not None:
                dst.gcps = (gcps, rasterio.crs.CRS.from_user_input(crs))
    return path


def greek_grid_raster(path: Path, *, size: int = 64, pixel_m: float = 10.0, spot=(476000.0, 4205000.0)) -> Path:
    """A grey EPSG:2100 raster of ``size``² pixels of ``pixel_m`` metres, centred on ``spot`` (E, N), dark
    everywhere except one bright pixel whose centre is ``spot``."""
    east, north = spot
    left, top = east - (size // 2 + 0.5) * pixel_m, north + (size // 2 + 0.5) * pixel_m
    pixels = np.full((1, size, size), 40, dtype=np.uint8)
    pixels[0, size // 2, size // 2] = 255
    return write_tif(path, pixels, transform=Affine(pixel_m, 0, left, 0, -pixel_m, top))


def read_pmtiles(path: Path) -> dict[tuple[int, int, int], bytes]:
    """Every tile of a PMTiles archive, read with the pmtiles package's reader."""
    with Path(path).open("rb") as handle:
        return {tuple(zxy): bytes(data) for zxy, data in all_tiles(MmapSource(handle))}


def read_folder(folder: Path, extension: str = "png") -> dict[tuple[int, int, int], bytes]:
    """Every tile of a {z}/{x}/{y}.ext folder (gdal2tiles --xyz writes these)."""
    tiles = {}
    for file in Path(folder).glob(f"*/*/*.{extension}"):
        z, x = int(file.parent.parent.name), int(file.parent.name)
        tiles[(z, x, int(file.stem))] = file.read_bytes()
    return tiles


def decode(data: bytes) -> np.ndarray:
    """A PNG/WebP tile as a (row, column, band) uint8 array with alpha last (grey+alpha or RGBA)."""
    pixels = np.asarray(Image.open(io.BytesIO(data)))
    return pixels if pixels.ndim == 3 else pixels[..., None]


def gdal2tiles_command() -> list[str]:
    """How to run GDAL's own gdal2tiles (Debian's gdal-bin ships /usr/bin/gdal2tiles.py)."""
    for name in ("gdal2tiles.py", "gdal2tiles"):
        found = shutil.which(name, path=os.environ.get("PATH", "") + os.pathsep + "/usr/bin")
        if found:
            return [found]
    raise FileNotFoundError("gdal2tiles not found: install Debian's gdal-bin (scripts/system-deps.sh does)")


def run_gdal2tiles(source: Path, out: Path, *extra: str) -> None:
    """gdal2tiles --xyz -r average --exclude (no transparent tiles) on ``source`` into the folder ``out``."""
    env = {k: v for k, v in os.environ.items() if k not in {"GDAL_DATA", "PROJ_LIB", "PROJ_DATA", "PYTHONPATH"}}
    command = [*gdal2tiles_command(), "--xyz", "-r", "average", "--exclude", "--webviewer=none", "-q", *extra]
    subprocess.run([*command, str(source), str(out)], check=True, env=env, capture_output=True, timeout=600)
