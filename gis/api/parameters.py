"""Every query parameter of the public endpoints: parsed here, and (for the API) documented in the OpenAPI document
from the same objects.

A bad value raises ``BadParameter`` whose message says what is wrong: a 400 OGC exception in the API, a 400
``{"error": ..., "detail": ...}`` on the map's endpoints, a note on the map page. Every query value and path segment
is first checked by ``unusable`` (NUL and control characters, bytes that were not UTF-8, overlong values): the API
in ``parse_query`` and ``check_path``, the map's readers (``read_*``, at the end) in ``_values``, so no view sees
them. One bbox parser serves both (``parse_bbox``); each endpoint's ``BboxForm`` says which forms it accepts.
"""

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, overload

from django.conf import settings
from django.http import QueryDict

LIMIT_DEFAULT = 100
LIMIT_MAX = 10_000  # a larger limit is capped to this (OGC API - Features recommends capping over an error)
OFFSET_MAX = 10**9
# PostgreSQL's timestamptz takes UTC offsets up to 15:59 either way (RFC 3339 allows 23:59, Python 23:59:59)
UTC_OFFSET_MAX = timedelta(hours=15, minutes=59)
SLUG = re.compile(r"^[a-z0-9-]{1,50}$")
MAX_SEARCH_LENGTH = 100
MAX_VALUE_LENGTH = 2000  # characters of any one query value or path segment; longer is refused, not truncated
_UNUSABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_DESCRIBE = {"\x00": "a NUL character", "\ufffd": "bytes that are not UTF-8"}


class BadParameter(ValueError):
    """A query parameter that cannot be used; the message is shown to the client."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


def unusable(text: str, *, max_length: int = MAX_VALUE_LENGTH) -> str | None:
    """Why ``text`` can be no parameter's value (control character, not UTF-8, too long), or None when it can."""
    if len(text) > max_length:
        return f"is longer than {max_length} characters"
    found = _UNUSABLE.search(text)
    if found:
        return f"contains {_DESCRIBE.get(found.group(), 'a control character')}"
    return None


@dataclass(frozen=True)
class Interval:
    """A closed time interval (UTC); ``None`` ends are open."""

    start: datetime | None
    end: datetime | None


@dataclass(frozen=True)
class Parameter:
    """A query parameter: its OpenAPI description and schema, and the function that parses its text."""

    name: str
    description: str
    schema: dict
    parse: Callable[[str], Any]
    default: Any = None
    explode: bool = True  # OpenAPI ``explode`` (form style); False for comma-separated lists
    examples: dict = field(default_factory=dict)

    def openapi(self) -> dict:
        """This parameter as an OpenAPI 3.0 Parameter Object (in: query)."""
        spec = {
            "name": self.name,
            "in": "query",
            "required": False,
            "description": self.description,
            "schema": self.schema,
            "style": "form",
            "explode": self.explode,
        }
        if self.examples:
            spec["examples"] = {key: {"value": value} for key, value in self.examples.items()}
        return spec


def _number(text: str, name: str, *, wording: str = "{name} must be a number, got '{got}'") -> float:
    """A finite number; ``wording`` is the message for text that is no number."""
    try:
        value = float(text)
    except ValueError:
        raise BadParameter(name, wording.format(name=name, got=text[:30])) from None
    if not math.isfinite(value):
        raise BadParameter(name, f"{name} must be a finite number, got '{text[:30]}'")
    return value


@dataclass(frozen=True)
class BboxForm:
    """How one endpoint writes a bbox (longitudes and latitudes in degrees, WGS 84 / CRS84): whether it takes the
    6-number form with heights and boxes across the antimeridian, and how its messages word what is wrong (each
    endpoint keeps the words its clients know). The limits themselves are the same for every form."""

    heights: bool  # also minlon,minlat,minheight,maxlon,maxlat,maxheight (the heights are ignored)
    crossing: bool  # a west edge east of the east edge crosses the antimeridian; otherwise west < east
    count: str
    not_number: str  # with {name} and {got}
    longitudes: str
    latitudes: str
    order: str  # south above north (or, without ``crossing``, west not below east)


