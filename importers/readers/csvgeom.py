"""Geometry of CSV rows: latitude/longitude columns (WGS 84), easting/northing columns (a named CRS) or WKT."""

import numpy as np
import pandas as pd
import shapely
from django.utils.translation import gettext as _

from ..errors import MappingError
from .geometry import Problem

LATITUDE_NAMES = ("lat", "latitude", "y_wgs84", "πλάτος")
LONGITUDE_NAMES = ("lon", "lng", "long", "longitude", "x_wgs84", "μήκος")
X_NAMES = ("x", "easting", "e", "χ")
Y_NAMES = ("y", "northing", "n", "ψ")
WKT_NAMES = ("wkt", "geom", "geometry", "the_geom", "wkt_geom")
KINDS = {"latitude", "longitude", "x", "y", "wkt"}


def _find(fields: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {name.lower(): name for name in fields}
    return next((lowered[name] for name in names if name in lowered), None)


def csv_columns_guess(fields: list[str]) -> dict[str, str]:
    """Which columns hold the geometry, from their names: {"latitude", "longitude"}, {"x", "y"} or {"wkt"}."""
    lat, lon = _find(fields, LATITUDE_NAMES), _find(fields, LONGITUDE_NAMES)
    if lat and lon:
        return {"latitude": lat, "longitude": lon}
    wkt = _find(fields, WKT_NAMES)
    if wkt:
        return {"wkt": wkt}
    x, y = _find(fields, X_NAMES), _find(fields, Y_NAMES)
    if x and y:
        return {"x": x, "y": y}
    return {}


def csv_columns_check(columns: dict[str, str], fields: list[str], *, path) -> dict[str, str]:
    """``columns`` if they name existing columns in a usable combination, else MappingError."""
    columns = {kind: name for kind, name in columns.items() if name}
    if not columns:
        raise MappingError(
            # Translators: %(columns)s lists the file's column names, separated by commas.
            _("no latitude/longitude, x/y or WKT column found among %(columns)s; name them in the mapping")
            % {"columns": ", ".join(fields)},
            path=path,
        )
    unknown = set(columns) - KINDS
    if unknown:
        # Translators: %(keys)s lists the unknown keys as written in the mapping, e.g. ['lat'].
        raise MappingError(_("unknown CSV geometry keys %(keys)s") % {"keys": sorted(unknown)}, path=path)
    for name in columns.values():
        if name not in fields:
            raise MappingError(_("no such column"), path=path, field=name)
    if set(columns) not in ({"latitude", "longitude"}, {"x", "y"}, {"wkt"}):
        # Translators: latitude, longitude, x, y and wkt are the keys of the mapping: keep them as they are.
        raise MappingError(_("name latitude and longitude, or x and y, or wkt"), path=path)
    return columns


def _numbers(values: np.ndarray, column: str, problems: list[Problem]) -> np.ndarray:
    text = pd.Series(values, dtype=object).astype("string").str.strip().str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    for index in np.flatnonzero(np.isnan(numbers)):
        shown = text.iloc[index]
        if shown is pd.NA or shown == "":
            # Translators: why a CSV cell is rejected: it holds nothing.
            reason = _("empty")
        else:
            reason = _("'%(value)s' is not a number") % {"value": shown}
        problems.append(Problem(int(index), column, reason))
    return numbers


def csv_geometries(fields: dict[str, np.ndarray], columns: dict[str, str]) -> tuple[np.ndarray, list[Problem]]:
    """Shapely geometries (``None`` where unusable) in the columns' CRS, and the rows' problems."""
    problems: list[Problem] = []
    if "wkt" in columns:
        name = columns["wkt"]
        text = pd.Series(fields[name], dtype=object).fillna("").astype(str).to_numpy(dtype=object)
        geometries = shapely.from_wkt(text, on_invalid="ignore")
        for index in np.flatnonzero(shapely.is_missing(geometries)):
            if not text[index].strip():
                # Translators: why a CSV cell is rejected: it holds nothing.
                reason = _("empty")
            else:
                # Translators: %(value)s is the cell's text, cut to 40 characters.
                reason = _("'%(value)s' is not WKT") % {"value": text[index][:40]}
            problems.append(Problem(int(index), name, reason))
        return geometries, problems
    first, second = ("longitude", "latitude") if "latitude" in columns else ("x", "y")
    xs = _numbers(fields[columns[first]], columns[first], problems)
    ys = _numbers(fields[columns[second]], columns[second], problems)
    if first == "longitude":
        with np.errstate(invalid="ignore"):
            for index in np.flatnonzero(np.abs(ys) > 90):
                reason = _("%(value)g is not a latitude (±90)") % {"value": ys[index]}
                problems.append(Problem(int(index), columns["latitude"], reason))
                ys[index] = np.nan
            for index in np.flatnonzero(np.abs(xs) > 180):
                reason = _("%(value)g is not a longitude (±180)") % {"value": xs[index]}
                problems.append(Problem(int(index), columns["longitude"], reason))
                xs[index] = np.nan
    ok = np.isfinite(xs) & np.isfinite(ys)
    geometries = np.full(len(xs), None, dtype=object)
    geometries[ok] = shapely.points(xs[ok], ys[ok])
    return geometries, problems
