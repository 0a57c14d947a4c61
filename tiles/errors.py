"""Errors of the tile build step: one base class, narrow subclasses, each naming the file it is about."""

from pathlib import Path


class TilesError(Exception):
    """Base error of the tiles package; the message says what is wrong and, where known, with which file."""

    def __init__(self, message: str, *, path: Path | str | None = None):
        self.path = str(path) if path is not None else None
        self.reason = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


class UnsafeSource(TilesError):
    """A path or file that must not be handed to GDAL: not a local regular file, or not a TIFF by its content."""


class UnreadableRaster(TilesError):
    """GDAL's GeoTIFF driver cannot read the file (corrupt, truncated, not a raster)."""


class NotGeoreferenced(TilesError):
    """The raster has neither a geotransform with a CRS nor ground control points with a CRS."""


class UnsupportedRaster(TilesError):
    """The raster cannot be shown as a picture as it is (data type, band layout, palette)."""


class RasterTooLarge(TilesError):
    """The raster's dimensions, or the pyramid they lead to, are beyond what a build accepts."""


class BadBuildOptions(TilesError):
    """A zoom range, format or band selection that makes no sense for this raster."""


class ArchiveError(TilesError):
    """A tile archive that cannot be read back."""
