"""The two-factor screens: give a code after the password, enrol an authenticator app, switch it off."""

from base64 import b32encode
from binascii import unhexlify
from math import ceil
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from wagtail.admin.auth import require_admin_access

from . import TwoFactorCodeError
from .forms import TwoFactorCodeForm
from .services import TOTP_DEVICE_NAME, totp_device_enrol, totp_devices_remove
from .two_factor import two_factor_required

SETUP_KEY_SESSION = "xsecurity_totp_setup_key"  # the key being enrolled; a device is written only once confirmed


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("wagtailadmin_home")


def _with_next(name: str, request: HttpRequest) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next_url(request)})}"


@never_cache
@require_admin_access
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the user's authenticator app (django-otp throttles wrong codes)."""
    user: Any = request.user  # django-otp's middleware adds is_verified()
    if user.is_verified():
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect(_with_next("xsecurity:two_factor_setup", request))
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, info = device.verify_is_allowed()
        if not allowed:
            locked_until = (info or {}).get("locked_until") or timezone.now()
            seconds = max(1, ceil((locked_until - timezone.now()).total_seconds()))
            form.add_error(
                "otp_token",
                ngettext(
                    "Too many wrong codes: wait %(seconds)d second, then enter the code your app shows.",
                    "Too many wrong codes: wait %(seconds)d seconds, then enter the code your app shows.",
                    seconds,
                )
                % {"seconds": seconds},
            )
        elif device.verify_token(form.cleaned_data["otp_token"].replace(" ", "")):
            otp_login(request, device)
            return redirect(_next_url(request))
        else:
            form.add_error(
                "otp_token",
                _("This code is not right or has already been used. Enter the code your app shows now."),
            )
    return render(request, "xenagos_security/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@require_admin_access
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: a new key as a QR code and as text, confirmed by one code from the app."""
    user: Any = request.user  # django-otp's middleware adds is_verified()
    if user_has_device(user, confirmed=True) and not user.is_verified():
        # Replacing a device needs the current one: a stolen password alone must not do it.
        return redirect(_with_next("xsecurity:two_factor_verify", request))
    key_hex = request.session.get(SETUP_KEY_SESSION)
    if not key_hex:
        key_hex = request.session[SETUP_KEY_SESSION] = random_hex(20)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_device_enrol(user=user, key_hex=key_hex, token=form.cleaned_data["otp_token"])
        except TwoFactorCodeError:
            form.add_error(
                "otp_token",
                _(
                    "This code does not match. Check that the app was set up with the key on this page and that "
                    "your phone's clock is right, then enter the code it shows now."
                ),
            )
        else:
            del request.session[SETUP_KEY_SESSION]
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on: after your password you will be asked for a code."))
            return redirect(_next_url(request))
    import segno  # here, not at the top: only this screen and place QR codes draw one, not every process's start

    unsaved = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, key=key_hex)  # only for its otpauth:// URL
    secret = b32encode(unhexlify(key_hex)).decode()
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_svg": segno.make(unsaved.config_url, error="m").svg_inline(
            scale=5, light="#fff", title=_("QR code of the key")
        ),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": two_factor_required(user=user),
        "has_device": user_has_device(user, confirmed=True),
    }
    return render(request, "xenagos_security/two_factor_setup.html", context)


@require_POST
@require_admin_access
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    """Switch two-factor sign-in off for oneself (not where it is required)."""
    user: Any = request.user  # django-otp's middleware adds is_verified()
    if two_factor_required(user=user):
        messages.error(request, _("Your account must use two-factor sign-in; you can set up a new app instead."))
        return redirect("xsecurity:two_factor_setup")
    if user_has_device(user, confirmed=True) and not user.is_verified():
        return redirect(_with_next("xsecurity:two_factor_verify", request))
    totp_devices_remove(user=user)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("wagtailadmin_account")