OGC_BBOX = BboxForm(
    heights=True,
    crossing=True,
    count="bbox must be 4 numbers: minimum longitude, minimum latitude, maximum longitude, maximum latitude "
    "(degrees, WGS 84 / CRS84)",
    not_number="{name} must be numbers, got '{got}'",
    longitudes="bbox longitudes must be between -180 and 180",
    latitudes="bbox latitudes must be between -90 and 90",
    order="bbox minimum latitude must not be greater than its maximum latitude",
)
# the map's view: west,south,east,north, as Leaflet's bounds give it (a view never wraps the antimeridian)
VIEW_BBOX = BboxForm(
    heights=False,
    crossing=False,
    count="bbox must be four numbers: west,south,east,north (degrees, WGS 84)",
    not_number="{name} must be a number, got '{got}'",
    longitudes="bbox is outside -180..180 longitude / -90..90 latitude",
    latitudes="bbox is outside -180..180 longitude / -90..90 latitude",
    order="bbox must have west < east and south < north",
)


def parse_bbox(text: str, *, form: BboxForm = OGC_BBOX) -> tuple[float, float, float, float]:
    """``west,south,east,north`` (minimum longitude, minimum latitude, maximum longitude, maximum latitude) in
    CRS84 degrees, or with ``form.heights`` the 6-number form whose heights are ignored. With ``form.crossing``, a
    bbox whose west edge is east of its east edge crosses the antimeridian."""
    parts = text.split(",")
    if len(parts) not in ((4, 6) if form.heights else (4,)):
        raise BadParameter("bbox", form.count)
    numbers = [_number(part.strip(), "bbox", wording=form.not_number) for part in parts]
    west, south, east, north = numbers if len(numbers) == 4 else (numbers[0], numbers[1], numbers[3], numbers[4])
    if not all(-180 <= lon <= 180 for lon in (west, east)):
        raise BadParameter("bbox", form.longitudes)
    if not all(-90 <= lat <= 90 for lat in (south, north)):
        raise BadParameter("bbox", form.latitudes)
    if south > north or (not form.crossing and west >= east):
        raise BadParameter("bbox", form.order)
    return west, south, east, north


def parse_limit(text: str) -> int:
    """A positive whole number; above LIMIT_MAX it is capped, never refused."""
    if not re.fullmatch(r"\s*\+?\d{1,400}\s*", text):
        raise BadParameter(
            "limit", f"limit must be a whole number from 1 (at most {LIMIT_MAX} are returned), got '{text[:30]}'"
        )
    value = int(text)
    if value < 1:
        raise BadParameter("limit", f"limit must be at least 1, got {value}")
    return min(value, LIMIT_MAX)


def parse_offset(text: str) -> int:
    """How many matching features to skip (paging)."""
    if not re.fullmatch(r"\s*\+?\d{1,10}\s*", text) or int(text) > OFFSET_MAX:
        raise BadParameter("offset", f"offset must be a whole number from 0 to {OFFSET_MAX}, got '{text[:30]}'")
    return int(text)


