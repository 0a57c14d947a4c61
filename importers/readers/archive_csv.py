"""Archive metadata in CSV, with a mapping, read into ``ArchiveRecord``s (importers.readers.dc). No database.

The mapping (a TOML file on the command line) names the column holding each record's id and, for a wide file,
the column of each Dublin Core element; a long-format export (one object over several rows, as the National
Gallery's ``objects_historical_data.csv``) names the column saying what each row holds, the column of its value and
of its order, and which DC element each kind of row is. Rows are grouped by the id (in any order); fields may hold
newlines (Python's csv module reads quoted fields whole). ``constants`` give every record a value (its rights, its
publisher), ``untitled`` the title of a record without one (``{id}`` is replaced by its id)::

    id = "objectid"
    untitled = "National Gallery of Art, object {id}"
    [long]
    kind = "datatype"
    value = "forwardtext"
    order = "displayorder"
    [long.elements]
    previous_title = "title"
    previous_attribution = "creator"
    [constants]
    rights = "CC0 1.0"
    publisher = "National Gallery of Art, Washington"
"""

import csv
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from gis.archive import DC_ELEMENTS
from gis.archive_dates import date_interval

from ..errors import MappingError, UnreadableFile
from .dc import ArchiveRecord

# A date field of only digits and separators that the date parser does not understand is an error, not a text.
DATE_LIKE = re.compile(r"^[\d\s/.\-\u2013]+$")


@dataclass(frozen=True)
class CsvMapping:
    """How a CSV file's columns become records (see the module)."""

    id: str
    fields: dict[str, str] = field(default_factory=dict)  # DC element -> column (wide files)
    languages: dict[str, str] = field(default_factory=dict)  # DC element -> language of its column's values
    long_kind: str = ""
    long_value: str = ""
    long_order: str = ""
    long_elements: dict[str, str] = field(default_factory=dict)  # row kind -> DC element
    constants: dict[str, str] = field(default_factory=dict)  # DC element -> value
    untitled: str = ""

    @classmethod
    def from_dict(cls, data: dict, *, shown: str = "") -> "CsvMapping":
        """The mapping of a TOML document's tables; a MappingError names what does not fit."""
        long = data.get("long", {})
        mapping = cls(
            id=str(data.get("id", "")),
            fields=dict(data.get("fields", {})),
            languages=dict(data.get("languages", {})),
            long_kind=str(long.get("kind", "")),
            long_value=str(long.get("value", "")),
            long_order=str(long.get("order", "")),
            long_elements=dict(long.get("elements", {})),
            constants=dict(data.get("constants", {})),
            untitled=str(data.get("untitled", "")),
        )
        if not mapping.id:
            raise MappingError(_('the mapping names no id column (id = "...")'), path=shown)
        unknown = sorted(
            {*mapping.fields, *mapping.constants, *mapping.long_elements.values(), *mapping.languages}
            - set(DC_ELEMENTS)
        )
        if unknown:
            message = _("not Dublin Core elements: %(names)s; use %(elements)s")
            raise MappingError(message % {"names": ", ".join(unknown), "elements": ", ".join(DC_ELEMENTS)}, path=shown)
        if bool(mapping.long_kind) != bool(mapping.long_value):
            raise MappingError(_("a long-format mapping names both [long] kind and value"), path=shown)
        return mapping

    def to_dict(self) -> dict:
        """The mapping as its TOML document's tables (``from_dict`` reads it back)."""
        long = {"kind": self.long_kind, "value": self.long_value, "order": self.long_order}
        return {
            "id": self.id,
            "fields": dict(self.fields),
            "languages": dict(self.languages),
            "long": {**long, "elements": dict(self.long_elements)} if self.long_kind else {},
            "constants": dict(self.constants),
            "untitled": self.untitled,
        }

    def columns(self) -> list[str]:
        """Every column the mapping reads."""
        named = [self.id, *self.fields.values(), self.long_kind, self.long_value, self.long_order]
        return [name for name in named if name]


@dataclass
class CsvSource:
    """The records of a CSV file read with ``mapping``; ``problems`` (row, field, message) are the rows whose values
    cannot be used (a bad date), which make the import fail."""

    path: Path
    shown: str
    mapping: CsvMapping
    rows: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)

    def records(self) -> Iterator[ArchiveRecord]:
        """One record per id, in the order ids first appear; values of long rows in their ``order``."""
        grouped: dict[str, list[tuple[float, int, str, str, str]]] = {}
        first_row: dict[str, int] = {}
        try:
            with self.path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                missing = [c for c in self.mapping.columns() if c not in (reader.fieldnames or [])]
                if missing:
                    message = _("no column %(names)s; the columns are: %(columns)s")
                    names = ", ".join(missing)
                    raise MappingError(
                        message % {"names": names, "columns": ", ".join(reader.fieldnames or [])}, path=self.shown
                    )
                for row_number, row in enumerate(reader, start=1):
                    self.rows = row_number
                    self._row(row_number, row, grouped, first_row)
        except (UnicodeDecodeError, csv.Error) as error:
            raise UnreadableFile(
                _("cannot be read as UTF-8 CSV: %(error)s") % {"error": error}, path=self.shown
            ) from error
        for source_id, entries in grouped.items():
            entries.sort(key=lambda entry: (entry[0], entry[1]))
            values = [(element, value, language) for _o, _r, element, value, language in entries]
            values += [(element, value, "") for element, value in self.mapping.constants.items()]
            if self.mapping.untitled and not any(element == "title" for element, _v, _l in values):
                values.insert(0, ("title", self.mapping.untitled.replace("{id}", source_id), ""))
            yield ArchiveRecord(number=first_row[source_id], source_id=source_id, values=values)

    def _row(self, number: int, row: dict, grouped: dict, first_row: dict) -> None:
        mapping = self.mapping
        source_id = (row.get(mapping.id) or "").strip()
        if not source_id:
            self.problems.append((number, mapping.id, _("empty id")))
            return
        first_row.setdefault(source_id, number)
        entries = grouped.setdefault(source_id, [])
        wide = [(element, row.get(column) or "") for element, column in mapping.fields.items()]
        if mapping.long_kind:
            element = mapping.long_elements.get((row.get(mapping.long_kind) or "").strip(), "")
            if element:
                wide.append((element, row.get(mapping.long_value) or ""))
        try:
            order = float(row.get(mapping.long_order) or 0) if mapping.long_order else 0.0
        except ValueError:
            order = 0.0
        for element, raw in wide:
            value = raw.strip()
            if not value:
                continue
            if element == "date" and DATE_LIKE.match(value) and date_interval(value) is None:
                self.problems.append((number, element, _("'%(value)s' is not a date") % {"value": value}))
                continue
            entries.append((order, number, element, value, mapping.languages.get(element, "")))


