"""The tiles app's rules for municipalities' elevation models (gis.elevation): a DEM is checked and opened as a
tile source is (tiles.source), and read from its storage through a local path (tiles.storage.local_copy)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.files.storage import Storage

from .errors import UnsupportedRaster
from .storage import local_copy

if TYPE_CHECKING:  # rasterio is loaded when a DEM is read, not at a web worker's start
    import rasterio

    from .source import SourceInfo


def dem_check(path: Path) -> SourceInfo:
    """A DEM as a tile source with ``dem=True`` (a checked, georeferenced, readable GeoTIFF of real numbers within
    the size limits), with a geotransform: its stations are found through it, not through control points."""
    from .source import inspect_source

    info = inspect_source(path, dem=True)
    if info.has_gcps:
        raise UnsupportedRaster(
            "it is georeferenced by ground control points; warp it first (gdalwarp) to give it a geotransform",
            path=path,
        )
    return info


@contextmanager
def dem_open(storage: Storage, name: str) -> Iterator[rasterio.DatasetReader]:
    """The stored DEM ``name`` open by tiles.source.open_geotiff (a temporary local copy off a remote storage)."""
    from .source import open_geotiff

    with local_copy(storage, name, suffix=".tif") as path, open_geotiff(path) as dataset:
        yield dataset
