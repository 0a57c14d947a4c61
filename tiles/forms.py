"""The admin form of a raster layer: an uploaded GeoTIFF is checked before anything is saved, and a change that
affects the pyramid schedules a build."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

from gis.models import ArchiveItem
from gis.services import municipalities_editable_by

from . import services
from .errors import BadBuildOptions, TilesError
from .models import RasterLayer, tiles_storage
from .selectors import municipalities_under
from .storage import local_copy
from .tasks import layer_build_schedule

BUILD_FIELDS = {"source", "kind", "bands", "tile_format", "min_zoom", "max_zoom"}
MB = 1024 * 1024


def raster_upload_limit_mb() -> float:
    """The largest raster source accepted in the admin, in MB (settings.XENAGOS_RASTER_MAX_UPLOAD_MB)."""
    return float(getattr(settings, "XENAGOS_RASTER_MAX_UPLOAD_MB", 1024))


@contextmanager
def _upload_path(upload: UploadedFile) -> Iterator[Path]:
    """A local path holding the uploaded file, named with its extension."""
    if hasattr(upload, "temporary_file_path"):
        yield Path(upload.temporary_file_path())
        return
    suffix = Path(upload.name or "").suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        upload.seek(0)
        yield Path(handle.name)


def _archive_items_choosable(*, user):
    """The archive items a layer may come from, as far as ``user`` goes: those of the municipalities they edit (all
    for a superuser). Which of them the layer's map reaches is ``RasterLayerForm._check_archive_item``'s."""
    items = ArchiveItem.objects.filter(municipality__isnull=False)
    if user is None:
        return items.none()
    if not user.is_superuser:
        items = items.filter(municipality__in=municipalities_editable_by(user))
    return items.select_related("municipality").order_by("name_el", "pk")


class RasterLayerForm(WagtailAdminModelForm):
    """Checks the source with the build's own rules and that it lies where someone will see it; schedules the build
    when something it depends on changed. The archive item it comes from is one of the editor's municipalities
    whose map the layer reaches (the chooser lists the editor's items; a posted id of another is refused)."""

    extent_warning = ""  # set by clean() for a source that lies outside every municipality

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._bounds = self.instance.bounds.extent if self.instance.bounds else None
        if "archive_item" in self.fields:
            user = getattr(self, "for_user", None)
            self.fields["archive_item"].queryset = _archive_items_choosable(user=user)

    def clean_source(self):
        """Refuse a source larger than the limit before anything reads it (the request's temporary file goes)."""
        upload = self.cleaned_data.get("source")
        limit = raster_upload_limit_mb()
        if isinstance(upload, UploadedFile) and upload.size > limit * MB:
            message = _("%(name)s is %(size)s MB; raster sources may be at most %(limit)s MB.")
            size = number_format(upload.size / MB, 1)
            raise forms.ValidationError(
                message
                % {
                    "name": Path(upload.name or "").name,
                    "size": size,
                    "limit": number_format(limit, 0 if limit.is_integer() else 1),
                }
            )
        return upload

    def clean(self) -> dict:
        cleaned = super().clean()
        low, high = cleaned.get("min_zoom"), cleaned.get("max_zoom")
        if (low is None) != (high is None):
            self.add_error("max_zoom", _("Give both the minimum and the maximum zoom, or neither."))
        elif low is not None and high is not None and low > high:
            self.add_error("max_zoom", _("The maximum zoom must not be below the minimum zoom."))
        year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
        if year_from is not None and year_to is not None and year_to < year_from:
            self.add_error("year_to", _("The period must not end before it begins."))
        if not (BUILD_FIELDS & set(self.changed_data)) or self.errors:
            self._check_archive_item(cleaned.get("archive_item"))
            return cleaned
        kind, bands = cleaned.get("kind") or RasterLayer.Kind.HISTORICAL_MAP, cleaned.get("bands") or ""
        check: dict[str, Any] = {
            "kind": kind,
            "bands": bands,
            "zooms": (low, high) if low is not None and high is not None else None,
        }
        upload = cleaned.get("source")
        try:
            if isinstance(upload, UploadedFile):
                with _upload_path(upload) as path:
                    info = services.source_check(path=path, **check)
                self._check_extent(name=Path(upload.name or "").name, bounds=info.lnglat_bounds)
            elif self.instance.pk and self.instance.source:
                with local_copy(tiles_storage(), self.instance.source.name, suffix=".tif") as path:
                    services.source_check(path=path, **check)
        except BadBuildOptions as error:
            self.add_error("max_zoom" if "zoom" in error.reason else "bands", error.reason)
        except TilesError as error:
            name = upload.name if isinstance(upload, UploadedFile) else Path(self.instance.source.name).name
            self.add_error("source" if isinstance(upload, UploadedFile) else "bands", f"{name}: {error.reason}")
        self._check_archive_item(cleaned.get("archive_item"))
        return cleaned

    def _check_archive_item(self, item: ArchiveItem | None) -> None:
        """The chosen item must be of a municipality whose map the layer reaches (its extent as uploaded now, else as
        last built; not checked while neither is known)."""
        if item is None or self._bounds is None:
            return
        if item.municipality_id not in {m.pk for m in municipalities_under(bounds=self._bounds)}:
            message = _("%(item)s is an item of %(municipality)s, whose map this layer does not reach.")
            municipality = item.municipality.name if item.municipality else "—"
            self.add_error("archive_item", message % {"item": item.name, "municipality": municipality})

    def _check_extent(self, *, name: str, bounds: tuple[float, float, float, float]) -> None:
        """A raster appears only on the maps of the municipalities it overlaps. An editor's must overlap one they
        edit (else it is refused: they could never see it); a superuser's that overlaps none is kept with a
        warning (``extent_warning``, shown once saved), as its municipality may be added later."""
        self._bounds = bounds
        covered = municipalities_under(bounds=bounds)
        user = getattr(self, "for_user", None)
        extent = ", ".join(number_format(value, 4) for value in bounds)
        if user is not None and not user.is_superuser:
            own = municipalities_editable_by(user)
            if not {m.pk for m in own} & {m.pk for m in covered}:
                message = _(
                    "%(name)s lies outside %(municipalities)s (its extent, W, S, E, N in degrees: %(extent)s): it "
                    "would appear on no map you edit. Check the file's georeferencing and its coordinate system."
                )
                names = ", ".join(m.name for m in own) or "—"
                self.add_error("source", message % {"name": name, "municipalities": names, "extent": extent})
        elif not covered:
            self.extent_warning = _(
                "%(name)s lies outside every municipality (its extent, W, S, E, N in degrees: %(extent)s): it will "
                "appear on no map until a municipality covers it. Check the file's georeferencing and its "
                "coordinate system."
            ) % {"name": name, "extent": extent}

    def save(self, commit: bool = True) -> RasterLayer:
        rebuild = bool(BUILD_FIELDS & set(self.changed_data)) or self.instance.status == RasterLayer.Status.NEW
        layer = super().save(commit=commit)
        if commit and rebuild:
            layer_build_schedule(layer=layer)
        return layer
