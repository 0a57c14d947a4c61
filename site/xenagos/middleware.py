"""Wiring middleware: which municipality a public request is for, and which paths have no language."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware

from content.models import Branding

# Paths outside /<lang>/: they belong to no municipality page and have no language prefix.
LANGUAGE_NEUTRAL_PREFIXES = ("/static/", "/media/", "/admin/", "/healthz", "/documents/", "/api/", "/tiles/")


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, except that a 404 on a language-neutral path stays a 404. Django redirects any 404 without a
    language prefix to /<lang>/..., which the Wagtail catch-all always accepts (an OGC API exception document or
    an admin 404 would become a redirect to a page that does not exist)."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.status_code == 404 and request.path_info.startswith(LANGUAGE_NEUTRAL_PREFIXES):
            return response
        return super().process_response(request, response)


class MunicipalityMiddleware:
    """Set ``request.municipality`` from the Wagtail Site of the Host header (None when it has none)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.municipality = None  # type: ignore[attr-defined]  # our own attribute, read by the views
        if not request.path.startswith(LANGUAGE_NEUTRAL_PREFIXES):
            request.municipality = Branding.for_request(request).municipality  # type: ignore[attr-defined]
        return self.get_response(request)
