"""The browser harness itself can fail: axe-core reports a real violation, CSP blocks foreign scripts, and broken
images, error responses and other hosts are problems; pages get the collected (hashed) static files."""

import re

import pytest

from tests.browser import axe_violations, broken_images, site_url

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


def test_pages_load_collected_static_files_by_their_hashed_names(page, live_server):
    page.goto(site_url(live_server, "athens", "/el/map/"))
    stylesheets = page.eval_on_selector_all("link[rel=stylesheet]", "links => links.map(link => link.href)")
    assert stylesheets and all(re.search(r"\.[0-9a-f]{12}\.css$", href) for href in stylesheets), stylesheets
    cache_control = page.evaluate(
        "href => fetch(href).then(r => r.ok && r.headers.get('cache-control'))", stylesheets[0]
    )
    assert "immutable" in cache_control  # WhiteNoise serves them, for good


def test_a_broken_image_a_missing_file_and_another_host_are_problems(page, live_server):
    page.goto(site_url(live_server, "athens", "/el/"))
    page.evaluate("""() => new Promise(done => {
        const img = document.createElement('img'); img.alt = 'not a picture'; img.onerror = done;
        img.src = document.querySelector('link[rel=stylesheet]').href + '?broken';  // a 200, but no picture
        document.querySelector('main').appendChild(img); })""")
    assert [url.endswith(".css?broken") for url in broken_images(page)] == [True]
    page.evaluate("() => fetch('/static/no-such-file.js').catch(() => null)")
    page.wait_for_timeout(300)
    assert any(m.startswith("HTTP 404: ") and m.endswith("/static/no-such-file.js") for m in page.problems.messages)
    page.evaluate("() => document.querySelector('img[alt=\"not a picture\"]').remove()")
    # Our pages' CSP already stops other hosts; a page without it (about:blank) shows the harness stops them too.
    page.goto("about:blank")
    page.set_content('<img alt="x" src="https://cdn.example.org/leaflet.png">')
    page.wait_for_timeout(300)
    assert "request to another host: https://cdn.example.org/leaflet.png" in page.problems.messages
    page.problems.messages.clear()


@pytest.mark.expect_http_error(404)
def test_an_expected_404_page_is_no_problem_but_what_it_loads_still_is(page, live_server):
    response = page.goto(site_url(live_server, "nafplio", "/el/no-such-page/"))
    assert response.status == 404 and page.problems.messages == []
    page.evaluate("() => fetch('/static/no-such-file.css').catch(() => null)")
    page.wait_for_timeout(300)
    assert [m for m in page.problems.messages if m.startswith("HTTP 404")] != []
    page.problems.messages.clear()
