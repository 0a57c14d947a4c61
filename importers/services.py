"""Writes of the importers: load a file's places into a dataset (atomically), keep mappings and the history.

The command line and the admin call the same ``places_import``: a reader turns the file into records in batches,
``gis.bulk`` stages them with COPY and writes the differences in SQL, all in one transaction. A dry run does the
same work and rolls it back.
"""

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Locale

from gis import bulk
from gis.models import Category, Dataset, Municipality, Period
from gis.services import municipalities_editable_by
from gis.tasks import feature_cache_fill_task

from .errors import ImporterError
from .history import import_run_record
from .mapping import Mapping
from .matching import names_similar
from .models import ImportMapping, ImportRun
from .readers import source_open
from .readers.source import BATCH_SIZE
from .records import records_build
from .report import ImportReport

Progress = Callable[[str, int, int], None]  # (stage, done, total)
FAR_M = 10_000.0  # a feature this far (metres) outside the import's municipality is flagged


class NotAllowed(ImporterError):
    """The user may not import into this municipality or dataset."""


def import_scope(*, user, municipality: Municipality | None) -> bulk.Scope:
    """Which municipalities an import by ``user`` may touch (all for a superuser or the command line)."""
    if user is None or user.is_superuser:
        return bulk.Scope(municipality_ids=None, target=municipality.pk if municipality else None, far_m=FAR_M)
    allowed = [m.pk for m in municipalities_editable_by(user)]
    if municipality is None and len(allowed) == 1:
        municipality = Municipality.objects.get(pk=allowed[0])
    if municipality is None or municipality.pk not in allowed:
        raise NotAllowed(_("choose a municipality you edit"))
    return bulk.Scope(municipality_ids=allowed, target=municipality.pk, far_m=FAR_M)


def _vocabularies() -> tuple[set[str], set[str], int]:
    greek = Locale.objects.get(language_code="el")
    categories = set(Category.objects.filter(locale=greek).values_list("slug", flat=True))
    periods = set(Period.objects.filter(locale=greek).values_list("slug", flat=True))
    return categories, periods, greek.pk


def _possible_duplicates(nearby: list[dict]) -> list[dict]:
    """The new features whose names agree with an existing place's within bulk.NEAR_M metres (the nearest such
    place for each), for the report: a hint for the editor, not a merge."""
    found: dict[int, dict] = {}
    for pair in nearby:
        if pair["feature"] in found:
            continue
        if names_similar((pair["name_el"], pair["name_en"]), (pair["place_name_el"], pair["place_name_en"])):
            found[pair["feature"]] = {
                "feature": pair["feature"],
                "source_id": pair["source_id"],
                "name": pair["name_el"] or pair["name_en"],
                "place_uid": pair["place_uid"],
                "place_name": pair["place_name_el"] or pair["place_name_en"],
                "place_dataset": pair["place_dataset"],
                "distance_m": pair["distance_m"],
            }
    return list(found.values())


def _match_warnings(report: ImportReport, plan) -> None:
    """Say how many new features matched existing places by id, and what the import does with them."""
    rows, n = report.unit == "row", plan.counts.get("matched", 0)
    if n:
        matched = (
            ngettext(
                "%(n)s row has the Wikidata or Pleiades id of an existing place of the municipality",
                "%(n)s rows have the Wikidata or Pleiades id of an existing place of the municipality",
                n,
            )
            if rows
            else ngettext(
                "%(n)s feature has the Wikidata or Pleiades id of an existing place of the municipality",
                "%(n)s features have the Wikidata or Pleiades id of an existing place of the municipality",
                n,
            )
        ) % {"n": n}
        outcome = {
            "link": _("linked to that place (which gets only what it lacks), not imported again"),
            "create": _("imported as new places all the same"),
            "skip": _("skipped"),
        }[report.mapping.get("options", {}).get("matches", "link")]
        report.warnings.append(f"{matched}: {outcome}.")
    if report.possible_duplicates:
        n = len(report.possible_duplicates)
        report.warnings.append(
            ngettext(
                "%(n)s new place lies within %(m)s m of an existing place with a similar name: a duplicate?",
                "%(n)s new places lie within %(m)s m of an existing place with a similar name: duplicates?",
                n,
            )
            % {"n": n, "m": f"{bulk.NEAR_M:g}"}
        )


