"""Reads of the importers: stored mappings and the import history, limited to what a user may see."""

from django.db.models import QuerySet

from gis.models import Dataset
from gis.services import municipalities_editable_by

from .errors import MappingError
from .mapping import AreaMapping, Mapping
from .models import ImportMapping, ImportRun
from .readers.archive_csv import CsvMapping


def mapping_for(*, dataset: Dataset) -> Mapping | None:
    """The mapping stored with ``dataset``, if any."""
    stored = ImportMapping.objects.filter(dataset=dataset).first()
    return Mapping.from_dict(stored.rules) if stored else None


def _recent_mappings(*, dataset: Dataset, kind: str) -> list[dict]:
    """The mappings of the last (at most ten) successful imports of ``kind`` into ``dataset``, newest first."""
    recent = ImportRun.objects.filter(dataset=dataset, kind=kind, status=ImportRun.Status.SUCCEEDED)
    return [rules or {} for rules in recent.order_by("-created_at").values_list("mapping", flat=True)[:10]]


def area_mapping_for(*, dataset: Dataset, source_fields: list[str]) -> AreaMapping | None:
    """The mapping of the latest protected-area import into ``dataset`` whose fields ``source_fields`` still has."""
    for rules in _recent_mappings(dataset=dataset, kind=ImportRun.Kind.AREAS):
        try:
            mapping = AreaMapping.from_dict(rules or {})
        except MappingError:
            continue
        if mapping.fits(source_fields):
            return mapping
    return None


def archive_mapping_for(*, dataset: Dataset, columns: list[str]) -> dict | None:
    """The rules (format and CSV mapping) of the latest archive import into ``dataset`` of a file like this one: a CSV
    file's whose columns ``columns`` still has, or (``columns`` empty) an XML file's."""
    for rules in _recent_mappings(dataset=dataset, kind=ImportRun.Kind.ARCHIVE):
        csv = rules.get("csv") or {}
        if not columns and not csv and rules.get("format") in ("dc", "edm"):
            return rules
        if columns and csv:
            try:
                mapping = CsvMapping.from_dict(csv)
            except MappingError:
                continue
            if set(mapping.columns()) <= set(columns):
                return rules
    return None


def import_runs_for(*, user, dataset: Dataset | None = None) -> QuerySet[ImportRun]:
    """The imports ``user`` may see (all for a superuser; else those into municipalities they edit), newest first."""
    runs = ImportRun.objects.select_related("dataset", "municipality", "user")
    if not user.is_superuser:
        runs = runs.filter(municipality__in=municipalities_editable_by(user))
    if dataset is not None:
        runs = runs.filter(dataset=dataset)
    return runs.order_by("-created_at")
