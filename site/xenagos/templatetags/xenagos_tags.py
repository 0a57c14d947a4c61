"""Template tags of the public site."""

from collections.abc import Callable

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Locale, Page, Site

from content.cache import derived_get_or_set
from gis.archive_selectors import archive_exists
from gis.views import routes_listed as gis_routes_listed

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context: template.Context) -> dict:
    """Links to the same thing in every site language: what the view says (``language_urls``: a place, whether
    shown from its page or its record), else a Wagtail page's live translation (or, for a page not translated,
    its nearest translated ancestor's), else the same view's URL with its query string."""
    request = context["request"]
    page = context.get("page")
    given = context.get("language_urls")
    current = get_language()
    links = []
    for code, name in settings.LANGUAGES:
        if given is not None:
            url = given.get(code)
        elif isinstance(page, Page):
            url = _translated_url(request, page, code)
        else:
            url = translate_url(request.get_full_path(), code)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return {"links": links}


def _translated_url(request, page: Page, code: str) -> str | None:
    """The URL of the live translation of ``page`` into ``code``, or of its nearest ancestor that has one."""
    locale = Locale.objects.filter(language_code=code).first()
    if locale is None:
        return None
    for candidate in [page, *page.get_ancestors().filter(depth__gt=1).order_by("-depth")]:
        translation = candidate.get_translation_or_none(locale)
        if translation is not None and translation.live:
            return translation.get_url(request)
    return None


def _site_derived(context: template.Context, *, name: str, compute: Callable[[HttpRequest], bool]) -> bool:
    """``compute(request)`` for the request's site in the active language, kept in the page cache's generation
    (content.cache.derived_get_or_set) under ``name``: any write that makes cached pages stale (publishing,
    unpublishing, moving or deleting a page, withdrawing a record, an import) makes the answer stale too."""
    request = context.get("request")
    if request is None:
        return False
    site = Site.find_for_request(request)
    if site is None:
        return False
    key = f"{name}:{site.pk}:{get_language() or ''}"
    return bool(derived_get_or_set(name=key, compute=lambda: compute(request)))


@register.simple_tag(takes_context=True)
def routes_listed(context: template.Context) -> bool:
    """Whether this site lists any route in the active language (gis.views.routes_listed), kept per site and
    language in the page cache (``_site_derived``), so the header's link is never stale."""
    return _site_derived(context, name="routes-listed", compute=gis_routes_listed)


def _archive_listed(request: HttpRequest) -> bool:
    municipality = getattr(request, "municipality", None)
    return municipality is not None and archive_exists(municipality=municipality)


@register.simple_tag(takes_context=True)
def archive_listed(context: template.Context) -> bool:
    """Whether this site's municipality has published any archive item (gis.archive_selectors.archive_exists),
    kept per site and language in the page cache (``_site_derived``), as the routes link."""
    return _site_derived(context, name="archive-listed", compute=_archive_listed)


@register.simple_tag(takes_context=True)
def home_url(context: template.Context) -> str:
    """URL of the site's home page in the active language."""
    request = context["request"]
    site = Site.find_for_request(request)
    if site is None:
        return "/"
    root = site.root_page.localized
    return root.get_url(request) or "/"
