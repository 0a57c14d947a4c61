"""The browser harness itself can fail: axe-core reports a real violation, and CSP blocks foreign scripts."""

import pytest

from tests.browser import axe_violations, site_url

pytestmark = pytest.mark.browser


def test_axe_reports_an_image_without_alt_text(page, live_server):
    page.goto(site_url(live_server, "athens", "/el/"))
    assert axe_violations(page) == []
    page.evaluate("""() => { const img = document.createElement('img'); img.id = 'no-alt';
        img.src = '/static/xenagos/img/favicon.svg'; document.querySelector('main').appendChild(img); }""")
    assert [v["id"] for v in axe_violations(page)] == ["image-alt"]
    page.evaluate("() => document.getElementById('no-alt').remove()")


def test_csp_blocks_an_inline_script_without_the_nonce(page, live_server):
    page.goto(site_url(live_server, "nafplio", "/en/"))
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';
        document.body.appendChild(s); }""")
    assert page.evaluate("() => window.injected === undefined")
    assert any("Content Security Policy" in message for message in page.problems.messages)
    page.problems.messages.clear()
