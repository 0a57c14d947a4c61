"""Reads of the importers: stored mappings and the import history, limited to what a user may see."""

from django.db.models import QuerySet

from gis.models import Dataset
from gis.services import municipalities_editable_by

from .errors import MappingError
from .mapping import AreaMapping, Mapping
from .models import ImportMapping, ImportRun


def mapping_for(*, dataset: Dataset) -> Mapping | None:
    """The mapping stored with ``dataset``, if any."""
    stored = ImportMapping.objects.filter(dataset=dataset).first()
    return Mapping.from_dict(stored.rules) if stored else None


def area_mapping_for(*, dataset: Dataset, source_fields: list[str]) -> AreaMapping | None:
    """The mapping of the latest protected-area import into ``dataset`` whose fields ``source_fields`` still has."""
    recent = ImportRun.objects.filter(
        dataset=dataset, kind=ImportRun.Kind.AREAS, status=ImportRun.Status.SUCCEEDED
    ).order_by("-created_at")
    for rules in recent.values_list("mapping", flat=True)[:10]:
        try:
            mapping = AreaMapping.from_dict(rules or {})
        except MappingError:
            continue
        if mapping.fits(source_fields):
            return mapping
    return None


def import_runs_for(*, user, dataset: Dataset | None = None) -> QuerySet[ImportRun]:
    """The imports ``user`` may see (all for a superuser; else those into municipalities they edit), newest first."""
    runs = ImportRun.objects.select_related("dataset", "municipality", "user")
    if not user.is_superuser:
        runs = runs.filter(municipality__in=municipalities_editable_by(user))
    if dataset is not None:
        runs = runs.filter(dataset=dataset)
    return runs.order_by("-created_at")
