"""Readers: a GIS file in, validated features in EPSG:4326 out, in batches. Pure: no database.

The readers load pyogrio, shapely, pyproj and numpy. This package imports them only when one of its readers' names
is first used (``from importers.readers import source_open``), so that the admin's forms and mappings, which need
only ``InvalidPolicy``, keep them out of a web process.
"""

from importlib import import_module
from typing import TYPE_CHECKING

from .options import POINTS, GeometryOptions, InvalidPolicy

if TYPE_CHECKING:
    from .geometry import PreparedGeometry, Problem
    from .source import FeatureBatch, Source, SourceInfo, source_open

_READERS = {
    "PreparedGeometry": ".geometry",
    "Problem": ".geometry",
    "FeatureBatch": ".source",
    "Source": ".source",
    "SourceInfo": ".source",
    "source_open": ".source",
}

__all__ = [
    "FeatureBatch",
    "GeometryOptions",
    "InvalidPolicy",
    "POINTS",
    "PreparedGeometry",
    "Problem",
    "Source",
    "SourceInfo",
    "source_open",
]


def __getattr__(name: str) -> object:
    """A reader's name, imported from its module on first use (PEP 562)."""
    if name not in _READERS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_READERS[name], __name__), name)
    globals()[name] = value
    return value
