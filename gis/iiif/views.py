"""/iiif/: image information, tiles and manifests of published archive items of the host's municipality.

Every URL of an unpublished or withdrawn item, of another municipality's item, or of a tile that the tile set does
not have (level 0: only what libvips made) is 404. These public answers carry ``Access-Control-Allow-Origin: *``
so that IIIF viewers on other sites (Mirador, Universal Viewer) can read them."""

import json

from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from .selectors import public_item_get, public_item_images, public_tiled_image_get
from .storage import iiif_storage

TILE_CACHE = "public, max-age=31536000, immutable"  # a replaced file gets a new folder and a new info.json
INFO_CACHE = "public, max-age=300"
IMAGE_CONTEXT = 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
PRESENTATION_CONTEXT = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'


def _municipality(request: HttpRequest):
    municipality = getattr(request, "municipality", None)
    if municipality is None:
        raise Http404("This site has no municipality.")
    return municipality


def _public(response: HttpResponseBase, cache: str) -> HttpResponseBase:
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = cache
    return response


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("iiif-base"))


def _image(request: HttpRequest, image_id: int):
    row = public_tiled_image_get(image_id=image_id, municipality=_municipality(request))
    if row is None:
        raise Http404("There is no published zoomable image with this number.")
    return row


@require_safe
def info(request: HttpRequest, image_id: int) -> HttpResponseBase:
    """/iiif/<id>/info.json: the IIIF Image API 3 description that libvips wrote, with our URL as its ``id``."""
    row = _image(request, image_id)
    with iiif_storage().open(f"{row.tiles_path}/info.json") as handle:
        data = json.load(handle)
    data["id"] = f"{_base_url(request)}{row.pk}"
    for tiles in data.get("tiles", []):  # an image smaller than a tile: libvips lists no scale, its one tile is at 1
        if not tiles.get("scaleFactors"):
            tiles["scaleFactors"] = [1]
    return _public(JsonResponse(data, content_type=IMAGE_CONTEXT), INFO_CACHE)


@require_safe
def tile(request: HttpRequest, image_id: int, region: str, size: str, rotation: str, name: str) -> HttpResponseBase:
    """/iiif/<id>/<region>/<size>/<rotation>/default.jpg: a tile that the tile set has (the URL's parts are
    checked by the URL pattern: digits and commas, or full/max), else 404."""
    row = _image(request, image_id)
    storage = iiif_storage()
    stored = f"{row.tiles_path}/{region}/{size}/{rotation}/{name}"
    if not storage.exists(stored):
        raise Http404("This image service (level 0) has no such tile.")
    return _public(FileResponse(storage.open(stored), content_type="image/jpeg"), TILE_CACHE)


@require_safe
def manifest(request: HttpRequest, uid: str) -> HttpResponseBase:
    """/iiif/<item uid>/manifest.json: the item's IIIF Presentation 3 manifest."""
    item = public_item_get(uid=uid, municipality=_municipality(request))
    if item is None:
        raise Http404("There is no published archive item with this identifier.")
    from .manifests import item_manifest  # iiif-prezi3 brings requests: only where a manifest is made

    data = item_manifest(item=item, images=public_item_images(item=item), base_url=_base_url(request))
    response = JsonResponse(data, content_type=PRESENTATION_CONTEXT, json_dumps_params={"ensure_ascii": False})
    return _public(response, INFO_CACHE)
