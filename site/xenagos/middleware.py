"""Wiring middleware: which municipality a public request is for."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from content.models import Branding

SKIPPED_PREFIXES = ("/static/", "/media/", "/admin/", "/healthz", "/documents/", "/api/", "/tiles/")


class MunicipalityMiddleware:
    """Set ``request.municipality`` from the Wagtail Site of the Host header (None when it has none)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.municipality = None
        if not request.path.startswith(SKIPPED_PREFIXES):
            request.municipality = Branding.for_request(request).municipality
        return self.get_response(request)