def _instant(text: str, *, end: bool) -> datetime:
    """An RFC 3339 date-time (a zone-less one is UTC) or full date (its first or last instant)."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time.min, tzinfo=UTC)
            return moment.replace(hour=23, minute=59, second=59, microsecond=999999) if end else moment
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})?", text):
            raise ValueError(text)
        moment = datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", text.upper().replace("Z", "+00:00")))
    except ValueError:
        raise BadParameter(
            "datetime",
            f"datetime must be an RFC 3339 date-time such as 2024-05-01T00:00:00Z, a date such as 2024-05-01, or an "
            f"interval start/end with '..' for an open end (e.g. 2024-05-01T00:00:00Z/..), got '{text[:40]}'",
        ) from None
    offset = moment.utcoffset()
    if offset is not None and abs(offset) > UTC_OFFSET_MAX:
        raise BadParameter("datetime", f"datetime's UTC offset must be between -15:59 and +15:59, got '{text[:40]}'")
    try:
        return moment.astimezone(UTC) if offset is not None else moment.replace(tzinfo=UTC)
    except OverflowError:
        raise BadParameter("datetime", f"datetime is outside the years 1 to 9999 in UTC, got '{text[:40]}'") from None


def parse_datetime(text: str) -> Interval:
    """OGC ``datetime``: an instant, or ``start/end`` with ``..`` (or nothing) for an open end. Matches the time a
    record last changed; ``2024-05-01T00:00:00Z/..`` is "changed since"."""
    if "/" not in text:
        if text.strip() in ("", ".."):
            raise BadParameter("datetime", "datetime must name an instant or an interval, got '..'")
        instant = _instant(text, end=False)
        return Interval(instant, _instant(text, end=True) if len(text.strip()) == 10 else instant)
    parts = text.split("/")
    if len(parts) != 2:
        raise BadParameter("datetime", "a datetime interval has exactly one '/' between its start and end")
    start_text, end_text = (part.strip() for part in parts)
    start = None if start_text in ("", "..") else _instant(start_text, end=False)
    end = None if end_text in ("", "..") else _instant(end_text, end=True)
    if start is None and end is None:
        raise BadParameter("datetime", "a datetime interval needs a start or an end ('../..' is not an interval)")
    if start and end and start > end:
        raise BadParameter("datetime", "the datetime interval starts after it ends")
    return Interval(start, end)


def _slugs(name: str, values: list[str]) -> list[str]:
    """``values`` when every one is a vocabulary identifier (slug); else what is wrong, for ``name``."""
    for value in values:
        if not SLUG.match(value):
            raise BadParameter(name, f"{name} must be identifiers such as 'museum', got '{value[:30]}'")
    return values


def parse_slugs(name: str) -> Callable[[str], list[str]]:
    """A parser of comma-separated vocabulary identifiers (slugs) for parameter ``name``."""

    def parse(text: str) -> list[str]:
        return _slugs(name, [part.strip() for part in text.split(",") if part.strip()])

    return parse


def _choice(name: str, choices: Sequence[str]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in choices:
            raise BadParameter(name, f"{name} must be one of {', '.join(choices)}, got '{text[:30]}'")
        return text

    return parse


LANGUAGES = [code for code, _name in settings.LANGUAGES]

LANG = Parameter(
    "lang",
    "Language of names and vocabulary labels (Greek is the source language and the default).",
    {"type": "string", "enum": LANGUAGES, "default": LANGUAGES[0]},
    _choice("lang", LANGUAGES),
    default=LANGUAGES[0],
)
BBOX = Parameter(
    "bbox",
    "Only features whose geometry intersects this box: minimum longitude, minimum latitude, maximum longitude, "
    "maximum latitude, in degrees (WGS 84 longitude/latitude, http://www.opengis.net/def/crs/OGC/1.3/CRS84).",
    {
        "type": "array",
        "minItems": 4,
        "maxItems": 6,
        "items": {"type": "number", "minimum": -180, "maximum": 180},
    },
    parse_bbox,
    explode=False,
    examples={"athens-centre": "23.70,37.96,23.76,37.99"},
)
LIMIT = Parameter(
    "limit",
    f"How many features a page holds (default {LIMIT_DEFAULT}); a larger value than {LIMIT_MAX} is capped to "
    f"{LIMIT_MAX}. Follow the 'next' link for more; the bulk downloads have no limit.",
    {"type": "integer", "minimum": 1, "default": LIMIT_DEFAULT},
    parse_limit,
    default=LIMIT_DEFAULT,
)
OFFSET = Parameter(
    "offset",
    "How many matching features to skip (used by the 'next' and 'prev' links).",
    {"type": "integer", "minimum": 0, "maximum": OFFSET_MAX, "default": 0},
    parse_offset,
    default=0,
)
DATETIME = Parameter(
    "datetime",
    "Only features last changed at this instant or within this interval (RFC 3339; '..' for an open end). "
    "Changed since 1 May 2024: 2024-05-01T00:00:00Z/..",
    {"type": "string"},
    parse_datetime,
    examples={"changed-since": "2024-05-01T00:00:00Z/.."},
)
CATEGORY = Parameter(
    "category",
    "Only places of these categories (comma-separated identifiers, e.g. museum,monument).",
    {"type": "array", "items": {"type": "string", "pattern": SLUG.pattern}},
    parse_slugs("category"),
    explode=False,
)
PERIOD = Parameter(
    "period",
    "Only places of any of these historical periods (comma-separated identifiers, e.g. classical,roman).",
    {"type": "array", "items": {"type": "string", "pattern": SLUG.pattern}},
    parse_slugs("period"),
    explode=False,
)

BOM = Parameter(
    "bom",
    "CSV only: start the file with a UTF-8 byte order mark, so that Microsoft Excel reads Greek letters correctly "
    "(other programs do not need it).",
    {"type": "boolean", "default": False},
    lambda text: _choice("bom", ["true", "false", "1", "0"])(text.lower()) in ("true", "1"),
    default=False,
)


def format_parameter(formats: Sequence[str]) -> Parameter:
    """``f``: the output format, which otherwise follows the Accept header (``formats[0]`` by default)."""
    return Parameter(
        "f",
        f"Output format ({', '.join(formats)}); without it the Accept header decides.",
        {"type": "string", "enum": list(formats)},
        _choice("f", formats),
    )


DOC_FORMATS = ("json", "html")
ITEM_FORMATS = ("json", "geojson", "html")
DOC_PARAMETERS = [format_parameter(DOC_FORMATS), LANG]
ITEM_PARAMETERS = [format_parameter(ITEM_FORMATS), LANG]


def items_parameters(filters: Sequence[Parameter]) -> list[Parameter]:
    """The query parameters of a collection's items, given its kind's ``filters``."""
    return [*ITEM_PARAMETERS, BBOX, LIMIT, OFFSET, *filters]


def download_parameters(filters: Sequence[Parameter], *, fmt: str = "") -> list[Parameter]:
    """The query parameters of a collection's bulk download in ``fmt``: the items' filters, without paging (and,
    for CSV, ``bom``)."""
    return [LANG, BBOX, *filters, *([BOM] if fmt == "csv" else [])]


def parse_query(query: QueryDict, parameters: Sequence[Parameter]) -> dict[str, Any]:
    """The values of ``parameters`` in ``query`` (defaults for those absent). An unknown or repeated parameter is an
    error, as OGC API - Features asks."""
    for name in query:
        problem = unusable(name, max_length=100)
        if problem:
            raise BadParameter(name[:30], f"a query parameter's name {problem}")
        for text in query.getlist(name):
            problem = unusable(text)
            if problem:
                raise BadParameter(name, f"{name[:30]} {problem}")
    known = {parameter.name: parameter for parameter in parameters}
    unknown = sorted(set(query) - set(known))
    if unknown:
        raise BadParameter(
            unknown[0],
            f"unknown query parameter '{unknown[0][:30]}'; this resource accepts: {', '.join(sorted(known)) or 'none'}",
        )
    values = {}
    for name, parameter in known.items():
        texts = query.getlist(name)
        if len(texts) > 1:
            raise BadParameter(name, f"give {name} once (comma-separate several values)")
        values[name] = parameter.parse(texts[0]) if texts and texts[0] != "" else parameter.default
    return values


def check_path(values: dict[str, Any]) -> None:
    """Refuse a path segment (a URL keyword argument) that no identifier can be, before any view reads it."""
    for name, value in values.items():
        problem = unusable(value, max_length=200) if isinstance(value, str) else None
        if problem:
            raise BadParameter(name, f"the {name.replace('_', ' ')} in the path {problem}")


# --- the map's endpoints (gis.views, content.views): lenient readers of a QueryDict --------------------------------
# Unlike the API, the map ignores parameters it does not know and takes the last of repeated values (lists:
# every value, comma-separated or repeated), as browsers and Leaflet send them.


def _values(query: QueryDict, name: str) -> list[str]:
    """Every value of ``name`` in ``query``, each checked by ``unusable``."""
    values = query.getlist(name)
    for value in values:
        problem = unusable(value)
        if problem:
            raise BadParameter(name, f"{name} {problem}")
    return values


def _value(query: QueryDict, name: str) -> str | None:
    """The (last) value of ``name`` in ``query``, checked by ``unusable``; None when absent."""
    values = _values(query, name)
    return values[-1] if values else None


def read_bbox(query: QueryDict) -> tuple[float, float, float, float] | None:
    """The map's view ``bbox=west,south,east,north`` in degrees (EPSG:4326), or None when absent."""
    text = _value(query, "bbox")
    return None if text is None else parse_bbox(text, form=VIEW_BBOX)


