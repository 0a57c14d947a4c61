"""The mapping of a dataset: which source field feeds which place field, source values -> vocabulary slugs.

Written in the admin or as a TOML file for the command line, and stored with the dataset so that a re-import
repeats it. Example (``monuments.toml``)::

    [fields]
    source_id = "KODIKOS"     # the stable id of a feature in the source (required)
    name_el = "ONOMA"         # the Greek name; a file with English names only maps name_en alone
    name_en = "NAME_EN"       # name_el or name_en is required
    category = "TYPOS"
    periods = "EPOCH"         # several values separated by options.periods_separator
    wikidata = "WIKIDATA"
    pleiades = "PLEIADES"

    [categories]              # source value -> category slug (a value that is already a slug needs no line)
    "Ναός" = "church-monastery"

    [periods]
    "Βυζαντινή" = "byzantine"

    [options]
    default_category = "monument"
    periods_separator = ";"
    invalid = "repair"        # or "reject": what to do with invalid geometries
    matches = "link"          # a new feature whose Wikidata/Pleiades id is an existing place's (same
                              # municipality): "link" (fill what the place lacks), "create" or "skip"

    [csv]                     # CSV only: latitude/longitude, or x/y (with --srid), or wkt
    latitude = "lat"
    longitude = "lon"

``mapping_guess`` makes the starting mapping for both the admin and the command line (``import_places
--show-mapping`` prints it as TOML): from the field names, and from the sample values for the language of the name
(a name column in Latin script only is English).

Protected areas have a smaller mapping (``AreaMapping``: id, Greek and English name, kind, invalid geometries),
kept with the admin's import runs of the dataset (see importers.selectors.area_mapping_for).
"""

import re
import tomllib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import tomli_w
from django.utils.translation import gettext as _

from .errors import MappingError
from .readers.options import InvalidPolicy

TARGETS = ("source_id", "name_el", "name_en", "category", "periods", "wikidata", "pleiades")
REQUIRED = ("source_id", "name_el")  # of protected areas; places need source_id and a name (NAMES)
NAMES = ("name_el", "name_en")
SECTIONS = {"fields", "categories", "periods", "options", "csv"}
OPTIONS = {"default_category", "periods_separator", "invalid", "matches"}
ID_GUESSES = ("source_id", "id", "kodikos", "κωδικός", "κωδικος", "code", "uid", "pleiades_id", "fid", "objectid")
NAME_GUESSES = ("name_el", "onoma", "όνομα", "ονομα", "name_gr", "name", "title", "τίτλος", "titlos")
NAME_EN_GUESSES = ("name_en", "name_eng", "english", "title_en")
WIKIDATA_GUESSES = ("wikidata", "wikidata_id", "qid")
PLEIADES_GUESSES = ("pleiades", "pleiades_id", "pleiades_uri")
GREEK_LETTER = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")

AREA_TARGETS = ("source_id", "name_el", "name_en", "kind")
AREA_SECTIONS = {"fields", "options"}
KIND_GUESSES = ("kind", "zone", "zoni", "ζώνη", "ζωνη", "type", "typos", "τύπος", "τυπος", "category")


class Matches:
    """What to do with a new feature whose Wikidata or Pleiades id is that of an existing place of the same
    municipality (in any dataset): link it to that place (the default), import it as a new place, or skip it."""

    LINK = "link"
    CREATE = "create"
    SKIP = "skip"
    CHOICES = (LINK, CREATE, SKIP)


