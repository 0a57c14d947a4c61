"""The public page cache: anonymous HTML kept in Django's cache framework, invalidated by a generation number.

What is cached: GET/HEAD under ``/<lang>/`` (home, map page, place pages, place records, lists, the data page, and
the map's places by view, DATA_PATHS) from a visitor who sends no cookie that changes a page (no session, no
messages), answered 200 ``text/html`` (JSON for DATA_PATHS) without ``Set-Cookie``, without a ``Vary`` other than
Cookie, without a CSRF token in it and without ``Cache-Control: private/no-store``. The key is the generation,
scheme, host and full path (with the language prefix and the query string).

Invalidation: every write that can change a public page (``content.signals``: page publish/unpublish/delete, places,
texts, vocabularies, branding, areas, layers, images, imports' bulk SQL through ``gis.signals.public_data_changed``)
replaces the **generation**, a random token kept in the same cache, once its transaction commits. Entries of older
generations are never read again and expire. One generation for all municipalities: simple and correct; a
publish in one municipality costs the others one render per page.

CSP nonces. Public pages carry inline scripts and styles allowed by the response's CSP nonce (``xenagos.csp``).
An entry stores the page with the headers it was answered with, its CSP header included, so a hit answers with
the nonce its body was rendered with. The trade-off: that nonce is the same for every visitor until the entry
expires or the generation changes, so anyone can read it. That still protects as the nonce is meant to: an
injection can only come from what a page renders, and every render (a miss) draws a fresh nonce that the injected
text could not know; a cached body never changes, and every input that can change a body (host, scheme, path,
query string) is in the key, so no visitor can get an injection into an entry whose nonce they already know. What
it does not protect against is markup that reads the nonce and reuses it in the same document (true of any
nonce). See README, "Page cache".

ETag and Last-Modified: a cacheable response gets ``ETag`` (hash of the stored body, nonce included, so a 304
never pairs a browser's copy with another nonce) and ``Last-Modified`` (when it was stored);
``If-None-Match`` / ``If-Modified-Since`` are answered 304 from the entry (without a CSP header: the browser keeps
the one of its copy).

Where it sits: first after ``SecurityMiddleware`` and WhiteNoise, before sessions, locale, CSRF, auth, messages,
CSP and the municipality lookup, so a hit costs none of them and no database query (pages stay up while the
database is away), and a miss sees the final response (cookies, Vary and CSP header included).
"""

import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

logger = logging.getLogger(__name__)

GENERATION_KEY = "xenagos:pages:generation"
KEY_PREFIX = "xenagos:page:v1:"  # bump when Entry changes: older entries are then never read
DERIVED_PREFIX = "xenagos:derived:v1:"  # values pages derive from public data (derived_get_or_set)
_MISSING = object()
MAX_PATH_LENGTH = 2000  # longer URLs are rendered, not cached (they would only fill the cache)
# Cookies that can change what a public page shows; a request with any of them is never served from the cache.
PERSONAL_COOKIES = ("messages",)
# Response headers an entry does not keep: the server sets Date and Content-Length, this module the others.
DROPPED_HEADERS = {"date", "content-length", "etag", "last-modified", "set-cookie"}
# JSON under /<lang>/ that is the same for every visitor and worth keeping: the map's places of a view (every
# visitor's first view of a map asks the same). Never "near me" (/map/near/): its query is a visitor's position.
DATA_PATHS = ("/map/places/", "/map/routes/")  # and the routes list's map (the same for every visitor)
DATA_TYPES = ("application/geo+json", "application/json")
# A Vary that a cached answer may have: the page cache is only read without a session cookie, which is what
# "Vary: Cookie" (Django's sessions) asks; anything else varies on what the key does not hold.
CACHEABLE_VARY = {"cookie"}


@dataclass(frozen=True)
class Entry:
    """One cached page: its body, the headers it was answered with (its CSP nonce too), ETag and store time."""

    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    stored_at: float


def _cache():
    return caches[getattr(settings, "XENAGOS_PAGE_CACHE_ALIAS", "default")]


def _seconds() -> int:
    return int(getattr(settings, "XENAGOS_PAGE_CACHE_SECONDS", 0))


def generation() -> str:
    """The current generation token (made on first use, or again after the cache lost it)."""
    cache = _cache()
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        token = cache.get(GENERATION_KEY)
    return token


def pages_invalidate() -> None:
    """Make every cached page stale at once (a new generation); their entries expire unread."""
    try:
        _cache().set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # a cache outage must not fail the editor's write; entries still expire
        logger.exception("page cache: could not replace the generation; cached pages expire by their timeout")


class _Invalidation:
    """One pending invalidation of a transaction (so that a thousand writes in it cost one new generation)."""

    done = False

    def __call__(self) -> None:
        self.done = True
        pages_invalidate()


