"""Geometry of a batch of features, vectorised with shapely: reprojected to EPSG:4326 (lon/lat), 2D, valid.

Each feature becomes a location (a Point, EPSG:4326), for areas a footprint (a MultiPolygon, EPSG:4326) and, when
the target keeps lines (``GeometryOptions.lines``), for lines a track (a MultiLineString, EPSG:4326); otherwise a
line becomes a point on the line. Invalid areas are repaired with GEOS MakeValid (the algorithm behind PostGIS
ST_MakeValid) with a note, or rejected, as the user chooses. Polygons become MultiPolygons; M values are dropped, and
Z values too unless the target keeps them (``GeometryOptions.z``: elevations in the source's vertical unit, usually
metres, left as they are), with a note.
"""

from dataclasses import dataclass, field

import numpy as np
import shapely
from django.utils.translation import gettext as _
from pyproj import Transformer

from .options import POINTS, GeometryOptions, InvalidPolicy

WGS84 = 4326
POINT, LINESTRING, LINEARRING, POLYGON, MULTIPOINT, MULTILINESTRING, MULTIPOLYGON, COLLECTION = range(8)
AREAL = (POLYGON, MULTIPOLYGON)
LINEAR = (LINESTRING, LINEARRING, MULTILINESTRING)


@dataclass
class Problem:
    """A rejection or a note about one feature (``index`` is its 0-based position in the batch)."""

    index: int
    field: str
    message: str


@dataclass
class PreparedGeometry:
    """Per-feature EWKB hex strings (``None`` where absent) and what was rejected or noted."""

    location: np.ndarray
    footprint: np.ndarray
    rejected: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    lines: np.ndarray | None = None  # MultiLineString EWKB hex per feature (GeometryOptions.lines), else None
    points: np.ndarray | None = None  # True where the kept feature is a Point (its location is the point itself)


def _reproject(geometries: np.ndarray, transformer: Transformer | None) -> np.ndarray:
    """Reproject x/y with ``transformer``; a Z coordinate is kept as it is (an elevation, not reprojected)."""
    if transformer is None or not len(geometries):
        return geometries

    def to_lonlat(coords: np.ndarray) -> np.ndarray:
        lon, lat = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat, *coords.T[2:]])

    result = np.array(geometries, dtype=object, copy=True)
    with_z = shapely.has_z(geometries)
    if (~with_z).any():
        result[~with_z] = shapely.transform(geometries[~with_z], to_lonlat)
    if with_z.any():
        result[with_z] = shapely.transform(geometries[with_z], to_lonlat, include_z=True)
    return result


def _dimensions_drop(geometries: np.ndarray, alive: np.ndarray, *, keep_z: bool, counts: dict[str, int]) -> np.ndarray:
    """Drop M (and Z unless ``keep_z``) from the live geometries; count the features that lost a dimension."""
    has_z, has_m = shapely.has_z(geometries), shapely.has_m(geometries)
    if keep_z:
        measured = alive & has_m
        counts["z_dropped"] = int(measured.sum())
        geometries[measured & has_z] = shapely.force_3d(geometries[measured & has_z])
        geometries[measured & ~has_z] = shapely.force_2d(geometries[measured & ~has_z])
    else:
        dimensional = alive & (has_z | has_m)
        counts["z_dropped"] = int(dimensional.sum())
        geometries[dimensional] = shapely.force_2d(geometries[dimensional])
    return geometries


def _multilinestrings(lines: np.ndarray) -> np.ndarray:
    """LineString, LinearRing or MultiLineString -> MultiLineString of the same parts (Z kept)."""
    parts, index = shapely.get_parts(lines, return_index=True)
    rings = shapely.get_type_id(parts) == LINEARRING
    for position in np.flatnonzero(rings):
        parts[position] = shapely.linestrings(
            shapely.get_coordinates(parts[position], include_z=bool(shapely.has_z(parts[position])))
        )
    result = np.full(len(lines), None, dtype=object)
    if len(parts):
        present = np.unique(index)
        result[present] = shapely.multilinestrings(parts, indices=np.searchsorted(present, index))
    return result


def _multipolygons(areas: np.ndarray) -> np.ndarray:
    """Polygon or MultiPolygon (or collections left by MakeValid) -> MultiPolygon of their polygonal parts."""
    parts, index = shapely.get_parts(areas, return_index=True)
    nested = shapely.get_type_id(parts) == MULTIPOLYGON
    if nested.any():  # a collection from MakeValid may hold a MultiPolygon: flatten once more
        inner, inner_index = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], inner])
        index = np.concatenate([index[~nested], index[nested][inner_index]])
    keep = shapely.get_type_id(parts) == POLYGON
    parts, index = parts[keep], index[keep]
    result = np.full(len(areas), None, dtype=object)
    if len(parts):
        present = np.unique(index)
        result[present] = shapely.multipolygons(parts, indices=np.searchsorted(present, index))
    return result


