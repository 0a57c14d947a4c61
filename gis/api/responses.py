"""What every API response shares: OGC exception documents, CORS for GET, content negotiation, ETag."""

import functools
import hashlib
import json
from collections.abc import Callable, Sequence

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from .parameters import BadParameter, check_path

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
CACHE = "public, max-age=60"
MEDIA_TYPES = {"json": JSON, "geojson": GEOJSON, "html": HTML}


class ApiError(Exception):
    """An error the client can fix; becomes an OGC exception document with ``status``."""

    def __init__(self, status: int, code: str, description: str):
        super().__init__(description)
        self.status, self.code, self.description = status, code, description


def not_found(description: str) -> ApiError:
    """A 404 that names what was not found."""
    return ApiError(404, "NotFound", description)


def exception_response(status: int, code: str, description: str) -> HttpResponse:
    """An OGC API exception document (``{"code", "description"}``) with ``status``."""
    body = json.dumps({"code": code, "description": description}, ensure_ascii=False)
    response = HttpResponse(body, status=status, content_type=JSON)
    response["Cache-Control"] = "no-store"
    return response


def _cors(response: HttpResponseBase) -> HttpResponseBase:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Content-Crs, Content-Disposition, Link"
    return response


def api_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """An API endpoint: GET/HEAD (and CORS preflight), open to every origin, errors as OGC exceptions."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if request.method == "OPTIONS":
            response: HttpResponseBase = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "Accept, Accept-Language, If-None-Match, If-Modified-Since"
            response["Access-Control-Max-Age"] = "86400"
            return _cors(response)
        if request.method not in ("GET", "HEAD"):
            response = exception_response(405, "MethodNotAllowed", f"{request.method} is not allowed; use GET")
            response["Allow"] = "GET, HEAD, OPTIONS"
            return _cors(response)
        try:
            check_path(kwargs)
            response = view(request, *args, **kwargs)
        except BadParameter as error:
            response = exception_response(400, "InvalidParameterValue", str(error))
        except ApiError as error:
            response = exception_response(error.status, error.code, error.description)
        return _cors(response)

    wrapped.csrf_exempt = True  # type: ignore[attr-defined]  # GET only; no cookies are read
    return wrapped


def negotiate(request: HttpRequest, chosen: str | None, formats: Sequence[str]) -> str:
    """The output format: ``f`` when given, else the Accept header's preference among ``formats``."""
    if chosen:
        return chosen
    preferred = request.get_preferred_type([MEDIA_TYPES[name] for name in formats])
    if preferred is None:
        accept = request.headers.get("Accept", "")
        if accept.strip():
            raise ApiError(406, "NotAcceptable", f"cannot answer in {accept[:60]}; use f={' or f='.join(formats)}")
        return formats[0]
    return next(name for name in formats if MEDIA_TYPES[name] == preferred)


def weak_etag(*parts: str) -> str:
    """A weak ETag (RFC 9110 8.8.3) from the texts that decide what a response says, for a body that also carries
    something that changes on every request (an items page's ``timeStamp``): equal ``parts``, equivalent bodies."""
    digest = hashlib.md5(usedforsecurity=False)
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return 'W/"' + digest.hexdigest() + '"'


def conditional(
    request: HttpRequest, response: HttpResponse, *, last_modified=None, etag: str | None = None
) -> HttpResponse:
    """Add an ETag (``etag``, or a strong one: the body's hash), Last-Modified when known, caching and ``Vary``;
    answer 304 when the client already has this body or an equivalent one (If-None-Match)."""
    etag = etag or '"' + hashlib.md5(response.content, usedforsecurity=False).hexdigest() + '"'
    response["ETag"] = etag
    response["Cache-Control"] = CACHE
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    patch_vary_headers(response, ["Accept"])
    # If-Modified-Since alone is not trusted: a renamed place does not change its record's timestamp
    not_modified = (
        (get_conditional_response(request, etag=etag, response=response) or response)  # None only without response
        if request.headers.get("If-None-Match")
        else response
    )
    if not_modified is not response:
        for header in ("Last-Modified", "Vary"):
            if header in response:
                not_modified[header] = response[header]
    return not_modified


def json_response(request: HttpRequest, data: dict, *, content_type: str = JSON, last_modified=None) -> HttpResponse:
    """``data`` as JSON (UTF-8, not ASCII-escaped) with ETag and caching."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return conditional(request, HttpResponse(body, content_type=content_type), last_modified=last_modified)
