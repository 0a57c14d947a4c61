"""Compressed responses: pages and map data are gzipped for browsers that accept it, unless they carry a secret.

Django's ``GZipMiddleware``, limited against BREACH (an attacker who can make a victim's browser send requests and
see the compressed sizes can guess a secret in the body byte by byte): a response is compressed only when it
holds no secret, that is when it was made for a request without a session (no signed-in editor: the admin and
anything it renders stay uncompressed), when it used no CSRF token and sets no cookie. Public
pages, the map's GeoJSON, the open-data API and downloads are compressed; so is the page cache's copy of a page,
which is why this sits outside ``content.cache.PageCacheMiddleware`` (an entry is stored uncompressed, so a visitor
whose browser does not accept gzip still gets it, and each hit is compressed on its way out). Only text is
compressed (images, tiles and archives are compressed already). Static files are compressed by WhiteNoise, once,
at ``collectstatic``. Behind a proxy that compresses (nginx ``gzip on``: README, "Deploying"), set
``XENAGOS_COMPRESS_RESPONSES=0``.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

COMPRESSED_TYPES = (
    "text/",
    "application/json",
    "application/geo+json",
    "application/schema+json",
    "application/vnd.oai.openapi+json",
    "application/javascript",
    "application/xml",
    "application/ld+json",
    "image/svg+xml",
)


def response_has_no_secret(request: HttpRequest, response: HttpResponseBase) -> bool:
    """True for a text response that no visitor's secret went into: no session, no CSRF token, no cookie."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    if response.cookies:
        return False
    return response.get("Content-Type", "").startswith(COMPRESSED_TYPES)


class PublicGZipMiddleware(GZipMiddleware):
    """``GZipMiddleware`` for responses without secrets (see the module's docstring); the others pass untouched."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not response_has_no_secret(request, response):
            return response
        return super().process_response(request, response)
