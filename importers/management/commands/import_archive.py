"""manage.py import_archive: load archive items from CSV (with a mapping), Dublin Core XML or EDM RDF/XML."""

import tomllib
from pathlib import Path

from django.core.management.base import CommandError, CommandParser, no_translations

from importers.archive import FORMATS, archive_import
from importers.errors import MappingError
from importers.readers.archive_csv import CsvMapping

from ..importing import ImportCommand


def csv_mapping(path: str) -> CsvMapping:
    """The CSV mapping of a TOML file (importers.readers.archive_csv)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CommandError(f"{path}: cannot be read as a TOML mapping: {error}") from error
    try:
        return CsvMapping.from_dict(data, shown=Path(path).name)
    except MappingError as error:
        raise CommandError(str(error)) from error


class Command(ImportCommand):
    help = (
        "Import archive items into DATASET and a municipality, keyed on the source id: from a CSV file with a TOML "
        "mapping (--mapping; long exports grouped by the id), Dublin Core XML (oai_dc records, an OAI-PMH response, "
        "or a zip of them) or EDM RDF/XML (a file or a zip). Creates, updates, leaves unchanged, withdraws what is "
        "missing or deleted; all or nothing."
    )
    path_help = "the file (.csv, .xml, or a .zip of XML files)"
    dataset_help = "dataset slug, e.g. athens-archive"

    def add_kind_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=FORMATS, help="csv, dc or edm (default: from the file)")
        parser.add_argument("--mapping", help="TOML file mapping a CSV file's columns (required for CSV)")

    @no_translations  # the command line speaks English; the admin speaks its user's language
    def handle(self, *args, **options) -> None:
        municipality = self.municipality(options)
        mapping = csv_mapping(options["mapping"]) if options["mapping"] else None
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        self.run(
            lambda progress: archive_import(
                path=path,
                dataset=self.dataset(options),
                municipality=municipality,
                format=options["format"] or "",
                mapping=mapping,
                dry_run=options["dry_run"],
                progress=progress,
            )
        )