@dataclass
class Mapping:
    """Source field per place field, value maps to vocabulary slugs, and options."""

    fields: dict[str, str] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    periods: dict[str, str] = field(default_factory=dict)
    default_category: str = ""
    periods_separator: str = ";"
    invalid: str = InvalidPolicy.REPAIR
    csv: dict[str, str] = field(default_factory=dict)
    matches: str = Matches.LINK

    def to_dict(self) -> dict:
        """JSON-ready, in the same sections as the TOML file."""
        data = asdict(self)
        options = {name: data.pop(name) for name in sorted(OPTIONS)}
        return {**data, "options": options}

    def to_toml(self) -> str:
        """The mapping as a TOML file that ``mapping_load`` reads back (empty sections left out)."""
        return tomli_w.dumps({section: values for section, values in self.to_dict().items() if values})

    @classmethod
    def from_dict(cls, data: dict, *, path: Path | str | None = None) -> "Mapping":
        """Read the TOML/JSON sections, refusing what is not understood."""
        unknown = set(data) - SECTIONS
        if unknown:
            raise MappingError(_unknown_sections(unknown, SECTIONS), path=path)
        fields = {str(k): str(v) for k, v in data.get("fields", {}).items() if v}
        for target in set(fields) - set(TARGETS):
            raise MappingError(
                _("unknown place field; expected one of %(names)s") % {"names": ", ".join(TARGETS)},
                path=path,
                field=target,
            )
        options = data.get("options", {})
        for name in set(options) - OPTIONS:
            raise MappingError(
                _("unknown option; expected one of %(names)s") % {"names": ", ".join(sorted(OPTIONS))},
                path=path,
                field=name,
            )
        invalid = str(options.get("invalid", InvalidPolicy.REPAIR))
        if invalid not in InvalidPolicy.CHOICES:
            raise MappingError(_one_of(InvalidPolicy.CHOICES), path=path, field="invalid")
        matches = str(options.get("matches", Matches.LINK))
        if matches not in Matches.CHOICES:
            raise MappingError(_one_of(Matches.CHOICES), path=path, field="matches")
        return cls(
            fields=fields,
            categories={str(k): str(v) for k, v in data.get("categories", {}).items()},
            periods={str(k): str(v) for k, v in data.get("periods", {}).items()},
            default_category=str(options.get("default_category", "")),
            periods_separator=str(options.get("periods_separator", ";")) or ";",
            invalid=invalid,
            csv={str(k): str(v) for k, v in data.get("csv", {}).items() if v},
            matches=matches,
        )

    def check(self, *, source_fields: list[str], categories: set[str], periods: set[str], path=None) -> None:
        """Refuse a mapping that names fields the source lacks or slugs the vocabularies lack."""
        if "source_id" not in self.fields:
            raise MappingError(field_unnamed("source_id"), path=path)
        if not any(target in self.fields for target in NAMES):
            raise MappingError(name_unnamed(), path=path)
        for target, source in self.fields.items():
            if source not in source_fields:
                listed = ", ".join(source_fields)
                raise MappingError(field_missing(target, listed), path=path, field=source)
        for value, slug in self.categories.items():
            if slug and slug not in categories:
                raise MappingError(
                    _("'%(value)s' maps to '%(slug)s', which is not a category") % {"value": value, "slug": slug},
                    path=path,
                    field="category",
                )
        if self.default_category and self.default_category not in categories:
            raise MappingError(
                _("'%(slug)s' is not a category") % {"slug": self.default_category}, path=path, field="default_category"
            )
        for value, slug in self.periods.items():
            if slug and slug not in periods:
                raise MappingError(
                    _("'%(value)s' maps to '%(slug)s', which is not a period") % {"value": value, "slug": slug},
                    path=path,
                    field="periods",
                )


def _unknown_sections(unknown: set[str], known: set[str]) -> str:
    return _("unknown section(s) %(unknown)s; expected %(known)s") % {
        "unknown": sorted(unknown),
        "known": sorted(known),
    }


def _one_of(choices) -> str:
    return _("must be one of %(choices)s") % {"choices": ", ".join(choices)}


def field_unnamed(target: str) -> str:
    """The message for a mapping that names no source field for ``target``."""
    return _("the mapping must name the source field for '%(target)s'") % {"target": target}


def name_unnamed() -> str:
    """The message for a mapping that names no source field for either name."""
    return _("the mapping must name the source field of the Greek name ('name_el') or the English one ('name_en')")


def field_missing(target: str, listed: str) -> str:
    """The message for a mapped source field (for ``target``) that the source lacks; ``listed``: its fields."""
    return _("no such field in the source (for '%(target)s'); the fields are %(fields)s") % {
        "target": target,
        "fields": listed,
    }


def mapping_load(path: str | Path) -> Mapping:
    """Read a mapping from a TOML file."""
    try:
        with Path(path).open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise MappingError(_("cannot be read (%(reason)s)") % {"reason": error.strerror}, path=path) from error
    except tomllib.TOMLDecodeError as error:
        raise MappingError(_("is not valid TOML: %(error)s") % {"error": error}, path=path) from error
    return Mapping.from_dict(data, path=path)


