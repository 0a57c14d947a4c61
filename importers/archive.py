"""Load archive items (gis.ArchiveItem) from CSV (with a mapping), Dublin Core XML (``oai_dc`` records, an OAI-PMH
response, a zip of them) or EDM RDF/XML (a file or a zip), keyed on (dataset, source id): all or nothing, with a dry
run, progress and history, the same way places and routes are loaded.

Every record is checked before anything is written: an empty or repeated id or a record without a title is
rejected (reported); a rights value outside the vocabulary (gis.vocabularies.RIGHTS) or a CSV date that is not a
date makes the whole import fail with a message naming the file and the record, and nothing is written. A
re-import of an unchanged file writes nothing: an item is written only when its values, names, date, type, rights,
datestamp or withdrawal differ. An OAI-PMH record's sets put its item into collections of the municipality
(``importers.archive_sets``), and an EDM record's place coordinates its location while the location is the
import's (empty, or the point the import last set): an editor's is never moved; coordinates that cannot be a
place (outside -90..90 / -180..180, or 0,0) are noted with the record's id and the item imported without them.
Items of the dataset that the file no longer has, and OAI-PMH records marked
deleted, are withdrawn (never deleted). Items go into one municipality (the import's).
"""

import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from gis.archive_services import dc_derived, dc_rights_unknown, dc_values_rows
from gis.models import ArchiveItem, ArchiveValue, Dataset, Municipality
from gis.signals import public_data_changed

from .archive_sets import SetNames, archive_sets_apply
from .errors import ImporterError
from .history import import_run_record
from .keys import source_id_refusal
from .models import ImportRun
from .readers.archive_csv import CsvMapping, CsvSource
from .readers.dc import ArchiveRecord, XmlSource
from .report import ImportReport
from .services import import_scope
from .targets import Progress

FORMATS = ("csv", "dc", "edm")
BATCH = 1000
IMPORTED_LOCATION = "imported_location"  # source_attributes: the [lon, lat] the import last set as the location
DERIVED = ("name_el", "name_en", "date_text", "date_from", "date_to", "dc_type", "rights")


class ArchiveInputError(ImporterError):
    """Values that cannot be imported (unknown rights, a bad date): the import fails and writes nothing."""


def _datestamp(text: str):
    """An OAI-PMH datestamp (day or second granularity, UTC) as an aware datetime, or None."""
    if not text:
        return None
    value = parse_datetime(text)
    if value is None and (day := parse_date(text)) is not None:
        value = datetime(day.year, day.month, day.day, tzinfo=UTC)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _records(path: Path, *, shown: str, format: str, mapping: CsvMapping | None, report: ImportReport):
    """The records of the file as a list, and the reader (for its problems)."""
    if format == "csv" or (not format and path.suffix.lower() == ".csv"):
        if mapping is None:
            raise ImporterError(_("a CSV file needs a mapping (its id column and Dublin Core columns)"), path=shown)
        source = CsvSource(path, shown, mapping)
        records = list(source.records())
        report.unit = "row"
        report.source = {"format": "CSV", "rows": source.rows, "records": len(records)}
        for row, field, message in source.problems:
            if field != mapping.id:
                raise ArchiveInputError(message, path=shown, row=row, field=field)
            report.reject(feature=row, field=field, reason=message)
        return records
    xml = XmlSource(path, shown)
    records = list(xml.records())
    report.source = {"format": "XML", "documents": xml.documents, "records": len(records)}
    for member, reason in xml.broken:
        report.reject(feature=0, field=member, reason=reason)
    return records


def _where(record: ArchiveRecord, shown: str) -> str:
    return f"{shown}/{record.member}" if record.member else shown


def archive_records_checked(
    records: Iterable[ArchiveRecord], *, shown: str, report: ImportReport, unknown_rights_rejected: bool = False
) -> list[ArchiveRecord]:
    """The records that can be written; rejections reported; unknown rights raise ArchiveInputError (a file: it
    fails whole), or with ``unknown_rights_rejected`` reject that record only (a harvest: the repository's record
    cannot be corrected here, and failing its page would stop every later harvest at it)."""
    kept: list[ArchiveRecord] = []
    seen: set[str] = set()
    for record in records:
        reason = source_id_refusal(record.source_id, seen=seen)
        if not reason and not record.deleted and not any(element == "title" for element, _v, _l in record.values):
            reason = _("no title")
        if reason:
            report.reject(feature=record.number, field="", reason=reason, source_id=record.source_id[:50])
            continue
        unknown = dc_rights_unknown(record.values)
        if unknown:
            message = _(
                "record %(id)s: unknown rights '%(rights)s' (use a Creative Commons or RightsStatements.org "
                "URI or name, e.g. CC BY 4.0)"
            ) % {"id": record.source_id, "rights": unknown[0][:200]}
            if unknown_rights_rejected:
                report.reject(feature=record.number, field="rights", reason=message, source_id=record.source_id[:50])
                continue
            raise ArchiveInputError(message, path=_where(record, shown), feature=record.number, field="rights")
        if record.location_refused:  # the record is kept, without the location
            reason = _("record %(id)s: its place's coordinates were not taken: %(reason)s") % {
                "id": record.source_id,
                "reason": record.location_refused,
            }
            report.note(feature=record.number, field="location", reason=reason, source_id=record.source_id[:50])
        seen.add(record.source_id)
        kept.append(record)
    return kept


