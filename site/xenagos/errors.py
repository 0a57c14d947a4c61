"""Error pages: 404, 500 and the database outage's 503, branded and in the visitor's language.

They render without the database and without context processors (a 500 or a 503 may be the database's fault): the
language comes from the URL prefix or the browser (Accept-Language, cookie), the municipality's name only from what
``MunicipalityMiddleware`` already loaded. API paths get JSON. An admin form sent while the database is down comes
back as a page that keeps what the editor typed and can send it again.
"""

import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.templatetags.static import static
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

from xenagos.outage import database_error

# Paths and URL names that answer JSON, not HTML.
JSON_PREFIXES = ("/api/", "/tiles/", "/healthz")
JSON_URL_NAMES = {"map-places", "map-near"}
# Fields never written back into a page (a password is typed again).
_SECRET_FIELD_WORDS = ("password", "secret", "token")


def _language(request: HttpRequest) -> str:
    """The URL's language prefix, else the browser's choice, else the default (Greek)."""
    return translation.get_language_from_path(request.path_info) or translation.get_language_from_request(request)


def _wants_json(request: HttpRequest) -> bool:
    if request.path_info.startswith(JSON_PREFIXES):
        return True
    match = getattr(request, "resolver_match", None)
    if match is None:  # the error came before URL resolution; /<lang>/ patterns resolve only in their language
        try:
            with translation.override(_language(request)):
                match = resolve(request.path_info)
        except Resolver404:
            return False
    return match.url_name in JSON_URL_NAMES


def _static(path: str) -> str:
    try:
        return static(path)
    except ValueError:  # no manifest entry (collectstatic not run): the unhashed name still works with WhiteNoise
        return settings.STATIC_URL + path


def _site_name(request: HttpRequest, language: str) -> str:
    municipality = getattr(request, "municipality", None)  # loaded before the error, if at all; never queried here
    if municipality is None:
        return "Xenagos"
    return f"Δήμος {municipality.name_el}" if language == "el" else municipality.name_en


def _resubmittable(request: HttpRequest) -> tuple[list[tuple[str, str]], bool] | None:
    """An admin form's fields (without secrets) and whether it carried files; None when there is nothing to keep."""
    if request.method != "POST" or not request.path_info.startswith("/admin/"):
        return None
    try:
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            if not any(word in name.lower() for word in _SECRET_FIELD_WORDS) or name == "csrfmiddlewaretoken"
            for value in values
        ]
        had_files = bool(request.FILES)
    except Exception:  # noqa: BLE001 - an unreadable body: the page explains without a form
        return None
    return (fields, had_files) if fields else None


def _same_origin_path(request: HttpRequest) -> str:
    """The request's path and query as a link that cannot leave this origin (no "//host" form)."""
    return "/" + request.get_full_path().lstrip("/")


def render_error(request: HttpRequest, *, template: str, status: int, extra: dict | None = None) -> HttpResponse:
    """Render one of the error templates without touching the database."""
    language = _language(request)
    with translation.override(language):
        context = {
            "LANGUAGE_CODE": language,
            "stylesheet": _static("xenagos/css/site.css"),
            "favicon": _static("xenagos/img/favicon.svg"),
            "home_url": "/admin/" if request.path_info.startswith("/admin/") else f"/{language}/",
            "site_name": _site_name(request, language),
            "retry_url": _same_origin_path(request),
            **(extra or {}),
        }
        response = HttpResponse(loader.render_to_string(template, context), status=status)
    response["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language"])
    return response


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 of a database outage: branded HTML (or JSON for API paths) with Retry-After, never cached."""
    retry_after = settings.XENAGOS_OUTAGE_RETRY_AFTER_S
    language = _language(request)
    if _wants_json(request):
        with translation.override(language):
            message = _("The service is briefly unavailable. Please try again in a few seconds.")
        body = {"code": "ServiceUnavailable", "description": message}
        response: HttpResponse = JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
        response["Content-Language"] = language
    else:
        kept = _resubmittable(request)
        extra: dict[str, object] = {"retry_after": retry_after, "resubmit": None, "had_files": False}
        if kept is not None:
            extra["resubmit"], extra["had_files"] = kept
            extra["action"] = _same_origin_path(request)
        response = render_error(request, template="503.html", status=503, extra=extra)
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: the branded 'page not found' page (JSON for API paths)."""
    if _wants_json(request):
        with translation.override(_language(request)):
            message = _("Not found.")
        return JsonResponse({"code": "NotFound", "description": message}, status=404)
    return render_error(request, template="404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 with Retry-After when the database failed, else the branded 500 page."""
    if database_error(sys.exc_info()[1]) is not None:
        return service_unavailable(request)
    return render_error(request, template="500.html", status=500)
