"""Apply a mapping to a batch of features: place records ready to be staged, and what was rejected or noted.

Pure: the vocabularies' slugs are passed in. Values are text, trimmed; a whole-number float id (12.0, as dBase
numeric fields often give) becomes "12".
"""

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from gis.languages import NAME_LANGUAGES

from .mapping import Mapping
from .readers import FeatureBatch

MAX_ID = 200
MAX_NAME = 300
WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
PLEIADES = re.compile(r"(?:^|/places/)([0-9]+)/?$")


@dataclass
class Issue:
    """A rejection or note about one feature: its 1-based number, the field and the reason."""

    feature: int
    field: str
    message: str
    source_id: str = ""


@dataclass
class Records:
    """Rows for gis.bulk staging (``COLUMNS``), with rejections, notes and counters of unmapped values."""

    rows: list[tuple] = field(default_factory=list)
    rejected: list[Issue] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)
    unknown_categories: Counter = field(default_factory=Counter)
    unknown_periods: Counter = field(default_factory=Counter)


def text_values(values: np.ndarray | None, count: int) -> np.ndarray:
    """Trimmed text per feature ('' for missing); whole floats lose their '.0'."""
    if values is None:
        return np.full(count, "", dtype=object)
    if values.dtype.kind == "f":
        whole = np.isfinite(values) & (np.mod(values, 1) == 0)
        out = np.where(np.isfinite(values), values.astype(str), "").astype(object)
        out[whole] = values[whole].astype(np.int64).astype(str)
        return out
    return np.fromiter(map(_trimmed, values), dtype=object, count=len(values))


def _trimmed(value: object) -> str:
    """A value as trimmed text; '' for a missing one (None, NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _lengths(values: np.ndarray) -> np.ndarray:
    """The length of each text of ``values`` (an object array of str), as an integer array."""
    return np.fromiter(map(len, values), dtype=np.int64, count=len(values))


def _attributes(fields: dict[str, np.ndarray]) -> list[str]:
    """Every source attribute of each feature as a JSON object (text, numbers, ISO dates; binary left out)."""
    usable = {name: values for name, values in fields.items() if values.dtype != object or not _is_binary(values)}
    if not usable:
        return ["{}"] * (len(next(iter(fields.values()))) if fields else 0)
    frame = pd.DataFrame(usable)
    lines = frame.to_json(orient="records", lines=True, force_ascii=False, date_format="iso", double_precision=15)
    return lines.rstrip("\n").split("\n")


def _is_binary(values: np.ndarray) -> bool:
    return any(isinstance(value, bytes | bytearray) for value in values[:10])


def records_build(
    batch: FeatureBatch, mapping: Mapping, *, categories: set[str], periods: set[str], unit: str = "feature"
) -> Records:
    """The batch's features as staged place rows under ``mapping``; ``categories``/``periods`` are known slugs."""
    count = len(batch)
    numbers = np.arange(count) + batch.start + 1
    column = {target: text_values(batch.fields.get(source), count) for target, source in mapping.fields.items()}
    ids = column["source_id"]
    out = Records()
    reasons: dict[int, Issue] = {}
    empty_id, long_id = _("empty id"), _("id over %(n)s characters") % {"n": MAX_ID}
    empty_name, long_name = _("empty name"), _("name over %(n)s characters") % {"n": MAX_NAME}
    for problem in batch.rejected:
        reasons.setdefault(problem.index, Issue(int(numbers[problem.index]), problem.field, problem.message))
    id_lengths = _lengths(ids)
    for index in np.flatnonzero((id_lengths == 0) | (id_lengths > MAX_ID)).tolist():
        reason = empty_id if not ids[index] else long_id
        reasons.setdefault(index, Issue(int(numbers[index]), mapping.fields["source_id"], reason))
    names = [f"name_{code}" for code in NAME_LANGUAGES if f"name_{code}" in column]
    name_lengths = {target: _lengths(column[target]) for target in names}
    if names:  # a name in one language at least (Greek falls back to English)
        nameless = np.logical_and.reduce([lengths == 0 for lengths in name_lengths.values()])
        for index in np.flatnonzero(nameless).tolist():
            reasons.setdefault(index, Issue(int(numbers[index]), mapping.fields[names[0]], empty_name))
    for target in names:
        for index in np.flatnonzero(name_lengths[target] > MAX_NAME).tolist():
            reasons.setdefault(index, Issue(int(numbers[index]), mapping.fields[target], long_name))
    for index, issue in sorted(reasons.items()):
        issue.source_id = ids[index]
        out.rejected.append(issue)
    for problem in batch.geometry.notes:
        out.notes.append(Issue(int(numbers[problem.index]), problem.field, problem.message, ids[problem.index]))

    category_slugs = _categories(column.get("category"), mapping, categories, out.unknown_categories, count)
    period_lists = _periods(column.get("periods"), mapping, periods, out.unknown_periods, count)
    wikidata = _identifiers(column.get("wikidata"), WIKIDATA, "wikidata", mapping, numbers, ids, out, count)
    pleiades = _identifiers(column.get("pleiades"), PLEIADES, "pleiades", mapping, numbers, ids, out, count)
    attributes = _attributes(batch.fields)
    name_el = column.get("name_el", np.full(count, "", dtype=object))
    name_en = column.get("name_en", np.full(count, "", dtype=object))
    location, footprint = batch.geometry.location, batch.geometry.footprint
    rows = zip(
        numbers.tolist(),
        ids,
        [False] * count,
        name_el,
        name_en,
        category_slugs,
        period_lists,
        wikidata,
        pleiades,
        location,
        footprint,
        attributes,
        strict=True,
    )
    if not reasons:
        out.rows = list(rows)
        return out
    for index, staged in enumerate(rows):
        if index not in reasons:
            out.rows.append(staged)
        elif ids[index]:  # kept so that the place is not withdrawn for a problem in this file
            out.rows.append((staged[0], ids[index], True) + (None,) * 9)
    return out


def _categories(values, mapping: Mapping, known: set[str], unknown: Counter, count: int) -> list[str | None]:
    default = mapping.default_category or None
    if values is None:
        return [default] * count
    result: list[str | None] = []
    for value in values:
        slug = mapping.categories.get(value) or (value if value in known else None)
        if value and slug is None:
            unknown[value] += 1
        result.append(slug or default)
    return result


def _periods(values, mapping: Mapping, known: set[str], unknown: Counter, count: int) -> list[list[str] | None]:
    if values is None:
        return [None] * count
    result: list[list[str] | None] = []
    for value in values:
        slugs = set()
        for part in (p.strip() for p in value.split(mapping.periods_separator)):
            if not part:
                continue
            slug = mapping.periods.get(part) or (part if part in known else None)
            if slug is None:
                unknown[part] += 1
            else:
                slugs.add(slug)
        result.append(sorted(slugs))
    return result


def _identifiers(values, pattern, target, mapping, numbers, ids, out: Records, count: int) -> list[str]:
    if values is None:
        return [""] * count
    result = []
    for index, value in enumerate(values):
        match = pattern.search(value) if value else None
        if value and not match:
            out.notes.append(
                Issue(
                    int(numbers[index]),
                    mapping.fields[target],
                    # Translators: kind is "Wikidata" or "Pleiades", the database whose identifier was expected
                    _("'%(value)s' is not a %(kind)s id; left empty")
                    % {"value": value[:40], "kind": target.capitalize()},
                    ids[index],
                )
            )
        result.append((match.group(1) if match.groups() else match.group(0)) if match else "")
    return result
