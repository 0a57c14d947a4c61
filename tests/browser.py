"""Browser harness: Python Playwright driving Debian's Chromium headless, with axe-core on public pages.

Every browser test fails on what a visitor or an editor would trip over, public and admin pages alike: a response of
400 or more, a request that fails, a JavaScript error (console errors, CSP violations included), a broken image
(``img.complete && naturalWidth == 0``, Leaflet's markers included; a CSS background image that fails is a failed
response) and any request to another host (a CDN). The base-map tile server is the one host a page may contact: the
test settings point the base maps at a blank tile of ours, and a configured host is answered with that tile here.
The pages come from the live server as `make run` serves them: collected static files (hashed names) by WhiteNoise.
A test that asks for an error on purpose says so: ``@pytest.mark.expect_http_error(404)`` (the pages it navigates
to may answer 404; anything they load may not), or ``page.problems.expect(404, url)`` for one response.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = os.environ.get("XENAGOS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = "/static/vendor/axe-core/axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session (Playwright's own browser download is not used)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageProblems:
    """JavaScript errors, failed requests, error responses, foreign hosts and CSP violations seen while a page was
    open, as messages (``HTTP 404: <url>``, ``console error: ...``); ``expect`` lets one error response through."""

    def __init__(self, page: Page):
        self.messages: list[str] = []
        self.expected: list[tuple[int, str | None, bool]] = []  # (status, url or None for any, documents only)
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))
        page.on("console", self._console)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def expect(self, status: int, url: str | None = None, *, documents_only: bool = False) -> None:
        """Let a response with ``status`` (for ``url``, or any URL) through: a test that asks for it on purpose."""
        self.expected.append((status, url, documents_only))

    def _is_expected(self, status: int, url: str, is_document: bool) -> bool:
        return any(
            status == want and (want_url is None or want_url == url) and (is_document or not documents_only)
            for want, want_url, documents_only in self.expected
        )

    def _console(self, message) -> None:
        if message.type != "error":
            return
        # Chromium repeats every error response on the console; an expected one is not a problem there either.
        found = re.match(r"Failed to load resource: the server responded with a status of (\d+)", message.text)
        url = (message.location or {}).get("url", "")
        if found and self._is_expected(int(found.group(1)), url, is_document=True):
            return
        self.messages.append(f"console error: {message.text}")

    def _failed(self, request) -> None:
        if request.failure == "net::ERR_ABORTED":  # a fetch the page itself cancelled (a newer view won)
            return
        if request.failure == "net::ERR_BLOCKED_BY_CLIENT" and not _is_local(request.url):
            return  # a foreign host that the harness refused: reported as such by _route_foreign
        self.messages.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response) -> None:
        if response.status < 400:
            return
        if self._is_expected(response.status, response.url, response.request.resource_type == "document"):
            return
        self.messages.append(f"HTTP {response.status}: {response.url}")


def _is_local(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "127.0.0.1") or host.endswith(".localhost")


_FOREIGN = re.compile(r"^https?://(?!(?:[a-z0-9-]+\.)*localhost[:/]|127\.0\.0\.1[:/])")
_BLANK_TILE = Path(__file__).resolve().parents[1] / "site" / "static" / "xenagos" / "img" / "blank-tile.png"


def _route_foreign(problems: PageProblems, basemap_hosts: set[str]):
    """Answer a configured base-map host with our blank tile; refuse and report any other host."""

    def handle(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname in basemap_hosts:
            route.fulfill(status=200, content_type="image/png", body=_BLANK_TILE.read_bytes())
            return
        problems.messages.append(f"request to another host: {url}")
        route.abort("blockedbyclient")

    return handle


def _basemap_hosts() -> set[str]:
    from django.conf import settings

    return {urlsplit(base["url"].replace("{s}", "a")).hostname or "" for base in settings.BASEMAPS} - {""}


BROKEN_IMAGES = """async () => {
    const images = () => Array.from(document.images).filter(img => img.currentSrc || img.getAttribute('src'));
    const deadline = Date.now() + 5000;  // images still loading get a moment (lazy ones out of view never load)
    while (images().some(img => !img.complete && img.loading !== 'lazy') && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, 50));
    }
    return images().filter(img => img.complete && img.naturalWidth === 0)
        .map(img => (img.currentSrc || img.src) + (img.matches('.leaflet-marker-icon') ? ' (map marker)' : ''));
}"""


def broken_images(page: Page) -> list[str]:
    """URLs of the page's images that finished loading without a picture (``naturalWidth == 0``)."""
    return page.evaluate(BROKEN_IMAGES)


def assert_images_loaded(page: Page) -> None:
    """Fail on any broken image of the page as it is now."""
    broken = broken_images(page)
    assert not broken, f"broken images on {page.url}: {broken}"


def axe_violations(page: Page) -> list[dict]:
    """Serious and critical axe-core violations on the page as it is now (axe is served from our origin)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
        page.add_script_tag(url=origin + AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def assert_accessible(page: Page) -> None:
    """Fail on any serious or critical axe-core violation."""
    violations = axe_violations(page)
    assert not violations, f"axe-core on {page.url}: {violations}"


@pytest.fixture(scope="session")
def live_server(request) -> Iterator[LiveServer]:
    """pytest-django's live server, serving what `make run` serves: the project's WSGI handler alone, so static files
    come from the collected STATIC_ROOT through WhiteNoise (hashed names) and media through our own views, instead of
    Django's test handlers that find static files in their sources and serve every media file."""
    addr = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    server = LiveServer(addr, start=False)
    thread: LiveServerThread = server.thread
    thread.static_handler = lambda media_handler: media_handler.application  # unwrap Django's media handler too
    server.start()
    yield server
    server.stop()


def watched_page(context: BrowserContext) -> Page:
    """A new page of ``context`` whose problems are recorded in ``page.problems`` (and other hosts refused)."""
    page = context.new_page()
    problems = PageProblems(page)
    context.route(_FOREIGN, _route_foreign(problems, _basemap_hosts()))
    page.problems = problems  # type: ignore[attr-defined]
    return page


@pytest.fixture
def page(browser: Browser, live_server, request) -> Iterator[Page]:
    """A fresh browser page. After the test, the page must have shown no error response, failed request, foreign
    host, JS/CSP error or broken image, and a public page must pass axe."""
    context = browser.new_context(locale="el-GR", viewport={"width": 1280, "height": 900})
    page = watched_page(context)
    problems: PageProblems = page.problems  # type: ignore[attr-defined]
    for marker in request.node.iter_markers("expect_http_error"):
        for status in marker.args:
            problems.expect(status, documents_only=True)
    yield page
    try:
        if page.url.startswith("http"):
            problems.messages.extend(f"broken image: {url}" for url in broken_images(page))
            if "/admin/" not in page.url:
                assert_accessible(page)
        assert not problems.messages, "\n".join(problems.messages)
    finally:
        context.close()


def site_url(live_server, subdomain: str, path: str) -> str:
    """URL of ``path`` on a demo municipality's site (``athens`` or ``nafplio``) on the live server.

    Chromium resolves every *.localhost name to the loopback address, so Host-based sites work as deployed.
    """
    port = urlsplit(live_server.url).port
    return f"http://{subdomain}.localhost:{port}{path}"


def admin_log_in(page: Page, live_server, username: str = "editor-athens", password: str = "athens-demo-editor"):
    """Log in to the Wagtail admin through its login form (a demo account; the Athens editor by default)."""
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
