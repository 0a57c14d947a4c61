"""Permissions-Policy on every response: geolocation for our own origin (the map's "near me"), everything else off."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def permissions_policy_header(*, policy: dict[str, list[str]]) -> str:
    """Serialise ``{"geolocation": ["self"], "camera": []}`` as ``geolocation=(self), camera=()``.

    ``"self"`` and ``"*"`` are written bare, origins as quoted strings (the header is a structured-field
    dictionary, RFC 8941)."""
    members = []
    for feature, allowed in policy.items():
        items = " ".join(item if item in ("self", "*") else f'"{item}"' for item in allowed)
        members.append(f"{feature}=({items})")
    return ", ".join(members)


class PermissionsPolicyMiddleware:
    """Add ``settings.PERMISSIONS_POLICY`` as the Permissions-Policy header unless a view set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        self.value = permissions_policy_header(policy=settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.value)
        return response
