"""A route's elevation profile read from its municipality's elevation model (DEM).

The DEM is a GeoTIFF in any CRS, kept privately in the default storage (``Municipality.dem``). It is checked and
opened by the tiles app's rules (local GeoTIFFs only, the GTiff driver alone, no side-car files:
``tiles.source``), which the tiles app registers here from its ``AppConfig.ready`` (``dem_reader_register``), since
gis imports none of our other apps.

Sampling: the profile's stations (gis.routes.profile_stations: every PROFILE_STEP_M metres along the line,
geodesic, EPSG:4326) are transformed into the DEM's CRS with pyproj, the window of band 1 that holds them is read
once with rasterio, and each station gets the bilinear interpolation of the four pixel centres around it (numpy).
A station outside the DEM, or one of whose four pixels is nodata, has no elevation (None): a DEM that covers part
of the line gives a partial profile. Elevations are the DEM's own units (metres).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile

if TYPE_CHECKING:  # numpy, pyproj and rasterio are loaded by the functions that sample (a worker), not at start
    import numpy as np


class ElevationError(Exception):
    """Base error of gis.elevation: a DEM that cannot be used, naming the file (``name``) and what is wrong."""

    def __init__(self, reason: str, *, name: str):
        self.name, self.reason = name, reason
        super().__init__(f"{name}: {reason}")


@dataclass(frozen=True)
class DemReader:
    """How a DEM is checked and opened: ``check(path)`` raises one of ``errors`` (with a ``reason``) for a file that
    must not be used; ``open(storage, name)`` is a context manager giving the stored file as an open rasterio
    dataset."""

    check: Callable[[Path], Any]
    open: Callable[[Storage, str], AbstractContextManager[Any]]
    errors: tuple[type[Exception], ...]


_READERS: list[DemReader] = []


def dem_reader_register(reader: DemReader) -> None:
    """Use ``reader`` to check and open DEMs (the tiles app registers its GeoTIFF rules)."""
    _READERS[:] = [reader]


def _reader() -> DemReader:
    if not _READERS:
        raise ElevationError("no reader of elevation models is installed (the tiles app)", name="")
    return _READERS[0]


def dem_check(*, path: Path, name: str) -> None:
    """Refuse a DEM at local ``path`` (shown as ``name``) that is not a readable, georeferenced GeoTIFF of real
    numbers within the size limits: raises ElevationError with the reason."""
    reader = _reader()
    try:
        reader.check(path)
    except reader.errors as error:
        raise ElevationError(str(getattr(error, "reason", error)), name=name) from error


@contextmanager
def dem_open(dem: FieldFile) -> Iterator[Any]:
    """The stored DEM as an open rasterio dataset, by the registered reader's rules."""
    reader = _reader()
    name = Path(dem.name or "").name
    try:
        with reader.open(dem.storage, dem.name or "") as dataset:
            yield dataset
    except reader.errors as error:
        raise ElevationError(str(getattr(error, "reason", error)), name=name) from error


def sample_bilinear(*, dataset: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Band 1 of the open rasterio ``dataset`` at the points ``x``, ``y`` (in the dataset's CRS and units),
    interpolated bilinearly between pixel centres; NaN outside the pixel centres' extent and where a pixel used is
    nodata. Reads the one window that holds every point."""
    import numpy as np
    from rasterio.windows import Window

    values = np.full(len(x), np.nan)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    inverse = ~dataset.transform  # map coordinates -> pixel coordinates (column, row), pixel corners at whole numbers
    col = inverse.a * x + inverse.b * y + inverse.c - 0.5  # pixel centres at whole numbers
    row = inverse.d * x + inverse.e * y + inverse.f - 0.5
    inside = (col >= 0) & (row >= 0) & (col <= dataset.width - 1) & (row <= dataset.height - 1)
    inside &= np.isfinite(col) & np.isfinite(row)
    if not inside.any():
        return values
    c, r = col[inside], row[inside]
    c0 = np.minimum(np.floor(c).astype(int), dataset.width - 2) if dataset.width > 1 else np.zeros(len(c), int)
    r0 = np.minimum(np.floor(r).astype(int), dataset.height - 2) if dataset.height > 1 else np.zeros(len(r), int)
    left, top = int(c0.min()), int(r0.min())
    right, bottom = min(int(c0.max()) + 2, dataset.width), min(int(r0.max()) + 2, dataset.height)
    block = dataset.read(1, window=Window(left, top, right - left, bottom - top), masked=True)
    grid = np.ma.filled(block.astype(float), np.nan)
    if dataset.width == 1 or dataset.height == 1:  # a one-pixel-wide DEM: no neighbour to interpolate with
        grid = np.pad(grid, ((0, 1 if dataset.height == 1 else 0), (0, 1 if dataset.width == 1 else 0)), mode="edge")
    i, j = r0 - top, c0 - left
    fx, fy = c - c0, r - r0
    top_row = grid[i, j] * (1 - fx) + grid[i, j + 1] * fx
    bottom_row = grid[i + 1, j] * (1 - fx) + grid[i + 1, j + 1] * fx
    # a weight of 0 on a nodata pixel still makes NaN: a station is valued only where its four pixels are
    values[inside] = top_row * (1 - fy) + bottom_row * fy
    return values


def profile_from_dem(*, parts: Sequence[Sequence[Sequence[float]]], dem: FieldFile) -> list[list[float | None]]:
    """The profile [[distance m, elevation m or None], ...] of the line (lon/lat parts, EPSG:4326) read from the
    DEM at the stations of gis.routes.profile_stations (every PROFILE_STEP_M, geodesic), transformed into the DEM's
    CRS (pyproj, always x/y) and sampled bilinearly (sample_bilinear); None where the DEM has no value."""
    import numpy as np
    from pyproj import Transformer

    from .routes import profile_stations

    distances, lon, lat = profile_stations(parts=parts)
    with dem_open(dem) as dataset:
        to_dem = Transformer.from_crs("EPSG:4326", dataset.crs.to_wkt(), always_xy=True)
        x, y = to_dem.transform(lon, lat)
        heights = sample_bilinear(dataset=dataset, x=np.asarray(x), y=np.asarray(y))
    return [
        [round(float(d), 1), None if np.isnan(h) else round(float(h), 2)]
        for d, h in zip(distances, heights, strict=True)
    ]
