"""Readers: a GIS file in, validated features in EPSG:4326 out, in batches. Pure: no database."""

from .geometry import GeometryOptions, InvalidPolicy, PreparedGeometry, Problem
from .source import FeatureBatch, Source, SourceInfo, source_open

__all__ = [
    "FeatureBatch",
    "GeometryOptions",
    "InvalidPolicy",
    "PreparedGeometry",
    "Problem",
    "Source",
    "SourceInfo",
    "source_open",
]