def read_view(query: QueryDict) -> tuple[float, float, float, float] | None:
    """The part of the map a client asks lines for, ``view=west,south,east,north`` in degrees (EPSG:4326), or None
    when absent (the routes map's lines are clipped to it; ``bbox`` stays the filter of what is listed)."""
    text = _value(query, "view")
    if text is None:
        return None
    try:
        return parse_bbox(text, form=VIEW_BBOX)
    except BadParameter as error:
        raise BadParameter("view", str(error).replace("bbox", "view")) from None


@overload
def read_integer(query: QueryDict, name: str, *, default: int, low: int, high: int) -> int: ...
@overload
def read_integer(query: QueryDict, name: str, *, default: None, low: int, high: int) -> int | None: ...
def read_integer(query: QueryDict, name: str, *, default: int | None, low: int, high: int) -> int | None:
    """An integer parameter within [low, high]; ``default`` when absent or empty."""
    text = _value(query, name)
    if text is None or text == "":
        return default
    if len(text) > 30:
        raise BadParameter(name, f"{name} must be a whole number between {low} and {high}")
    try:
        value = int(text)
    except ValueError:
        raise BadParameter(name, f"{name} must be a whole number, got '{text[:30]}'") from None
    if not low <= value <= high:
        raise BadParameter(name, f"{name} must be between {low} and {high}, got {value}")
    return value


