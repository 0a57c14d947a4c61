"""Audio and video (wagtailmedia) in the admin: what an upload must be, and who may choose which media.

An upload is checked by its content, not only its name: ``filetype`` (a maintained magic-number reader, already
Wagtail's own dependency, pure Python, so no decoder runs in the web process) reads its first bytes and names the
container. Containers that hold either kind count for both where a browser plays them so (an MP4 or WebM of sound
only is audio; an Ogg file may be Theora video). A file that is neither, or larger than
``XENAGOS_MEDIA_MAX_UPLOAD_MB``, is refused with a message naming it, and nothing is saved (the form is invalid).

Choosing: wagtailmedia has no "choose" permission; a user may choose the media they may change (their
municipality's collection: content.services.COLLECTION_PERMISSIONS), as its own chooser lists them."""

import filetype
from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from wagtailmedia.forms import BaseMediaForm

HEAD_BYTES = 8192  # what filetype reads of a file to know it
# The content types (filetype's names) each kind of media may have, by container.
ACCEPTED = {
    "audio": ("audio/", "video/mp4", "video/webm", "video/x-matroska", "video/quicktime"),
    "video": ("video/", "audio/ogg"),
}


def media_kind(head: bytes) -> str:
    """The content type ``filetype`` reads in a file's first bytes (``audio/x-wav``, ``video/mp4``), or ""."""
    kind = filetype.guess(head)
    return kind.mime if kind is not None else ""


def media_upload_problem(*, name: str, head: bytes, size: int, media_type: str) -> str | None:
    """Why a file cannot be a ``media_type`` ("audio" or "video") medium, naming it; None when it can."""
    limit_mb = settings.XENAGOS_MEDIA_MAX_UPLOAD_MB
    if size > limit_mb * 1024 * 1024:
        return _("«%(name)s» is %(size).1f MB; the largest file accepted is %(limit)g MB.") % {
            "name": name,
            "size": size / 1024 / 1024,
            "limit": limit_mb,
        }
    found = media_kind(head)
    if found.startswith(ACCEPTED.get(media_type, ())):
        return None
    if not found:
        return _("«%(name)s» is not an audio or video file: its content is of no known audio or video format.") % {
            "name": name
        }
    if media_type == "video" and found.startswith("audio/"):
        return _("«%(name)s» is audio (%(found)s), not video: add it as audio.") % {"name": name, "found": found}
    if media_type == "audio" and found.startswith("video/"):
        return _("«%(name)s» is video (%(found)s), not audio: add it as video.") % {"name": name, "found": found}
    return _("«%(name)s» is not an audio or video file: its content is %(found)s.") % {"name": name, "found": found}


class MediaForm(BaseMediaForm):
    """wagtailmedia's form (add, edit, the chooser's upload: WAGTAILMEDIA["MEDIA_FORM_BASE"]) with the upload
    checked by its content and size."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or "file" not in self.changed_data:
            return upload
        position = upload.tell()
        upload.seek(0)
        head = upload.read(HEAD_BYTES)
        upload.seek(position)
        problem = media_upload_problem(
            name=upload.name, head=head, size=upload.size, media_type=self.instance.type or "audio"
        )
        if problem:
            raise forms.ValidationError(problem, code="not_media")
        return upload


def media_choosable_by(user):
    """The media ``user`` may choose for an archive item: those they may change (their collections); none for no
    user, all for a superuser."""
    from wagtail.permissions import policy_registry
    from wagtailmedia import get_media_model

    model = get_media_model()
    if user is None:
        return model.objects.none()
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, ["change"])


def media_usage(request, media_id: int):
    """wagtailmedia's usage view (its address, admin URL ``media/usage/<id>/``: gis.wagtail_hooks) for those who may
    change the medium only: wagtailmedia's own checks only that the user may change some media, and would show any
    municipality's medium's title and where it is used."""
    from django.shortcuts import get_object_or_404
    from wagtail.admin.auth import permission_denied
    from wagtail.permissions import policy_registry
    from wagtailmedia import get_media_model
    from wagtailmedia.views.media import usage

    medium = get_object_or_404(get_media_model(), pk=media_id)
    policy = policy_registry.get_by_type(type(medium))
    if not policy.user_has_any_permission_for_instance(request.user, ["change", "delete"], medium):
        return permission_denied(request)
    return usage(request, media_id)
