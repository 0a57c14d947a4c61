"""Browser harness: Python Playwright driving Debian's Chromium headless, with axe-core on public pages."""

import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

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
    """JavaScript errors, failed requests and CSP violations seen while a page was open."""

    def __init__(self, page: Page):
        self.messages: list[str] = []
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))
        page.on(
            "console",
            lambda message: (
                self.messages.append(f"console {message.type}: {message.text}") if message.type == "error" else None
            ),
        )
        page.on(
            "requestfailed",
            lambda request: (
                self.messages.append(f"request failed: {request.url} ({request.failure})")
                if request.failure != "net::ERR_ABORTED"  # a fetch the page itself cancelled (a newer view won)
                else None
            ),
        )
        page.on(
            "response",
            lambda response: (
                self.messages.append(f"HTTP {response.status}: {response.url}") if response.status >= 400 else None
            ),
        )


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


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A fresh browser page. After the test, a public page must show no JS/CSP/network errors and pass axe."""
    context = browser.new_context(locale="el-GR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = PageProblems(page)
    page.problems = problems  # type: ignore[attr-defined]
    yield page
    try:
        if page.url.startswith("http") and "/admin/" not in page.url:
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
