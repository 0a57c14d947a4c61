"""An OAI-PMH harvest of a ``HarvestSource`` into archive items: ``importers.harvest.harvest`` pages the list and
resumes; each page's records are checked and written by the same two calls as a file import
(``archive_records_checked``, ``archive_records_write``), in the page's transaction. Deleted records are
withdrawn; a record whose rights are outside the vocabulary is rejected (reported with its id), not the whole
page, since the repository's record cannot be corrected here; an item's ``harvested_at`` is its header's datestamp;
a harvest that wrote something is a run in the import history. A record's sets put its item into collections
(``importers.archive_sets``), named by the repository's ListSets, fetched once per harvest when a set is new.
A dry run harvests the whole list inside one transaction that is rolled back: nothing is written and the source's
stored datestamp and token do not move.
"""

import time
from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from .archive import archive_records_checked, archive_records_write
from .errors import ImporterError
from .harvest import harvest
from .history import import_run_record
from .models import HarvestSource, ImportRun
from .oai import HarvestedRecord, HarvestPage, OAIClient, OAIError, list_sets
from .readers.dc import ArchiveRecord, dc_values
from .report import ImportReport
from .services import import_scope

PageProgress = Callable[[HarvestPage, HarvestSource], None]


def harvested_as_archive(records: list[HarvestedRecord], *, start: int) -> list[ArchiveRecord]:
    """The page's records as the archive reader gives a file's: keyed on the header's identifier, the Dublin Core
    values of their metadata (none for a deleted record), numbered from ``start`` + 1 in harvest order."""
    return [
        ArchiveRecord(
            number=start + index,
            source_id=record.identifier,
            values=dc_values(record.metadata) if record.metadata is not None else [],
            datestamp=record.datestamp,
            sets=list(record.set_specs),
            deleted=record.deleted,
        )
        for index, record in enumerate(records, start=1)
    ]


def _set_names_once(source: HarvestSource, *, client: OAIClient | None) -> Callable[[], dict[str, str]]:
    """The repository's set names (setSpec -> setName) from ListSets, asked at most once per harvest and only when a
    record's set has no collection yet; a repository without sets (``noSetHierarchy``) gives none."""
    names: dict[str, str] | None = None

    def fetch() -> dict[str, str]:
        nonlocal names
        if names is None:
            try:
                if client is not None:
                    names = {found.spec: found.name for found in client.list_sets()}
                else:
                    names = {found.spec: found.name for found in list_sets(source.base_url)}
            except OAIError as error:
                if error.code != "noSetHierarchy":
                    raise
                names = {}
        return names

    return fetch


def harvest_report(source: HarvestSource, *, dry_run: bool) -> ImportReport:
    """An empty report for a harvest of ``source``."""
    return ImportReport(
        dataset=source.dataset.slug,
        file=source.base_url + (f" (set {source.set_spec})" if source.set_spec else ""),
        dry_run=dry_run,
        unit="record",
        source={"format": "OAI-PMH", "pages": 0, "records": 0},
        mapping={"format": "oai", "metadata_prefix": source.metadata_prefix, "set": source.set_spec},
        counts={"read": 0, "create": 0, "update": 0, "unchanged": 0, "withdraw": 0, "rejected": 0},
    )


def archive_harvest(
    *,
    source: HarvestSource,
    user=None,
    dry_run: bool = False,
    from_: str | None = None,
    until: str | None = None,
    restart: bool = False,
    progress: PageProgress | None = None,
    run: ImportRun | None = None,
    client: OAIClient | None = None,
) -> ImportReport:
    """Harvest ``source`` into archive items of its dataset and municipality (see the module); returns the report
    of the pages this call applied. Errors are ``ImporterError``s whose message starts with the page's URL; the
    pages before the error stay applied (not in a dry run) and the next call resumes after them."""
    started = time.monotonic()
    scope = import_scope(user=user, municipality=source.municipality)
    if scope.target != source.municipality_id:
        raise ImporterError(_("choose a municipality you edit"), path=source.base_url)
    report = harvest_report(source, dry_run=dry_run)
    set_names = _set_names_once(source, client=client)

    def apply_page(records: list[HarvestedRecord]) -> None:
        checked = archive_records_checked(
            harvested_as_archive(records, start=report.counts["read"] + report.counts["rejected"]),
            shown="",
            report=report,
            unknown_rights_rejected=True,
        )
        report.counts["read"] += len(checked)
        archive_records_write(
            records=checked,
            dataset=source.dataset,
            municipality=source.municipality,
            report=report,
            tell=lambda stage, done, total: None,
            only_these=True,
            set_names=set_names,
        )

    def page_done(page: HarvestPage, harvested: HarvestSource) -> None:
        report.source["pages"] += 1
        report.source["records"] += len(page.records)
        if page.complete_list_size is not None:
            report.source["complete_list_size"] = page.complete_list_size
        if progress is not None:
            progress(page, harvested)

    def work() -> None:
        harvest(
            source,
            apply_page=apply_page,
            progress=page_done,
            from_=from_,
            until=until,
            restart=restart,
            client=client,
        )

    if dry_run:
        with transaction.atomic():
            try:
                work()
            finally:
                transaction.set_rollback(True)
        source.refresh_from_db()
        report.seconds = round(time.monotonic() - started, 2)
        return report
    work()
    report.seconds = round(time.monotonic() - started, 2)
    written = any(report.counts[key] for key in ("create", "update", "withdraw", "rejected"))
    if written or run is not None:  # a harvest that found nothing new leaves no run (and writes nothing)
        import_run_record(
            report,
            run=run,
            kind=ImportRun.Kind.ARCHIVE,
            dataset=source.dataset,
            user=user,
            municipality=source.municipality,
            options={"format": "oai", "source": "harvest", "harvest_source": source.pk},
        )
    return report