def geometries_prepare(
    geometries: np.ndarray,
    *,
    transformer: Transformer | None,
    invalid: str = InvalidPolicy.REPAIR,
    options: GeometryOptions = POINTS,
) -> PreparedGeometry:
    """Shapely geometries in the source CRS -> reprojected with ``transformer`` (to EPSG:4326, lon/lat), checked
    and classified. ``None`` stands for a feature without geometry; ``options`` says whether lines and Z are kept."""
    count = len(geometries)
    geometries = np.array(geometries, dtype=object, copy=True)
    rejected: list[Problem] = []
    notes: list[Problem] = []
    counts = {"z_dropped": 0, "repaired": 0, "lines": 0, "multipoints": 0}
    alive = ~(shapely.is_missing(geometries) | shapely.is_empty(geometries))
    for index in np.flatnonzero(~alive):
        rejected.append(Problem(int(index), "geometry", _("no geometry")))

    geometries = _dimensions_drop(geometries, alive, keep_z=options.z, counts=counts)
    geometries[alive] = _reproject(geometries[alive], transformer)

    kinds = shapely.get_type_id(geometries)
    collections = alive & (kinds == COLLECTION)
    for index in np.flatnonzero(collections):
        rejected.append(Problem(int(index), "geometry", _("a geometry collection: split it into points or areas")))
    alive &= ~collections

    bounds = shapely.bounds(geometries)
    with np.errstate(invalid="ignore"):
        outside = alive & ~(
            np.isfinite(bounds).all(axis=1)
            & (bounds[:, 0] >= -180)
            & (bounds[:, 2] <= 180)
            & (bounds[:, 1] >= -90)
            & (bounds[:, 3] <= 90)
        )
    for index in np.flatnonzero(outside):
        reason = _("coordinates fall outside the Earth once reprojected: is the CRS right?")
        rejected.append(Problem(int(index), "geometry", reason))
    alive &= ~outside

    areal = alive & np.isin(kinds, AREAL)
    invalid_mask = areal.copy()
    invalid_mask[areal] = ~shapely.is_valid(geometries[areal])
    if invalid_mask.any():
        reasons = shapely.is_valid_reason(geometries[invalid_mask])
        for index, reason in zip(np.flatnonzero(invalid_mask), reasons, strict=True):
            if invalid == InvalidPolicy.REJECT:
                # Translators: %(reason)s is GEOS's explanation, in English, e.g. "Self-intersection[0.5 0.5]".
                rejected.append(Problem(int(index), "geometry", _("invalid geometry: %(reason)s") % {"reason": reason}))
            else:
                # Translators: MakeValid is the name of the repair function; %(reason)s is GEOS's explanation, in
                # English, e.g. "Self-intersection[0.5 0.5]".
                note = _("invalid geometry repaired (MakeValid): %(reason)s") % {"reason": reason}
                notes.append(Problem(int(index), "geometry", note))
        if invalid == InvalidPolicy.REJECT:
            alive &= ~invalid_mask
            areal &= ~invalid_mask
        else:
            geometries[invalid_mask] = shapely.make_valid(geometries[invalid_mask])
            counts["repaired"] = int(invalid_mask.sum())

    footprints = np.full(count, None, dtype=object)
    footprints[areal] = _multipolygons(geometries[areal])
    collapsed = areal & shapely.is_missing(footprints)
    for index in np.flatnonzero(collapsed):
        rejected.append(Problem(int(index), "geometry", _("the area has no extent left after repair")))
    alive &= ~collapsed
    areal &= ~collapsed

    locations = np.full(count, None, dtype=object)
    points = alive & (kinds == POINT)
    locations[points] = geometries[points]
    multipoints = alive & (kinds == MULTIPOINT)
    locations[multipoints] = shapely.centroid(geometries[multipoints])
    counts["multipoints"] = int((multipoints & (shapely.get_num_geometries(geometries) > 1)).sum())
    lines = alive & np.isin(kinds, LINEAR)
    locations[lines] = shapely.point_on_surface(geometries[lines])
    tracks = None
    if options.lines:
        kept = np.full(count, None, dtype=object)
        kept[lines] = _multilinestrings(geometries[lines])
        tracks = _ewkb(kept, lines)
    else:
        counts["lines"] = int(lines.sum())
    locations[areal] = shapely.point_on_surface(footprints[areal])

    return PreparedGeometry(
        location=_ewkb(locations, alive),
        footprint=_ewkb(footprints, areal),
        rejected=rejected,
        notes=notes,
        counts=counts,
        lines=tracks,
        points=points,
    )


def _ewkb(geometries: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Hex EWKB with SRID 4326 (what PostGIS reads in COPY), ``None`` outside ``mask``."""
    result = np.full(len(geometries), None, dtype=object)
    if mask.any():
        result[mask] = shapely.to_wkb(shapely.set_srid(geometries[mask], WGS84), hex=True, include_srid=True)
    return result