def _same_point(location, lon_lat) -> bool:
    return location.geom_type == "Point" and abs(location.x - lon_lat[0]) < 1e-9 and abs(location.y - lon_lat[1]) < 1e-9


def _location_update(item: ArchiveItem, record: ArchiveRecord) -> bool:
    """Give ``item`` the point of its record's EDM place when the location is the import's: empty, or the point
    the import last set (``source_attributes["imported_location"]``); an editor's location (any other) is left
    alone. True when the item changed."""
    recorded = item.source_attributes.get(IMPORTED_LOCATION)
    if item.location is not None and not (recorded and _same_point(item.location, recorded)):
        return False  # an editor's
    wanted = list(record.location) if record.location else None
    if wanted is None:
        if item.location is None:
            return False
        item.location = None  # the source no longer places it where the import had
        item.source_attributes = {k: v for k, v in item.source_attributes.items() if k != IMPORTED_LOCATION}
        return True
    if item.location is not None and _same_point(item.location, wanted) and recorded == wanted:
        return False
    item.location = Point(wanted[0], wanted[1], srid=4326)
    item.source_attributes = {**item.source_attributes, IMPORTED_LOCATION: wanted}
    return True


def _wanted(record: ArchiveRecord, municipality: Municipality) -> dict:
    return {
        **dc_derived(record.values),
        "municipality_id": municipality.pk,
        "harvested_at": _datestamp(record.datestamp),
        "withdrawn": False,
    }


def _existing_values(dataset: Dataset, *, ids: list[int] | None = None) -> dict[int, list[tuple]]:
    """Each of the dataset's items' values (or only those of the items ``ids``) as (element, value, language,
    position), in order."""
    values: dict[int, list[tuple]] = {}
    rows = ArchiveValue.objects.filter(item__dataset=dataset)
    if ids is not None:
        rows = rows.filter(item_id__in=ids)
    rows = rows.order_by("item_id", "element", "position")
    for item_id, element, value, language, position in rows.values_list(
        "item_id", "element", "value", "language", "position"
    ):
        values.setdefault(item_id, []).append((element, value, language, position))
    return values


def _as_tuples(rows: list[ArchiveValue]) -> list[tuple]:
    return sorted((row.element, row.value, row.language, row.position) for row in rows)


@transaction.atomic
def archive_import(
    *,
    path: str | Path,
    dataset: Dataset,
    municipality: Municipality | None = None,
    format: str = "",
    mapping: CsvMapping | None = None,
    user=None,
    dry_run: bool = False,
    progress: Progress | None = None,
    display_name: str | None = None,
    run: ImportRun | None = None,
    history: bool = True,
) -> ImportReport:
    """Archive items of ``path`` into ``dataset`` and ``municipality`` (``format``: csv, dc or edm; default from
    the file: .csv is CSV, anything else XML of either kind), keyed on (dataset, source id): created, updated,
    unchanged (not written), withdrawn (deleted OAI-PMH records, and items missing from the file). All or nothing;
    a ``dry_run`` reports the same and changes nothing. ``history=False`` records no run in the import history
    (the demo's own load)."""
    started = time.monotonic()
    tell = progress or (lambda stage, done, total: None)
    resolved = Path(str(path))
    shown = display_name or resolved.name
    if format and format not in FORMATS:
        raise ImporterError(
            _("unknown format %(format)s; use %(formats)s") % {"format": format, "formats": ", ".join(FORMATS)},
            path=shown,
        )
    scope = import_scope(user=user, municipality=municipality)
    if scope.target is None:
        raise ImporterError(_("name the municipality the archive items belong to"), path=shown)
    keeper = Municipality.objects.get(pk=scope.target)
    report = ImportReport(
        dataset=dataset.slug,
        file=shown,
        dry_run=dry_run,
        mapping={"format": format, "csv": mapping.to_dict() if mapping else {}},
        counts={"read": 0, "create": 0, "update": 0, "unchanged": 0, "withdraw": 0, "rejected": 0},
    )
    tell("read", 0, 1)
    records = archive_records_checked(
        _records(resolved, shown=shown, format=format, mapping=mapping, report=report), shown=shown, report=report
    )
    report.counts["read"] = len(records)
    archive_records_write(records=records, dataset=dataset, municipality=keeper, report=report, tell=tell)
    seen = {record.source_id for record in records}
    gone = ArchiveItem.objects.filter(dataset=dataset, withdrawn=False).exclude(source_id__in=seen)
    listed = max(0, 200 - len(report.withdrawn))
    report.withdrawn += [{"source_id": i.source_id, "name_el": i.name_el} for i in gone.order_by("source_id")[:listed]]
    report.counts["withdraw"] += gone.update(withdrawn=True, updated_at=timezone.now())
    report.seconds = round(time.monotonic() - started, 2)
    if dry_run:
        transaction.set_rollback(True)
        return report
    tell("done", len(records), len(records))
    if not history:
        public_data_changed.send(sender=__name__)  # as import_run_record does
        return report
    import_run_record(
        report,
        run=run,
        kind=ImportRun.Kind.ARCHIVE,
        dataset=dataset,
        user=user,
        municipality=keeper,
        options={"format": format},
    )
    return report


