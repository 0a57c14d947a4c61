"""Template tags of the public site."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Locale, Page, Site

from content.cache import derived_get_or_set
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


@register.simple_tag(takes_context=True)
def routes_listed(context: template.Context) -> bool:
    """Whether this site lists any route in the active language (gis.views.routes_listed), kept per site and
    language in the page cache's generation (content.cache.derived_get_or_set): publishing, unpublishing, moving or
    deleting a page, or withdrawing a route, starts a new generation, so the link is never stale."""
    request = context.get("request")
    if request is None:
        return False
    site = Site.find_for_request(request)
    if site is None:
        return False
    name = f"routes-listed:{site.pk}:{get_language() or ''}"
    return bool(derived_get_or_set(name=name, compute=lambda: gis_routes_listed(request)))


@register.simple_tag(takes_context=True)
def home_url(context: template.Context) -> str:
    """URL of the site's home page in the active language."""
    request = context["request"]
    site = Site.find_for_request(request)
    if site is None:
        return "/"
    root = site.root_page.localized
    return root.get_url(request) or "/"
