"""Which stored files may be fetched by URL, and how.

MEDIA_ROOT holds public and private files side by side; what is served:

- ``images/``: Wagtail's image renditions (every ``{% image %}``, the admin's thumbnails and its "original"
  rendition): to everyone, by ``media()`` here or, in production, by the proxy.
- ``original_images/``: the uploaded image files: never. Nothing links them (pages and the admin show renditions)
  and they are the camera's file, full size and with its metadata, also for pages not yet published.
- ``documents/``: Wagtail documents: only by Wagtail's view at ``/documents/<id>/<name>``, after its collection
  privacy check (in production the proxy then sends the file: X-Accel-Redirect / X-Sendfile).
- ``media/``: audio and video (wagtailmedia): only by ``audiovisual()`` here at their own address (``Media.url``,
  ``/media/media/<name>``, which the proxy hands to Django), after the same collection privacy check as documents,
  then sent like them. ``media_thumbnails/``: never (nothing shows them).
- ``tiles/sources/``, ``tiles/archives/``: raster layers' GeoTIFFs and PMTiles archives: never as files; a
  published layer's tiles by ``tiles.views``.

Import uploads live outside MEDIA_ROOT (``XENAGOS_IMPORT_ROOT``) and are never served; the system checks in
``xenagos.checks`` refuse settings that would put them, or documents, within reach.
"""

import posixpath

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve
from wagtail.documents.views.serve import serve as wagtail_document_serve

PUBLIC_MEDIA_FOLDERS = ("images",)
MEDIA_MAX_AGE_S = 3600  # a replaced image file may keep its renditions' names: an old one shows an hour at most


def public_media_name(path: str) -> str | None:
    """``path`` (relative to MEDIA_ROOT, as in a /media/ URL) when it names a file in a public folder, else None.

    Refuses anything that could leave the folder: ``..`` segments, absolute paths, backslashes, NUL bytes."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        return None
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts) or len(parts) < 2:
        return None
    normalised = posixpath.normpath(path)
    if normalised != path or parts[0] not in PUBLIC_MEDIA_FOLDERS:
        return None
    return normalised


@require_safe
def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """/media/<path>: a file of a public media folder (image renditions); anything else under MEDIA_ROOT is 404."""
    name = public_media_name(path)
    if name is None:
        raise Http404("No such file.")
    response = serve(request, name, document_root=str(settings.MEDIA_ROOT))
    patch_cache_control(response, public=True, max_age=MEDIA_MAX_AGE_S)
    return response


def document(request: HttpRequest, document_id: str, document_filename: str) -> HttpResponse:
    """/documents/<id>/<name>: Wagtail's document view (it applies the collection's privacy); a document of a
    restricted collection is marked private so that no shared cache keeps it, and no bogus encoding is claimed."""
    response = wagtail_document_serve(request, document_id, document_filename)
    if response.get("Content-Encoding") == "None":  # Wagtail's sendfile writes the encoding it did not guess as text
        del response["Content-Encoding"]
    if response.status_code == 200 and _restricted(document_id):
        patch_cache_control(response, private=True, no_cache=True)
    return response


@require_safe
def audiovisual(request: HttpRequest, name: str) -> HttpResponseBase:
    """/media/media/<name>: an audio or video file (wagtailmedia ``Media``, its ``url``), to those its collection's
    privacy lets in: the documents' rule, by the same ``before_serve_document`` hooks (Wagtail's login, group or
    password check; a signed-in outsider's 403, xenagos.wagtail_hooks), sent by django-sendfile2's backend (the
    proxy in production, which also answers range requests); a restricted one is private to caches."""
    from wagtail import hooks
    from wagtail.utils.sendfile import sendfile
    from wagtailmedia import get_media_model

    path = public_media_name(f"images/{name}")  # the same refusals of "..", backslashes, NUL, empty segments
    if path is None:
        raise Http404("No such file.")
    media = get_object_or_404(get_media_model().objects.select_related("collection"), file=f"media/{name}")
    for check in hooks.get_hooks("before_serve_document"):  # they read only the collection
        refused = check(media, request)
        if isinstance(refused, HttpResponse):
            return refused
    mimetype = media.sources[0]["type"]
    try:
        response: HttpResponseBase = sendfile(request, media.file.path, mimetype=mimetype)
    except NotImplementedError:  # a storage without local paths (object storage): Django streams it
        response = FileResponse(media.file.open("rb"), content_type=mimetype)
    response["X-Content-Type-Options"] = "nosniff"
    if response.get("Content-Encoding") == "None":  # as for documents: no bogus encoding claimed
        del response["Content-Encoding"]
    if media.collection.get_view_restrictions():
        patch_cache_control(response, private=True, no_cache=True)
    return response


def _restricted(document_id: str) -> bool:
    from wagtail.documents import get_document_model

    document = get_document_model().objects.select_related("collection").filter(pk=document_id).first()
    return document is not None and bool(document.collection.get_view_restrictions())