def _warnings(report: ImportReport, counts: dict[str, int], unknown_categories, unknown_periods, plan) -> None:
    rows = report.unit == "row"
    if counts["z_dropped"]:
        n = counts["z_dropped"]
        report.warnings.append(
            (
                ngettext("Z/M coordinates dropped from %(n)s row", "Z/M coordinates dropped from %(n)s rows", n)
                if rows
                else ngettext(
                    "Z/M coordinates dropped from %(n)s feature", "Z/M coordinates dropped from %(n)s features", n
                )
            )
            % {"n": n}
        )
    if counts["lines"]:
        n = counts["lines"]
        report.warnings.append(
            ngettext(
                "%(n)s line stored as a point on the line (places are points or areas)",
                "%(n)s lines stored as a point on the line (places are points or areas)",
                n,
            )
            % {"n": n}
        )
    if counts["multipoints"]:
        n = counts["multipoints"]
        report.warnings.append(
            ngettext("%(n)s multi-point stored as its centroid", "%(n)s multi-points stored as their centroid", n)
            % {"n": n}
        )
    for unknown, message in (
        (unknown_categories, _("category values not in the mapping, left unset: %(values)s")),
        (unknown_periods, _("period values not in the mapping, left unset: %(values)s")),
    ):
        if unknown:
            shown = ", ".join(f"'{value}' ({n})" for value, n in unknown.most_common(20))
            report.warnings.append(message % {"values": shown})
    if plan.far_count:
        n, km = plan.far_count, f"{FAR_M / 1000:.0f}"
        report.warnings.append(
            (
                ngettext(
                    "%(n)s row lies more than %(km)s km outside the municipality: is the CRS right?",
                    "%(n)s rows lie more than %(km)s km outside the municipality: is the CRS right?",
                    n,
                )
                if rows
                else ngettext(
                    "%(n)s feature lies more than %(km)s km outside the municipality: is the CRS right?",
                    "%(n)s features lie more than %(km)s km outside the municipality: is the CRS right?",
                    n,
                )
            )
            % {"n": n, "km": km}
        )


