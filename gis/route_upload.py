"""The route form after a track is uploaded (gis.wagtail_hooks.RouteFormMixin): the submitted data with the file's
line (EPSG:4326) in place of the drawn one and, as new stop rows after the existing ones, the editor's places
nearest its waypoints (a GPX file's waypoints, a KML or GeoJSON file's Point features). Nothing is written to the
database."""

import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from .forms import MAX_LINE_POINTS
from .tracks import STOPS_WITHIN_M, TrackUnreadable, places_at_waypoints, track_read

STOPS = "route_stops"  # the stops formset's prefix (the InlinePanel's relation)
Notice = tuple[int, str]  # (django.contrib.messages level, text)


def _within_m(data: QueryDict) -> float:
    """The editor's matching distance (metres), or the default when the field is empty or not a number in range."""
    try:
        value = float(data.get("stops_within_m") or STOPS_WITHIN_M)
    except ValueError:
        return STOPS_WITHIN_M
    return value if 1 <= value <= 5000 else STOPS_WITHIN_M


def _shown_name(upload: UploadedFile) -> str:
    """The uploaded file's own name (no folders), for messages."""
    return Path(upload.name or "track").name[:120]


def _read(upload: UploadedFile, shown: str):
    """The track in ``upload``, read from a private temporary copy that keeps the file's extension."""
    limit_mb = float(getattr(settings, "XENAGOS_IMPORT_MAX_UPLOAD_MB", 500))
    if (upload.size or 0) > limit_mb * 1024 * 1024:
        message = _("the file is larger than the upload limit of %(limit)s MB") % {"limit": f"{limit_mb:g}"}
        raise TrackUnreadable(f"{shown}: {message}")
    with tempfile.TemporaryDirectory(prefix="xenagos-track-") as folder:
        path = Path(folder) / f"track{Path(shown).suffix.lower()}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return track_read(path=path, display_name=shown)


def _stop_rows(data: QueryDict) -> tuple[int, set[str]]:
    """How many stop rows the form has, and the places of those not deleted."""
    total = int(data.get(f"{STOPS}-TOTAL_FORMS") or 0)
    places = {
        data.get(f"{STOPS}-{n}-place", "")
        for n in range(total)
        if not data.get(f"{STOPS}-{n}-DELETE") and data.get(f"{STOPS}-{n}-place")
    }
    return total, places


def route_form_data_from_track(
    *, data: QueryDict, upload: UploadedFile, places: QuerySet
) -> tuple[QueryDict, list[Notice]]:
    """``data`` (the route form's POST) with the uploaded track's line and, as stop rows, the places of ``places``
    (the editor's) nearest its waypoints within the form's distance (``stops_within_m``, metres), and the messages
    for the editor: what was read, which waypoints matched and which did not; or ``data`` unchanged and the error
    naming the file."""
    shown = _shown_name(upload)
    try:
        track = _read(upload, shown)
    except TrackUnreadable as error:
        return data, [(messages.ERROR, str(error))]
    points = sum(len(part) for part in track.parts)
    if points > MAX_LINE_POINTS:
        message = _("the line has more than %(n)s points") % {"n": f"{MAX_LINE_POINTS:,}"}
        return data, [(messages.ERROR, f"{shown}: {message}")]
    result = data.copy()
    # A vertex's elevation rides as its third coordinate, so it survives the form's round trip (RouteAdminForm).
    heights = track.elevations_m or [[None] * len(part) for part in track.parts]
    coordinates = [
        [[*xy, z] if z is not None else list(xy) for xy, z in zip(part, zs, strict=True)]
        for part, zs in zip(track.parts, heights, strict=True)
    ]
    result["geometry"] = json.dumps({"type": "MultiLineString", "coordinates": coordinates})
    notices: list[Notice] = [
        (
            messages.SUCCESS,
            _("%(file)s: its line (%(points)s points, %(parts)s parts) replaces the line. Check it, then save.")
            % {"file": shown, "points": points, "parts": len(track.parts)},
        )
    ]
    if not track.waypoints:
        return result, notices
    within_m = _within_m(data)
    matched, unmatched = places_at_waypoints(waypoints=track.waypoints, places=places, within_m=within_m)
    total, present = _stop_rows(data)
    added = 0
    for _waypoint, place in matched:
        if str(place.pk) in present:
            continue
        present.add(str(place.pk))
        number = total + added
        for name, value in (("place", str(place.pk)), ("ORDER", str(number + 1)), ("id", ""), ("DELETE", "")):
            result[f"{STOPS}-{number}-{name}"] = value
        result[f"{STOPS}-{number}-note_el"] = result[f"{STOPS}-{number}-note_en"] = ""
        added += 1
    result[f"{STOPS}-TOTAL_FORMS"] = str(total + added)
    notices.append(
        (
            messages.SUCCESS if matched else messages.WARNING,
            _(
                "%(matched)s of %(total)s waypoints lie within %(m)s m of one of your places; %(added)s stops "
                "were added. Check them, then save."
            )
            % {"matched": len(matched), "total": len(track.waypoints), "m": f"{within_m:g}", "added": added},
        )
    )
    if unmatched:
        names = ", ".join(w.name or f"({w.lat:.5f}, {w.lon:.5f})" for w in unmatched[:20])
        notices.append((messages.WARNING, _("Waypoints with no place of yours nearby: %(names)s") % {"names": names}))
    return result, notices
