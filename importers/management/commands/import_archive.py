"""manage.py import_archive: load archive items from CSV (with a mapping), Dublin Core XML or EDM RDF/XML, or harvest
them from an OAI-PMH repository (an http(s) base URL)."""

import tomllib
from pathlib import Path

from django.core.management.base import CommandError, CommandParser, no_translations

from importers.archive import FORMATS, archive_import
from importers.archive_harvest import archive_harvest
from importers.errors import MappingError
from importers.models import HarvestSource
from importers.oai import HarvestPage
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
        "or a zip of them) or EDM RDF/XML (a file or a zip); or harvest an OAI-PMH repository (an http(s) base URL, "
        "--format oai): page by page, incrementally from the last harvest, resumable. Creates, updates, leaves "
        "unchanged, withdraws what is missing (a file) or deleted; a file all or nothing, a harvest page by page."
    )
    path_help = "the file (.csv, .xml, or a .zip of XML files), or an OAI-PMH base URL (http or https)"
    dataset_help = "dataset slug, e.g. athens-archive"

    def add_kind_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--format", choices=[*FORMATS, "oai"], help="csv, dc, edm or oai (default: from the file; oai for a URL)"
        )
        parser.add_argument("--mapping", help="TOML file mapping a CSV file's columns (required for CSV)")
        parser.add_argument("--set", dest="set_spec", default="", help="OAI-PMH: harvest only this set (setSpec)")
        parser.add_argument("--metadata-prefix", default="oai_dc", help="OAI-PMH: the metadata format (oai_dc)")
        parser.add_argument("--from", dest="from_", help="OAI-PMH: records changed since (default: the last harvest)")
        parser.add_argument("--until", help="OAI-PMH: records changed until this datestamp")
        parser.add_argument("--restart", action="store_true", help="OAI-PMH: drop an unfinished harvest's token")

    @no_translations  # the command line speaks English; the admin speaks its user's language
    def handle(self, *args, **options) -> None:
        municipality = self.municipality(options)
        target = options["path"]
        is_url = target.lower().startswith(("http://", "https://"))
        if options["format"] == "oai" or is_url:
            if not is_url or options["format"] not in (None, "oai"):
                raise CommandError(f"{target}: an OAI-PMH harvest needs an http or https base URL and --format oai")
            return self.harvest(target, municipality, options)
        if options["set_spec"] or options["from_"] or options["until"] or options["restart"]:
            raise CommandError("--set, --from, --until and --restart are for an OAI-PMH harvest (a URL)")
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

    def harvest(self, base_url: str, municipality, options: dict) -> None:
        """Harvest ``base_url`` into the dataset (see importers.archive_harvest), a line of progress per page."""
        if municipality is None:
            raise CommandError("name the municipality the harvested items belong to (--municipality)")
        dataset = self.dataset(options)
        source, _new = HarvestSource.objects.get_or_create(
            dataset=dataset,
            base_url=base_url,
            set_spec=options["set_spec"],
            metadata_prefix=options["metadata_prefix"],
            defaults={"municipality": municipality},
        )
        if source.municipality_id != municipality.pk:
            raise CommandError(
                f"{base_url}: this dataset's harvest of it belongs to {source.municipality}, not {municipality}"
            )
        if source.unfinished and not (options["restart"] or options["from_"] or options["until"]):
            self.stdout.write(f"Resuming the unfinished harvest after page {source.pages_done}.")

        def page_done(page: HarvestPage, harvested: HarvestSource) -> None:
            size = f" of {page.complete_list_size}" if page.complete_list_size is not None else ""
            self.stdout.write(f"page {harvested.pages_done}, {harvested.records_done}{size} records")
            self.stdout.flush()

        self.run(
            lambda _progress: archive_harvest(
                source=source,
                dry_run=options["dry_run"],
                from_=options["from_"],
                until=options["until"],
                restart=options["restart"],
                progress=page_done,
            )
        )
