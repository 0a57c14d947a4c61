"""Two-factor sign-in for the admin: who must give a code, and the middleware that sends them to do so.

A user with a confirmed TOTP device must give a code after their password before any admin page; a superuser
without one is sent to enrolment first when ``XENAGOS_TWO_FACTOR_REQUIRED_FOR_SUPERUSERS`` is on (production).
Until then the session counts as signed out everywhere outside the admin (documents, previews, the userbar).
"""

from collections.abc import Callable
from typing import Literal, Protocol, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp import user_has_device

from xenagos.csp import ADMIN_PREFIXES

Step = Literal["verify", "setup"]


class VerifiableUser(Protocol):
    """A signed-in user as django-otp's OTPMiddleware leaves it on the request."""

    is_superuser: bool

    def is_verified(self) -> bool: ...


def two_factor_required(*, user: VerifiableUser) -> bool:
    """Whether this user may not use the admin without a TOTP device (superusers, when the setting is on)."""
    return bool(user.is_superuser and settings.XENAGOS_TWO_FACTOR_REQUIRED_FOR_SUPERUSERS)


def two_factor_step(*, user: VerifiableUser) -> Step | None:
    """What a signed-in user still has to do before the admin: give a code, enrol a device, or nothing."""
    if user.is_verified():
        return None
    if user_has_device(user, confirmed=True):
        return "verify"
    if two_factor_required(user=user):
        return "setup"
    return None


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware: hold a password-only session at the code (or enrolment) screen."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            step = two_factor_step(user=cast(VerifiableUser, user))
            if step is not None:
                if not request.path.startswith(ADMIN_PREFIXES):
                    request.user = AnonymousUser()
                    request.user.is_verified = lambda: False  # type: ignore[attr-defined]  # as django-otp does
                elif request.path not in self.exempt_paths():
                    target = reverse(f"xsecurity:two_factor_{step}")
                    return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def exempt_paths() -> set[str]:
        """Admin paths a half-signed-in user may reach: our two screens, sign-out, and what every admin page loads
        (the icon sprite and the JavaScript translations, which name nothing of anyone's)."""
        names = [
            "xsecurity:two_factor_verify",
            "xsecurity:two_factor_setup",
            "wagtailadmin_logout",
            "wagtailadmin_sprite",
            "wagtailadmin_javascript_catalog",
        ]
        return {reverse(name) for name in names} | {reverse("wagtailadmin_login")}
