"""Dates of archive items as people write them, turned into a sortable interval of days (proleptic Gregorian, CE).

``date_interval("c. 1920")`` is (1915-01-01, 1925-12-31). What is understood, in English and Greek:

- a year ``1912``; a month ``1912-05``; a day ``1912-05-03`` (ISO 8601, also with a time: the day is kept) or
  ``3/5/1912`` (day first, as Greeks write it);
- approximate: ``c. 1920``, ``ca. 1920``, ``circa 1920``, ``~1920``, ``1920?``, ``περ. 1920``, ``περίπου 1920``:
  five years either side;
- a decade ``1910s``, ``1910's``, ``δεκαετία του 1910`` (``δεκ. 1910``): 1910-01-01 to 1919-12-31;
- a range ``1912–1913``, ``1912-1913``, ``1912 - 1913``, ``1912/1913``, ``1912-05-03/1912-06-01`` (EDTF), each
  end any of the forms above, the interval from the start of the first to the end of the second;
- a century ``19th century``, ``19th c.``, ``19ος αιώνας``, ``19ου αιώνα``, ``19ος αι.``: 1800-01-01 to
  1899-12-31 (as EDTF's ``18XX``).

Anything else (no year, a year before 1 CE, an end before the start) gives None: the text is kept, with no
interval. Pure: no Django, no database.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

APPROXIMATE_YEARS = 5
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_APPROX = re.compile(r"^(?:circa|ca\.?|approx\.?|περίπου|περ\.?|π\.|c\.?|~)\s*(?P<rest>\d.*)$", re.IGNORECASE)
_DECADE = re.compile(r"^(?P<year>\d{3}0)\s*'?s$|^(?:δεκαετία\s+του|δεκ\.?)\s*(?P<greek>\d{3}0)$", re.IGNORECASE)
_CENTURY = re.compile(
    r"^(?P<n>\d{1,2})\s*(?:st|nd|rd|th|ος|ου|ο)?\s*(?:century|cent\.?|c\.?|αιώνας|αιώνα|αιών|αι\.?)$", re.IGNORECASE
)
_DAY = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_MONTH = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})$")
_DMY = re.compile(r"^(?P<d>\d{1,2})[/.](?P<m>\d{1,2})[/.](?P<y>\d{4})$")
_YEAR = re.compile(r"^(?P<y>\d{4})$")


@dataclass(frozen=True)
class DateInterval:
    """The first and last day (inclusive) a date text may mean."""

    start: date
    end: date


def _single(text: str) -> DateInterval | None:
    """One end of a range, or a whole date: any form but a range."""
    text = text.strip().rstrip(".").strip()
    if text.endswith("?"):
        return _approximate(text[:-1])
    if match := _APPROX.match(text):
        return _approximate(match["rest"])
    if match := _DECADE.match(text):
        start = int(match["year"] or match["greek"])
        return _years(start, start + 9)
    if match := _CENTURY.match(text):
        century = int(match["n"])
        return _years((century - 1) * 100, (century - 1) * 100 + 99) if century >= 1 else None
    if match := (_DAY.match(text) or _DMY.match(text)):
        year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
        try:
            value = date(year, month, day)
        except ValueError:
            return None
        return DateInterval(value, value)
    if match := _MONTH.match(text):
        year, month = int(match["y"]), int(match["m"])
        if not 1 <= month <= 12 or year < 1:
            return None
        return DateInterval(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
    if match := _YEAR.match(text):
        return _years(int(match["y"]), int(match["y"]))
    return None


def _approximate(text: str) -> DateInterval | None:
    exact = _single(text)
    if exact is None:
        return None
    return _years(max(1, exact.start.year - APPROXIMATE_YEARS), exact.end.year + APPROXIMATE_YEARS)


def _years(first: int, last: int) -> DateInterval | None:
    if first < 1 or last > 9999:
        return None
    return DateInterval(date(first, 1, 1), date(last, 12, 31))


def _range(text: str) -> DateInterval | None:
    """``A–B``, ``A - B``, ``A/B`` (EDTF) and ``YYYY-YYYY``: split at the one separator that is not inside a date."""
    for dash in _DASHES:
        text = text.replace(dash, "-")
    parts = re.split(r"\s+-\s+|/|(?<=^\d{4})-(?=\d{4}$)|(?<=\d)-(?=\d{4}-\d{2}-\d{2}$)", text)
    if len(parts) != 2 or not all(part.strip() for part in parts):
        return None
    first, last = _single(parts[0]), _single(parts[1])
    if first is None or last is None or last.end < first.start:
        return None
    return DateInterval(first.start, last.end)


def date_interval(text: str) -> DateInterval | None:
    """The interval of days ``text`` means (see the module's forms), or None when it is not understood."""
    text = " ".join((text or "").split())
    if not text:
        return None
    return _single(text) or _range(text)
