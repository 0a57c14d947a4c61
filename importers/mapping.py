"""The mapping of a dataset: which source field feeds which place field, source values -> vocabulary slugs.

Written in the admin or as a TOML file for the command line, and stored with the dataset so that a re-import
repeats it. Example (``monuments.toml``)::

    [fields]
    source_id = "KODIKOS"     # the stable id of a feature in the source (required)
    name_el = "ONOMA"         # required
    name_en = "NAME_EN"
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

    [csv]                     # CSV only: latitude/longitude, or x/y (with --srid), or wkt
    latitude = "lat"
    longitude = "lon"

Protected areas have a smaller mapping (``AreaMapping``: id, Greek and English name, kind, invalid geometries),
kept with the admin's import runs of the dataset (see importers.selectors.area_mapping_for).
"""

import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from .errors import MappingError
from .readers.geometry import InvalidPolicy

TARGETS = ("source_id", "name_el", "name_en", "category", "periods", "wikidata", "pleiades")
REQUIRED = ("source_id", "name_el")
SECTIONS = {"fields", "categories", "periods", "options", "csv"}
OPTIONS = {"default_category", "periods_separator", "invalid"}
ID_GUESSES = ("source_id", "id", "kodikos", "κωδικός", "κωδικος", "code", "uid", "pleiades_id", "fid", "objectid")
NAME_GUESSES = ("name_el", "onoma", "όνομα", "ονομα", "name_gr", "name", "title", "τίτλος", "titlos")
NAME_EN_GUESSES = ("name_en", "name_eng", "english", "title_en")
AREA_TARGETS = ("source_id", "name_el", "name_en", "kind")
AREA_SECTIONS = {"fields", "options"}
KIND_GUESSES = ("kind", "zone", "zoni", "ζώνη", "ζωνη", "type", "typos", "τύπος", "τυπος", "category")


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

    def to_dict(self) -> dict:
        """JSON-ready, in the same sections as the TOML file."""
        data = asdict(self)
        options = {name: data.pop(name) for name in OPTIONS}
        return {**data, "options": options}

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
        return cls(
            fields=fields,
            categories={str(k): str(v) for k, v in data.get("categories", {}).items()},
            periods={str(k): str(v) for k, v in data.get("periods", {}).items()},
            default_category=str(options.get("default_category", "")),
            periods_separator=str(options.get("periods_separator", ";")) or ";",
            invalid=invalid,
            csv={str(k): str(v) for k, v in data.get("csv", {}).items() if v},
        )

    def check(self, *, source_fields: list[str], categories: set[str], periods: set[str], path=None) -> None:
        """Refuse a mapping that names fields the source lacks or slugs the vocabularies lack."""
        for target in REQUIRED:
            if target not in self.fields:
                raise MappingError(field_unnamed(target), path=path)
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


def mapping_guess(fields: list[str]) -> Mapping:
    """A starting mapping from common field names (id, name...), for the admin form."""
    guessed = {
        "source_id": _guess(fields, ID_GUESSES),
        "name_el": _guess(fields, NAME_GUESSES),
        "name_en": _guess(fields, NAME_EN_GUESSES),
    }
    for target in ("wikidata", "pleiades"):
        guessed[target] = _guess(fields, (target,))
    return Mapping(fields={target: source for target, source in guessed.items() if source})


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