def read_point(query: QueryDict) -> tuple[float, float]:
    """``lat`` and ``lon`` in degrees (WGS 84); returns (lon, lat)."""
    if "lat" not in query or "lon" not in query:
        raise BadParameter("lat", "give lat and lon (degrees, WGS 84)")
    lat, lon = _number(_value(query, "lat") or "", "lat"), _number(_value(query, "lon") or "", "lon")
    if not -90 <= lat <= 90:
        raise BadParameter("lat", f"lat must be between -90 and 90, got {lat}")
    if not -180 <= lon <= 180:
        raise BadParameter("lon", f"lon must be between -180 and 180, got {lon}")
    return lon, lat


def read_point_rounded(query: QueryDict, *, decimals: int) -> tuple[float, float]:
    """``read_point`` rounded to ``decimals`` decimal degrees (3: about 110 m of latitude), so that a visitor's
    precise position is never used, returned or logged; returns (lon, lat)."""
    lon, lat = read_point(query)
    return round(lon, decimals), round(lat, decimals)


def read_radius_m(query: QueryDict, *, default: float, high: float) -> float:
    """``radius`` in metres, positive and at most ``high``."""
    text = _value(query, "radius")
    if text is None or text == "":
        return default
    value = _number(text, "radius")
    if not 0 < value <= high:
        raise BadParameter("radius", f"radius must be more than 0 and at most {high:.0f} metres, got {value:g}")
    return value


def read_slugs(query: QueryDict, name: str) -> list[str]:
    """A comma-separated (or repeated) list of vocabulary slugs."""
    return _slugs(name, [part for item in _values(query, name) for part in item.split(",") if part])


def read_text(query: QueryDict, name: str) -> str:
    """A free-text search of at most MAX_SEARCH_LENGTH characters."""
    value = (_value(query, name) or "").strip()
    if len(value) > MAX_SEARCH_LENGTH:
        raise BadParameter(name, f"{name} must be at most {MAX_SEARCH_LENGTH} characters")
    return value
