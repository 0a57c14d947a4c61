"""What an archive metadata file holds, read once for the admin's source page (the archive target's inspection): its
format (CSV; Dublin Core: ``oai_dc`` records or an OAI-PMH response; EDM RDF/XML), how many records or rows, a
CSV's columns, first rows and the distinct values of its few-valued columns (a long-format file's "kind" column),
an XML file's first records. No database.

A file that cannot be imported is refused here, naming the file (the member of a zip, the line of a CSV): broken
XML, XML with a DTD or entities (an entity bomb), a CSV that is not UTF-8.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from ..errors import UnreadableFile, UnsafeInput
from ..targets import Inspection, InspectJob
from .dc import XmlSource

FIRST_ROWS = 10  # a CSV's first rows shown
FIRST_RECORDS = 10  # an XML file's first records shown
FEW_VALUES = 30  # a column with at most this many distinct values (repeated) lists them, to map a long file's kinds
FORMAT_LABELS = {"oai-pmh": "OAI-PMH (Dublin Core)", "dc": "Dublin Core (oai_dc)", "edm": "EDM (RDF/XML)"}


def _lines(path: Path, *, shown: str) -> Iterator[str]:
    """The file's lines decoded as UTF-8 (a byte order mark dropped); a line that is not UTF-8 is named."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                message = _("line %(line)s is not UTF-8 (%(error)s); save the file as UTF-8 CSV")
                raise UnreadableFile(message % {"line": number, "error": error.reason}, path=shown) from error
            yield line.removeprefix("\ufeff") if number == 1 else line


def csv_inspect(path: Path, *, shown: str) -> Inspection:
    """A CSV file's columns, row count, first rows and few-valued columns' values."""
    reader = csv.reader(_lines(path, shown=shown))
    try:
        columns = next(reader, [])
        if not [name for name in columns if name.strip()]:
            raise UnreadableFile(_("the CSV file has no header row"), path=shown)
        rows: list[list[str]] = []
        values: dict[str, set[str]] = {name: set() for name in columns}
        count = 0
        for count, row in enumerate(reader, start=1):  # noqa: B007 (the count is used after the loop)
            if len(rows) < FIRST_ROWS:
                rows.append(row)
            for name, value in zip(columns, row, strict=False):
                seen = values.get(name)
                if seen is not None:
                    seen.add(value.strip())
                    if len(seen) > FEW_VALUES:
                        del values[name]
    except csv.Error as error:
        message = _("cannot be read as CSV at line %(line)s: %(error)s")
        raise UnreadableFile(message % {"line": reader.line_num, "error": error}, path=shown) from error
    # a column whose values repeat (each at least twice on average), as a long file's kind column does
    few = {name: sorted(found - {""}) for name, found in values.items() if found - {""} and 2 * len(found) <= count}
    info = {"format": "CSV", "archive_format": "csv", "records": count, "rows": count, "fields": columns}
    return {**info, "values": few}, {"rows": [columns, *rows]}


def xml_inspect(path: Path, *, shown: str) -> Inspection:
    """An XML file's (or an unpacked zip's XML files') kind, record count and first records' ids and titles."""
    source = XmlSource(path, shown)
    first: list[list[str]] = []
    count = deleted = 0
    for record in source.records():
        count += 1
        deleted += record.deleted
        if len(first) < FIRST_RECORDS:
            title = next((value for element, value, _language in record.values if element == "title"), "")
            first.append([record.source_id, title, record.member])
    if source.broken:
        member, reason = source.broken[0]
        raise UnreadableFile(reason, path=f"{shown}/{member}")
    if not source.documents:
        raise UnreadableFile(_("the zip holds no XML file (.xml or .rdf)"), path=shown)
    kinds = sorted(source.kinds - {""})
    info: dict[str, object] = {
        "format": ", ".join(FORMAT_LABELS[kind] for kind in kinds),
        "archive_format": "edm" if kinds == ["edm"] else "dc",
        "records": count,
        "deleted": deleted,
        "documents": source.documents,
        "fields": [],
    }
    return info, {"records": first}


def archive_inspect(job: InspectJob) -> Inspection:
    """The archive target's inspection of an upload (a .csv, .xml or .rdf file, or the folder of a zip's XML
    files): the facts the source page shows and the first rows or records."""
    path, shown = job.path, job.display_name
    if path.is_symlink() or not path.exists():
        raise UnsafeInput(_("no such file"), path=shown)
    if path.is_file() and path.suffix.lower() == ".csv":
        info, preview = csv_inspect(path, shown=shown)
    else:
        info, preview = xml_inspect(path, shown=shown)
    return {**info, "notes": list(job.notes)}, preview
