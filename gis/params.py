"""Parse and check the query parameters of the public map endpoints. Errors say what is wrong, for a 400.

Every value is read through ``_values``, which refuses what no parameter can hold (``unusable``): NUL and other
control characters (PostgreSQL cannot store a NUL in text), bytes that were not UTF-8 (Django decodes them to
U+FFFD) and overlong values. The open-data API's parameters (``gis.api.parameters``) use the same check.
"""

import re
from typing import TypeVar

from django.http import QueryDict

MAX_SEARCH_LENGTH = 100
MAX_VALUE_LENGTH = 2000  # characters of any one query value or path segment; longer is refused, not truncated
SLUG = re.compile(r"^[a-z0-9-]{1,50}$")
_UNUSABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_DESCRIBE = {"\x00": "a NUL character", "\ufffd": "bytes that are not UTF-8"}
Default = TypeVar("Default", bound=int | None)


class BadParameter(ValueError):
    """A query parameter that cannot be used; the message is shown to the client."""


def unusable(text: str, *, max_length: int = MAX_VALUE_LENGTH) -> str | None:
    """Why ``text`` can be no parameter's value (control character, not UTF-8, too long), or None when it can."""
    if len(text) > max_length:
        return f"is longer than {max_length} characters"
    found = _UNUSABLE.search(text)
    if found:
        return f"contains {_DESCRIBE.get(found.group(), 'a control character')}"
    return None


def _values(query: QueryDict, name: str) -> list[str]:
    """Every value of ``name`` in ``query``, each checked by ``unusable``."""
    values = query.getlist(name)
    for value in values:
        problem = unusable(value)
        if problem:
            raise BadParameter(f"{name} {problem}")
    return values


def _value(query: QueryDict, name: str) -> str | None:
    """The (last) value of ``name`` in ``query``, checked by ``unusable``; None when absent."""
    values = _values(query, name)
    return values[-1] if values else None


def _float(text: str, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise BadParameter(f"{name} must be a number, got '{text[:30]}'") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise BadParameter(f"{name} must be a finite number")
    return value


def bbox(query: QueryDict) -> tuple[float, float, float, float] | None:
    """``bbox=west,south,east,north`` in degrees (EPSG:4326), or None when absent."""
    text = _value(query, "bbox")
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) != 4:
        raise BadParameter("bbox must be four numbers: west,south,east,north (degrees, WGS 84)")
    west, south, east, north = (_float(part, "bbox") for part in parts)
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
        raise BadParameter("bbox is outside -180..180 longitude / -90..90 latitude")
    if west >= east or south >= north:
        raise BadParameter("bbox must have west < east and south < north")
    return west, south, east, north


def integer(query: QueryDict, name: str, *, default: Default, low: int, high: int) -> int | Default:
    """An integer parameter within [low, high]."""
    text = _value(query, name)
    if text is None or text == "":
        return default
    if len(text) > 30:
        raise BadParameter(f"{name} must be a whole number between {low} and {high}")
    try:
        value = int(text)
    except ValueError:
        raise BadParameter(f"{name} must be a whole number, got '{text[:30]}'") from None
    if not low <= value <= high:
        raise BadParameter(f"{name} must be between {low} and {high}, got {value}")
    return value


def point(query: QueryDict) -> tuple[float, float]:
    """``lat`` and ``lon`` in degrees (WGS 84); returns (lon, lat)."""
    if "lat" not in query or "lon" not in query:
        raise BadParameter("give lat and lon (degrees, WGS 84)")
    lat, lon = _float(_value(query, "lat") or "", "lat"), _float(_value(query, "lon") or "", "lon")
    if not -90 <= lat <= 90:
        raise BadParameter(f"lat must be between -90 and 90, got {lat}")
    if not -180 <= lon <= 180:
        raise BadParameter(f"lon must be between -180 and 180, got {lon}")
    return lon, lat


def point_rounded(query: QueryDict, *, decimals: int) -> tuple[float, float]:
    """``point`` rounded to ``decimals`` decimal degrees (3: about 110 m of latitude), so that a visitor's precise
    position is never used, returned or logged; returns (lon, lat)."""
    lon, lat = point(query)
    return round(lon, decimals), round(lat, decimals)


def radius_m(query: QueryDict, *, default: float, high: float) -> float:
    """``radius`` in metres, positive and at most ``high``."""
    text = _value(query, "radius")
    if text is None or text == "":
        return default
    value = _float(text, "radius")
    if not 0 < value <= high:
        raise BadParameter(f"radius must be more than 0 and at most {high:.0f} metres, got {value:g}")
    return value


def slugs(query: QueryDict, name: str) -> list[str]:
    """A comma-separated (or repeated) list of vocabulary slugs."""
    values = [part for item in _values(query, name) for part in item.split(",") if part]
    for value in values:
        if not SLUG.match(value):
            raise BadParameter(f"{name} must be identifiers like 'museum', got '{value[:30]}'")
    return values


def text(query: QueryDict, name: str) -> str:
    """A free-text search of at most MAX_SEARCH_LENGTH characters."""
    value = (_value(query, name) or "").strip()
    if len(value) > MAX_SEARCH_LENGTH:
        raise BadParameter(f"{name} must be at most {MAX_SEARCH_LENGTH} characters")
    return value