def _guess(fields: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {name.lower(): name for name in fields}
    return next((lowered[name] for name in names if name in lowered), None)


def latin_only(values: Sequence[str]) -> bool:
    """Whether ``values`` are written in Latin script only: some Latin letter, no Greek one (blank values ignored)."""
    texts = [value for value in values if value and value.strip()]
    return bool(texts) and not any(GREEK_LETTER.search(v) for v in texts) and any(LATIN_LETTER.search(v) for v in texts)


def mapping_guess(fields: list[str], *, rows: Sequence[Sequence[str]] = ()) -> Mapping:
    """A starting mapping from common field names (id, name, Wikidata, Pleiades...), the same for the admin form and
    the command line. ``rows``: a header row and the first features' values as text (what the inspection keeps);
    a name column whose values are in Latin script only is taken as the English name, not the Greek one."""
    guessed = {
        "source_id": _guess(fields, ID_GUESSES),
        "name_el": _guess(fields, NAME_GUESSES),
        "name_en": _guess(fields, NAME_EN_GUESSES),
        "wikidata": _guess(fields, WIKIDATA_GUESSES),
        "pleiades": _guess(fields, PLEIADES_GUESSES),
    }
    name = guessed["name_el"]
    if name and name != guessed["name_en"] and rows and name in rows[0]:
        column = list(rows[0]).index(name)
        if latin_only([str(row[column]) for row in rows[1:] if column < len(row)]):
            guessed["name_el"] = None
            guessed["name_en"] = guessed["name_en"] or name
    return Mapping(fields={target: source for target, source in guessed.items() if source})


def mapping_guess_file(
    path: str | Path, *, layer: str | None = None, srid: int | None = None, encoding: str | None = None
) -> Mapping:
    """``mapping_guess`` for a file, from what the admin's inspection reads of it (fields and first rows)."""
    from .readers.source import PREVIEW_FEATURES, PREVIEW_ROWS, sample_rows, source_open

    with source_open(path, layer=layer, srid=srid, encoding=encoding, pick_first=True) as opened:
        fields = opened.info.fields
        rows = sample_rows(opened.sample(PREVIEW_FEATURES), limit=PREVIEW_ROWS)
    return mapping_guess(fields, rows=rows)


@dataclass
class AreaMapping:
    """Source field per protected-area field (source_id and name_el required; name_en, kind) and what to do with
    invalid geometries."""

    fields: dict[str, str] = field(default_factory=dict)
    invalid: str = InvalidPolicy.REPAIR

    def to_dict(self) -> dict:
        """JSON-ready, in sections like the places' mapping."""
        return {"fields": dict(self.fields), "options": {"invalid": self.invalid}}

    @classmethod
    def from_dict(cls, data: dict, *, path: Path | str | None = None) -> "AreaMapping":
        """Read the sections, refusing what is not understood."""
        unknown = set(data) - AREA_SECTIONS
        if unknown:
            raise MappingError(_unknown_sections(unknown, AREA_SECTIONS), path=path)
        fields = {str(k): str(v) for k, v in data.get("fields", {}).items() if v}
        for target in set(fields) - set(AREA_TARGETS):
            raise MappingError(
                _("unknown area field; expected one of %(names)s") % {"names": ", ".join(AREA_TARGETS)},
                path=path,
                field=target,
            )
        invalid = str(data.get("options", {}).get("invalid", InvalidPolicy.REPAIR))
        if invalid not in InvalidPolicy.CHOICES:
            raise MappingError(_one_of(InvalidPolicy.CHOICES), path=path, field="invalid")
        return cls(fields=fields, invalid=invalid)

    def fits(self, source_fields: list[str]) -> bool:
        """Whether the required fields are named and every named field is in ``source_fields``."""
        return all(target in self.fields for target in REQUIRED) and set(self.fields.values()) <= set(source_fields)


def area_mapping_guess(fields: list[str]) -> AreaMapping:
    """A starting area mapping from common field names (id, name, kind...), for the admin form."""
    guessed = {
        "source_id": _guess(fields, ID_GUESSES),
        "name_el": _guess(fields, NAME_GUESSES),
        "name_en": _guess(fields, NAME_EN_GUESSES),
        "kind": _guess(fields, KIND_GUESSES),
    }
    return AreaMapping(fields={target: source for target, source in guessed.items() if source})
