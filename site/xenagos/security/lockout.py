"""Login throttling with django-axes: a lock per user name and address, a higher one per address alone.

* user name + address: ``AXES_FAILURE_LIMIT`` failures (5) lock that user name *from that address* for
  ``AXES_COOLOFF_TIME`` (15 minutes). The same editor at another address, and every other editor, can still sign
  in, so an attacker cannot lock a real editor out by guessing at their name.
* address alone: ``XENAGOS_LOGIN_FAILURE_LIMIT_PER_ADDRESS`` failures (20) over any user names lock the address,
  which stops one machine trying many names. It is higher because a town hall's editors share one address.

Failures count while they come less than a cool-off apart; a lock lifts one cool-off after the failure that set
it (attempts during a lock are refused without being counted, so the time we show is the time it takes).
"""

from datetime import timedelta
from math import ceil

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from wagtail.admin.views.account import get_user_login_form, password_reset_enabled


def _recent(attempts: QuerySet[AccessAttempt], request: HttpRequest) -> QuerySet[AccessAttempt]:
    return attempts.filter(attempt_time__gte=get_cool_off_threshold(request))


def _address(request: HttpRequest) -> str:
    """The client's address, as axes' middleware stored it on the request."""
    return request.axes_ip_address  # type: ignore[attr-defined]  # set by axes


def _address_attempts(request: HttpRequest) -> QuerySet[AccessAttempt]:
    return _recent(AccessAttempt.objects.filter(ip_address=_address(request)), request)


def address_failures(request: HttpRequest) -> int:
    """Failed sign-ins from the request's address, over all user names, within the cool-off."""
    return _address_attempts(request).aggregate(n=Sum("failures_since_start"))["n"] or 0


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler (user name + address) with a second, higher limit per address alone."""

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return settings.AXES_LOCK_OUT_AT_FAILURE and (
            address_failures(request) >= settings.XENAGOS_LOGIN_FAILURE_LIMIT_PER_ADDRESS
        )

    def user_login_failed(self, sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False) or not settings.AXES_LOCK_OUT_AT_FAILURE:
            return
        if address_failures(request) >= settings.XENAGOS_LOGIN_FAILURE_LIMIT_PER_ADDRESS:
            request.axes_locked_out = True  # type: ignore[attr-defined]  # axes' own flags on the request
            request.axes_credentials = credentials  # type: ignore[attr-defined]
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=_address(request),
            )


def lockout_remaining(*, request: HttpRequest, credentials: dict | None) -> timedelta:
    """How long until the lock on this request lifts (one cool-off after the last counted failure)."""
    cool_off = get_cool_off(request) or timedelta(0)
    attempts = _address_attempts(request)
    username = get_client_username(request, credentials)
    mine = attempts.filter(username=username)
    if (mine.aggregate(n=Sum("failures_since_start"))["n"] or 0) >= get_failure_limit(request, credentials):
        attempts = mine  # locked as this user name at this address, not as the whole address
    last = attempts.aggregate(last=Max("attempt_time"))["last"]
    if last is None:
        return cool_off
    return max(last + cool_off - timezone.now(), timedelta(0))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The Wagtail sign-in page again, with "too many failed attempts; try again in N minutes" in the admin's
    language (429 with Retry-After), instead of axes' bare English page (``AXES_LOCKOUT_CALLABLE``)."""
    remaining = lockout_remaining(request=request, credentials=credentials)
    minutes = max(1, ceil(remaining.total_seconds() / 60))
    message = ngettext(
        "Too many failed sign-in attempts. For your security, signing in is paused: try again in %(minutes)d minute.",
        "Too many failed sign-in attempts. For your security, signing in is paused: try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    username = get_client_username(request, credentials) or ""
    form = get_user_login_form()(request, initial={"username": username})
    form.full_clean()  # an unbound form: no field errors, only ours
    form.cleaned_data = {}
    form.add_error(None, message)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    context = {"form": form, "next": next_url, "show_password_reset": password_reset_enabled(), "minutes": minutes}
    response = render(request, "xenagos_security/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = str(max(1, ceil(remaining.total_seconds())))
    return response