def pages_invalidate_on_commit() -> None:
    """Invalidate once the current transaction commits (at once outside a transaction); one call per transaction.
    A pending invalidation that a rolled-back savepoint dropped is no longer in ``run_on_commit``, so the next write
    registers a new one."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        pages_invalidate()
        return
    pending = getattr(connection, "_xenagos_pages_invalidation", None)
    if pending is not None and not pending.done and any(entry[1] is pending for entry in connection.run_on_commit):
        return
    pending = _Invalidation()
    connection._xenagos_pages_invalidation = pending
    transaction.on_commit(pending)


def derived_get_or_set(*, name: str, compute: Callable[[], Any]) -> Any:
    """A value that public pages derive from public data (e.g. whether a site lists routes, for its header), kept
    in the page cache under the current generation, so the writes that make cached pages stale (content.signals)
    make it stale too; kept as long as pages are (XENAGOS_PAGE_CACHE_SECONDS; with 0, ``compute()`` every time).
    ``name`` says what it is and for which site and language; the value must be picklable."""
    seconds = _seconds()
    if seconds <= 0:
        return compute()
    try:
        key = f"{DERIVED_PREFIX}{generation()}:{name}"
        value = _cache().get(key, _MISSING)
    except Exception:  # a cache outage costs the computation, never the page
        logger.exception("page cache: could not read %s", name)
        return compute()
    if value is _MISSING:
        value = compute()
        try:
            _cache().set(key, value, seconds)
        except Exception:
            logger.exception("page cache: could not keep %s", name)
    return value


def _cacheable_path(path: str) -> bool:
    return any(path.startswith(f"/{code}/") for code, _name in settings.LANGUAGES)


def _data_path(path: str) -> bool:
    """A JSON endpoint of DATA_PATHS (``path`` without its /<lang> prefix)."""
    return path[path.find("/", 1) :] in DATA_PATHS


def request_is_cacheable(request: HttpRequest) -> bool:
    """A GET/HEAD of a public page by a visitor without a session or another cookie that changes the page."""
    if _seconds() <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if not _cacheable_path(request.path) or len(request.get_full_path()) > MAX_PATH_LENGTH:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and not any(name in cookies for name in PERSONAL_COOKIES)


def response_is_cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    """A 200 HTML page that is the same for every anonymous visitor (no cookie set, no CSRF token, no Vary but
    Cookie)."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith(DATA_TYPES if _data_path(request.path) else ("text/html",)):
        return False
    vary = {value.strip().lower() for value in response.get("Vary", "").split(",") if value.strip()}
    if vary - CACHEABLE_VARY:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if "private" in cache_control or "no-store" in cache_control or "no-cache" in cache_control:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or b"csrfmiddlewaretoken" in response.content:
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and (getattr(messages, "added_new", False) or getattr(messages, "used", False)))


def _key(request: HttpRequest, token: str) -> str:
    # The language is the path's prefix (/el/..., /en/...), so the full path holds it.
    parts = "\n".join((token, request.scheme or "", request.get_host(), request.get_full_path()))
    return KEY_PREFIX + hashlib.sha256(parts.encode()).hexdigest()


def _conditional(request: HttpRequest, response: HttpResponse, entry: Entry) -> HttpResponse:
    """Add ETag, Last-Modified and the cache lifetimes; a matching If-None-Match/If-Modified-Since gives a 304."""
    response["ETag"] = entry.etag
    response["Last-Modified"] = http_date(entry.stored_at)
    if response.get("Content-Type", "").startswith("text/html"):  # data keeps the lifetime its view gave it
        # Browsers revalidate each time (cheap: a 304); a CDN in front (WAGTAILFRONTENDCACHE) may keep the page for
        # XENAGOS_CDN_MAX_AGE seconds, and is purged when pages are published.
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        cdn_seconds = int(getattr(settings, "XENAGOS_CDN_MAX_AGE", 0))
        if cdn_seconds > 0:
            patch_cache_control(response, s_maxage=cdn_seconds)
    return get_conditional_response(request, etag=entry.etag, last_modified=int(entry.stored_at), response=response)  # type: ignore[return-value]


def _from_entry(entry: Entry) -> HttpResponse:
    response = HttpResponse(entry.content)
    for name, value in entry.headers:
        response[name] = value
    response["Content-Length"] = str(len(entry.content))  # CommonMiddleware, which sets it, does not run for a hit
    return response


class PageCacheMiddleware:
    """Serve anonymous public pages from the cache; store the cacheable ones; answer conditional GETs with 304.

    Sits right after ``SecurityMiddleware`` and WhiteNoise, outside every other middleware (see the module's
    docstring): a hit replays the stored response, CSP header and all, without running them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request_is_cacheable(request):
            response = self.get_response(request)
            if _cacheable_path(request.path) and response.get("Content-Type", "").startswith("text/html"):
                patch_cache_control(response, private=True)  # a CDN must never keep a personal page
            return response
        try:
            token = generation()
            key = _key(request, token)
            entry = _cache().get(key)
        except DisallowedHost:
            entry = key = None  # Django answers 400 as usual (rendered outside this block: no chained traceback)
        except Exception:  # the cache being down must cost a render, not the page
            logger.warning("page cache unavailable; rendering without it", exc_info=True)
            entry = key = None
        if key is None:
            return self.get_response(request)
        if entry is not None:
            return _conditional(request, _from_entry(entry), entry)
        response = self.get_response(request)
        if not isinstance(response, HttpResponse) or not response_is_cacheable(request, response):
            return response
        content = response.content
        entry = Entry(
            content=content,
            headers=tuple((name, value) for name, value in response.items() if name.lower() not in DROPPED_HEADERS),
            etag='"' + hashlib.sha256(content).hexdigest()[:32] + '"',
            stored_at=float(int(time.time())),
        )
        try:
            _cache().set(key, entry, _seconds())
        except Exception:  # not storing costs the next visitor a render, nothing else
            logger.warning("page cache: could not store %s", request.path, exc_info=True)
        return _conditional(request, response, entry)
