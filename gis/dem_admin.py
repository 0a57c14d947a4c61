"""The admin screen where a municipality's elevation model (DEM) is set, replaced or removed: superusers and the
municipality's own moderators (permission ``xgis.set_dem`` and a group of the municipality) only.

An uploaded file is checked before anything is saved (gis.elevation.dem_check: the tiles app's GeoTIFF rules);
a change re-reads the profile of every route the municipality keeps in the background (gis.tasks)."""

import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import Municipality
from .services import municipalities_editable_by

MB = 1024 * 1024


def municipalities_dem_settable_by(user) -> list[Municipality]:
    """The municipalities whose DEM ``user`` may set: every one for a superuser; for a user with the set_dem
    permission (each municipality's moderators), those whose data their groups edit; none for anyone else."""
    if user.is_superuser:
        return list(Municipality.objects.all())
    if not user.is_active or not user.has_perm("xgis.set_dem"):
        return []
    return municipalities_editable_by(user)


def dem_upload_limit_mb() -> float:
    """The largest DEM accepted, in MB: the raster sources' limit (settings.XENAGOS_RASTER_MAX_UPLOAD_MB)."""
    return float(getattr(settings, "XENAGOS_RASTER_MAX_UPLOAD_MB", 1024))


class DemForm(forms.ModelForm):
    """The DEM of one municipality: a new GeoTIFF (checked by the tiles app's rules) or none."""

    class Meta:
        model = Municipality
        fields = ["dem"]

    def clean_dem(self):
        upload = self.cleaned_data.get("dem")
        if not isinstance(upload, UploadedFile):
            return upload
        name = Path(upload.name or "").name
        limit = dem_upload_limit_mb()
        if upload.size > limit * MB:
            raise forms.ValidationError(
                _("%(name)s is %(size)s MB; an elevation model may be at most %(limit)s MB.")
                % {"name": name, "size": number_format(upload.size / MB, 1), "limit": number_format(limit, 0)}
            )
        from .elevation import ElevationError, dem_check  # the check loads rasterio: this form only

        try:
            with tempfile.TemporaryDirectory(prefix="xenagos-dem-") as folder:
                path = Path(folder) / f"dem{Path(name).suffix.lower()}"  # never the server's upload path in messages
                with path.open("wb") as copy:
                    for chunk in upload.chunks():
                        copy.write(chunk)
                dem_check(path=path, name=name)
        except ElevationError as error:
            raise forms.ValidationError(
                _("%(name)s cannot be used as an elevation model: %(reason)s")
                % {"name": name, "reason": error.reason.replace(str(path), name)}
            ) from error
        upload.seek(0)
        return upload


def dem_index(request: HttpRequest) -> HttpResponse:
    """The municipalities whose DEM the user may set, each with its DEM's file name."""
    municipalities = municipalities_dem_settable_by(request.user)
    if not municipalities:
        raise PermissionDenied
    title = _("Elevation models")
    return render(
        request,
        "gis/admin/dem_index.html",
        {"page_title": title, "header_title": title, "header_icon": "site", "municipalities": municipalities},
    )


def dem_edit(request: HttpRequest, municipality: int) -> HttpResponse:
    """Set, replace or remove one municipality's DEM; the routes it keeps get their profiles read again."""
    if municipality not in {m.pk for m in municipalities_dem_settable_by(request.user)}:
        raise PermissionDenied
    instance = get_object_or_404(Municipality, pk=municipality)
    old_name = instance.dem.name
    form = DemForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        from .tasks import municipality_route_profiles_schedule

        with transaction.atomic():
            saved = form.save()
            if saved.dem.name != old_name:
                municipality_route_profiles_schedule(municipality_id=saved.pk)
        if old_name and saved.dem.name != old_name:
            transaction.on_commit(lambda: saved.dem.storage.delete(old_name))
        messages.success(request, _("The elevation model of %(name)s is saved.") % {"name": saved.name})
        return redirect("xgis_dem_index")
    title = _("Elevation model of %(name)s") % {"name": instance.name}
    return render(
        request,
        "gis/admin/dem_edit.html",
        {
            "page_title": title,
            "header_title": title,
            "header_icon": "site",
            "form": form,
            "municipality": instance,
            "limit_mb": number_format(dem_upload_limit_mb(), 0),
        },
    )
