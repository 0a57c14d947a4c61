"""Import mappings (one per dataset) and the import history. The records imported live in ``gis`` (places,
protected areas, boundaries)."""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .targets import target_label


class ImportMapping(models.Model):
    """How a dataset's files map onto places, kept so that a re-import repeats it (see importers.mapping)."""

    dataset = models.OneToOneField("xgis.Dataset", on_delete=models.CASCADE, related_name="import_mapping")
    rules = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        verbose_name = _("import mapping")

    def __str__(self) -> str:
        return str(self.dataset)


class ImportRun(models.Model):
    """One import of one file into one dataset: who, when, which file, the options, and what changed."""

    class Status(models.TextChoices):
        INSPECTING = "inspecting", _("reading the upload")
        UPLOADED = "uploaded", _("uploaded")
        CHECKING = "checking", _("dry run running")
        CHECKED = "checked", _("dry run ready")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("importing")
        SUCCEEDED = "succeeded", _("imported")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    class Kind(models.TextChoices):
        PLACES = "places", _("places")
        AREAS = "areas", _("protected areas")
        BOUNDARIES = "boundaries", _("municipality boundaries")
        ROUTES = "routes", pgettext_lazy("import target", "routes")
        ARCHIVE = "archive", _("archive items")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PLACES)
    dataset = models.ForeignKey("xgis.Dataset", on_delete=models.CASCADE, related_name="import_runs")
    municipality = models.ForeignKey(
        "xgis.Municipality", on_delete=models.SET_NULL, null=True, blank=True, related_name="import_runs"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, help_text="the last activity (abandoned uploads are purged)")
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(_("file"), max_length=255)
    file_path = models.CharField(
        max_length=500, blank=True, help_text="the upload (or the folder it was unpacked into); empty once deleted"
    )
    options = models.JSONField(
        default=dict, blank=True, help_text="layer, srid, encoding; language: the admin language of its messages"
    )
    source_info = models.JSONField(default=dict, blank=True)
    source_preview = models.JSONField(
        default=dict, blank=True, help_text="rows and GeoJSON features (EPSG:4326) of the first features, for the admin"
    )
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UPLOADED)
    stage = models.CharField(max_length=40, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    dry_run_report = models.JSONField(default=dict, blank=True)
    report = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.dataset}"

    @property
    def files_kept(self) -> bool:
        """Whether the upload is still in the import work folder (deleted once the run is over)."""
        return bool(self.file_path)

    @property
    def kind_label(self) -> str:
        """What the run holds, as its import target calls it (importers.targets)."""
        return str(target_label(self.kind))

    @property
    def percent(self) -> int:
        """Progress in percent (0-100)."""
        return min(100, round(100 * self.progress_done / self.progress_total)) if self.progress_total else 0


class HarvestSource(models.Model):
    """An OAI-PMH repository that one municipality's dataset is harvested from, and where its harvest stands.

    ``last_datestamp`` is the ``responseDate`` of the first page of the last finished harvest, at the repository's
    granularity (``YYYY-MM-DD`` or ``YYYY-MM-DDThh:mm:ssZ``, UTC): the next harvest asks ``from`` it. While a
    harvest is unfinished, ``resumption_token`` is the token of the next page and ``pending_datestamp`` the date
    it will store when it ends (importers.harvest).
    """

    municipality = models.ForeignKey("xgis.Municipality", on_delete=models.CASCADE, related_name="harvest_sources")
    dataset = models.ForeignKey("xgis.Dataset", on_delete=models.CASCADE, related_name="harvest_sources")
    base_url = models.URLField(_("OAI-PMH base URL"), max_length=500)
    set_spec = models.CharField(_("OAI-PMH set"), max_length=200, blank=True)
    metadata_prefix = models.CharField(_("metadata format"), max_length=50, default="oai_dc")
    last_datestamp = models.CharField(max_length=30, blank=True)
    last_harvested_at = models.DateTimeField(null=True, blank=True)
    resumption_token = models.TextField(blank=True)
    pending_datestamp = models.CharField(max_length=30, blank=True)
    pages_done = models.PositiveIntegerField(default=0, help_text="pages applied in the unfinished (or last) harvest")
    records_done = models.PositiveIntegerField(default=0)
    cursor = models.PositiveIntegerField(null=True, blank=True)
    complete_list_size = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("harvest source")
        verbose_name_plural = _("harvest sources")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "base_url", "set_spec", "metadata_prefix"], name="harvestsource_unique_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.base_url} → {self.dataset}"

    @property
    def unfinished(self) -> bool:
        """Whether a harvest stopped before its list ended (the next one resumes at ``resumption_token``)."""
        return bool(self.resumption_token)