# Column names (lower case, without accents) that say which DC element a column holds; a long file's kind values
# are matched by the same words anywhere in them ("previous_attribution" is a creator).
ELEMENT_NAMES = {
    "title": ("title", "τιτλος", "titlos", "name", "ονομα", "ονομασια"),
    "creator": ("creator", "δημιουργος", "author", "artist", "καλλιτεχνης", "συγγραφεας", "attribution", "maker"),
    "subject": ("subject", "θεμα", "keywords", "λεξεις κλειδια", "tags"),
    "description": ("description", "περιγραφη", "notes", "σημειωσεις"),
    "publisher": ("publisher", "εκδοτης"),
    "contributor": ("contributor", "συντελεστης"),
    "date": ("date", "ημερομηνια", "year", "ετος", "χρονολογια"),
    "type": ("type", "τυπος", "object type", "classification"),
    "format": ("format", "μορφη", "medium", "υλικο", "dimensions", "διαστασεις"),
    "identifier": ("identifier", "accession number", "αριθμος ευρετηριου", "url", "uri"),
    "source": ("source", "πηγη", "provenance", "προελευση"),
    "language": ("language", "γλωσσα", "lang"),
    "relation": ("relation", "σχεση"),
    "coverage": ("coverage", "place", "τοπος", "location", "τοποθεσια", "spatial", "temporal", "period"),
    "rights": ("rights", "δικαιωματα", "licence", "license", "αδεια"),
}
ID_NAMES = ("id", "objectid", "object id", "object_id", "κωδικος", "αα", "record id", "recordid", "identifier")
KIND_NAMES = ("datatype", "kind", "field", "element", "property", "ειδος", "πεδιο")
VALUE_NAMES = ("value", "forwardtext", "text", "τιμη", "κειμενο")
ORDER_NAMES = ("order", "displayorder", "position", "sort", "σειρα")
LANGUAGE_SUFFIX = re.compile(r"[\s_(\[-]+(el|en)[)\]]?$")


def _plain(name: str) -> str:
    """``name`` in lower case without accents, its separators as spaces."""
    decomposed = unicodedata.normalize("NFD", name.strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).replace("_", " ").split())


def _named(columns: list[str], names: tuple[str, ...]) -> str:
    return next((column for column in columns if _plain(column) in {_plain(n) for n in names}), "")


def element_guess(text: str, *, anywhere: bool = False) -> str:
    """The DC element a column name (or, ``anywhere``, a long file's kind value) names, or ""."""
    plain = _plain(LANGUAGE_SUFFIX.sub("", text.strip()))
    for element, names in ELEMENT_NAMES.items():
        if plain in names or (anywhere and any(name in plain.split() for name in names)):
            return element
    return ""


def csv_mapping_guess(columns: list[str], *, values: dict[str, list[str]]) -> CsvMapping:
    """A first mapping of a CSV file from its column names (Greek or English) and the distinct values of its
    few-valued columns (``values``): its id column, and either a long format (a kind column whose values name DC
    elements, with a value column) or a column per DC element, each with the language its name ends in."""
    id_column = _named(columns, ID_NAMES) or next((c for c in columns if _plain(c).endswith("id")), "")
    kinds = [c for c in columns if _plain(c) in KIND_NAMES]
    kind = next((c for c in kinds if any(element_guess(v, anywhere=True) for v in values.get(c, []))), "")
    value = _named(columns, VALUE_NAMES)
    if kind and value:
        elements = {v: element_guess(v, anywhere=True) for v in values.get(kind, [])}
        return CsvMapping(
            id=id_column,
            long_kind=kind,
            long_value=value,
            long_order=_named(columns, ORDER_NAMES),
            long_elements={v: element for v, element in elements.items() if element},
        )
    fields: dict[str, str] = {}
    languages: dict[str, str] = {}
    for column in columns:
        element = element_guess(column)
        if element and element not in fields and (column != id_column or element == "identifier"):
            fields[element] = column
            if found := LANGUAGE_SUFFIX.search(column.strip().lower()):
                languages[element] = found.group(1)
    return CsvMapping(id=id_column, fields=fields, languages=languages)