@transaction.atomic
def places_import(
    *,
    path: str | Path,
    dataset: Dataset,
    mapping: Mapping,
    user=None,
    municipality: Municipality | None = None,
    layer: str | None = None,
    srid: int | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    display_name: str | None = None,
    run: ImportRun | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Load the places of ``path`` into ``dataset`` under ``mapping``; all or nothing.

    Keyed on (dataset, source id): new features are created, changed ones updated (only mapped fields, geometry and
    source attributes), unchanged ones not written, places missing from the file withdrawn (in the import's
    municipality). A new feature with the Wikidata or Pleiades id of an existing place of the municipality (any
    dataset) is linked to it, imported as new or skipped, as ``mapping.matches`` says; one within 50 m of a
    place with a similar name is reported as a possible duplicate.
    A ``dry_run`` reports the same and changes nothing. The history gets an ImportRun (``run``, or a
    new one) unless it is a dry run.
    """
    started = time.monotonic()
    scope = import_scope(user=user, municipality=municipality)
    categories, periods, locale_id = _vocabularies()
    with source_open(
        path,
        layer=layer,
        srid=srid,
        encoding=encoding,
        csv_columns=mapping.csv or None,
        invalid=mapping.invalid,
        display_name=display_name,
    ) as source:
        info = source.info
        mapping.check(source_fields=info.fields, categories=categories, periods=periods, path=info.file)
        report = ImportReport(
            dataset=dataset.slug,
            file=info.file,
            dry_run=dry_run,
            source=info.to_dict(),
            mapping=mapping.to_dict(),
            unit=source.unit,
            counts={"read": 0, "rejected": 0, "notes": 0},
        )
        geometry_counts = {"z_dropped": 0, "lines": 0, "multipoints": 0, "repaired": 0}
        unknown_categories: Counter[str] = Counter()
        unknown_periods: Counter[str] = Counter()
        bulk.stage_begin(dataset_id=dataset.pk)
        for batch in source.batches(batch_size=batch_size):
            records = records_build(batch, mapping, categories=categories, periods=periods, unit=source.unit)
            bulk.stage_write(records.rows)
            for issue in records.rejected:
                report.reject(feature=issue.feature, field=issue.field, reason=issue.message, source_id=issue.source_id)
            for issue in records.notes:
                report.note(feature=issue.feature, field=issue.field, reason=issue.message, source_id=issue.source_id)
            for key in geometry_counts:
                geometry_counts[key] += batch.geometry.counts.get(key, 0)
            unknown_categories.update(records.unknown_categories)
            unknown_periods.update(records.unknown_periods)
            report.counts["read"] += len(batch)
            if progress:
                progress("read", report.counts["read"], info.feature_count)
    if progress:
        progress("compare", report.counts["read"], info.feature_count)
    mapped = set(mapping.fields)
    plan = bulk.plan_build(
        dataset_id=dataset.pk, mapped=mapped, scope=scope, locale_id=locale_id, matches=mapping.matches
    )
    for row in plan.duplicates:
        report.reject(
            feature=row["feature"],
            field=mapping.fields["source_id"],
            reason=(
                _("the id is also used by row %(n)s")
                if report.unit == "row"
                else _("the id is also used by feature %(n)s")
            )
            % {"n": row["first"]},
            source_id=row["source_id"],
        )
    for row in plan.forbidden:
        report.reject(
            feature=row["feature"],
            field="geometry",
            reason=_("outside the municipalities you edit"),
            source_id=row["source_id"],
        )
    report.rejected.sort(key=lambda item: item["feature"])
    report.counts.update(plan.counts)
    report.created, report.updated, report.withdrawn = plan.created, plan.updated, plan.withdrawn
    report.far, report.preview = plan.far, plan.preview
    report.matched, report.possible_duplicates = plan.matched, _possible_duplicates(plan.nearby)
    _warnings(report, geometry_counts, unknown_categories, unknown_periods, plan)
    _match_warnings(report, plan)
    if dry_run:
        transaction.set_rollback(True)
    else:
        if progress:
            progress("write", report.counts["read"], info.feature_count)
        report.written = bulk.plan_apply(dataset_id=dataset.pk, mapped=mapped, scope=scope, locale_id=locale_id)
        mapping_save(dataset=dataset, mapping=mapping, user=user)
        if report.written["create"] or report.written["update"] or report.written["link"]:
            # the open-data downloads' stored features of the new and changed places: built by the worker, not here
            transaction.on_commit(feature_cache_fill_task.enqueue)
        if progress:
            progress("done", report.counts["read"], info.feature_count)
    report.seconds = round(time.monotonic() - started, 2)
    if not dry_run:
        import_run_record(
            report,
            run=run,
            dataset=dataset,
            user=user,
            municipality=municipality,
            options={"layer": layer, "srid": srid, "encoding": encoding},
        )
    return report


@transaction.atomic
def mapping_save(*, dataset: Dataset, mapping: Mapping, user=None) -> ImportMapping:
    """Keep ``mapping`` with ``dataset`` so that the next import repeats it."""
    stored, _ = ImportMapping.objects.update_or_create(
        dataset=dataset, defaults={"rules": mapping.to_dict(), "updated_by": user if user and user.pk else None}
    )
    return stored