def archive_records_write(
    *,
    records: list[ArchiveRecord],
    dataset: Dataset,
    municipality: Municipality,
    report: ImportReport,
    tell: Progress,
    only_these: bool = False,
    set_names: SetNames | None = None,
) -> None:
    """Write checked ``records`` (see ``archive_records_checked``) as items of ``dataset`` in ``municipality``:
    create, update what differs, withdraw deleted records, leave the rest unwritten; counted in ``report``; then
    their OAI-PMH sets as collections (``importers.archive_sets``; ``set_names`` gives the repository's set names).
    The caller holds the transaction. ``only_these`` compares with the records' own items only (a harvest's page)
    instead of loading the whole dataset (a file)."""
    items = ArchiveItem.objects.filter(dataset=dataset)
    if only_these:
        items = items.filter(source_id__in=[record.source_id for record in records])
    existing = {item.source_id: item for item in items}
    values = _existing_values(dataset, ids=[item.pk for item in existing.values()] if only_these else None)
    new_items: list[ArchiveItem] = []
    new_values: dict[str, list] = {}
    changed: list[ArchiveItem] = []
    replaced: list[tuple] = []
    every = max(1, len(records) // 100)  # the progress bar moves by each percent
    for done, record in enumerate(records, start=1):
        if done % every == 0:
            tell("compare", done, len(records))
        item = existing.get(record.source_id)
        if record.deleted:  # withdrawn, never deleted; nothing to do for one never imported or already withdrawn
            if item is None or item.withdrawn:
                report.counts["unchanged"] += 1
            else:
                item.withdrawn, item.harvested_at = True, _datestamp(record.datestamp) or item.harvested_at
                changed.append(item)
                report.counts["withdraw"] += 1
                if len(report.withdrawn) < 200:
                    report.withdrawn.append({"source_id": item.source_id, "name_el": item.name_el})
            continue
        wanted = _wanted(record, municipality)
        if item is None:
            item = ArchiveItem(dataset=dataset, source_id=record.source_id, **wanted)
            _location_update(item, record)
            new_items.append(item)
            new_values[record.source_id] = record.values
            report.counts["create"] += 1
            if len(report.created) < 200:
                report.created.append(
                    {"feature": record.number, "source_id": record.source_id, "name_el": item.name_el}
                )
            continue
        rows = dc_values_rows(item_id=item.pk, values=record.values)
        fields = [key for key, value in wanted.items() if getattr(item, key) != value]
        for key in fields:
            setattr(item, key, wanted[key])
        if _location_update(item, record):
            fields.append("location")
        same_values = _as_tuples(rows) == sorted(values.get(item.pk, []))
        if not fields and same_values:
            report.counts["unchanged"] += 1
            continue
        changed.append(item)
        if not same_values:
            replaced.append((item, rows))
        report.counts["update"] += 1
        if len(report.updated) < 200:
            report.updated.append(
                {"feature": record.number, "source_id": record.source_id, "changed": fields or ["values"]}
            )
    _write(new_items, new_values, changed, replaced, tell=tell)
    saved = {**existing, **{item.source_id: item for item in new_items}}
    sets = archive_sets_apply(records=records, items=saved, municipality=municipality, names=set_names)
    for key, value in sets.items():  # shown with the source's counts: "3 collections created, 12 set memberships..."
        if value:
            report.source[key] = report.source.get(key, 0) + value


def _write(new_items, new_values, changed, replaced, *, tell) -> None:
    """Stage 3, set-based: new items and their values, changed items' fields, replaced values."""
    total = len(new_items) + len(changed)
    now = timezone.now()
    step = min(BATCH, max(100, total // 20))  # at least twenty steps of the bar for a large file
    for start in range(0, len(new_items), step):
        batch = ArchiveItem.objects.bulk_create(new_items[start : start + step])
        rows = [row for item in batch for row in dc_values_rows(item_id=item.pk, values=new_values[item.source_id])]
        ArchiveValue.objects.bulk_create(rows, batch_size=BATCH)
        tell("write", start + len(batch), total)
    if changed:
        for item in changed:
            item.updated_at = now
        fields = [*DERIVED, "municipality", "harvested_at", "withdrawn", "location", "source_attributes", "updated_at"]
        ArchiveItem.objects.bulk_update(changed, fields, batch_size=BATCH)
    if replaced:
        ArchiveValue.objects.filter(item__in=[item for item, _rows in replaced]).delete()
        ArchiveValue.objects.bulk_create([row for _item, rows in replaced for row in rows], batch_size=BATCH)
    tell("write", total, total)
