"""The branded error pages: 404, 500 and the outage's 503, in the visitor's language, rendered without the
database (these tests have no database access: a query would fail them)."""

import json

import pytest
from django.db import OperationalError
from django.urls import get_resolver

from xenagos import errors


def _raised(error: Exception, handler, request):
    try:
        raise error
    except Exception:  # noqa: BLE001 - the handler reads the exception being handled, as Django calls it
        return handler(request)


def test_the_project_uses_the_branded_handlers():
    resolver = get_resolver()
    assert resolver.resolve_error_handler(404) is errors.page_not_found
    assert resolver.resolve_error_handler(500) is errors.server_error


@pytest.mark.parametrize(
    ("path", "lang", "heading"),
    [("/el/no-such/", "el", "Η σελίδα δεν βρέθηκε"), ("/en/no-such/", "en", "Page not found")],
)
def test_404_speaks_the_urls_language_and_links_home(rf, path, lang, heading):
    response = errors.page_not_found(rf.get(path), None)
    body = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{lang}">' in body and f"<h1>{heading}</h1>" in body
    assert f'href="/{lang}/"' in body


def test_404_of_the_api_is_json(rf):
    response = errors.page_not_found(rf.get("/api/features/nothing-here", HTTP_ACCEPT_LANGUAGE="el"), None)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"code": "NotFound", "description": "Δεν βρέθηκε."}


def test_500_is_branded_in_the_browsers_language_without_the_database(rf):
    response = _raised(RuntimeError("boom"), errors.server_error, rf.get("/admin/x/", HTTP_ACCEPT_LANGUAGE="en-GB"))
    body = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="en">' in body and "<h1>Something went wrong</h1>" in body and "boom" not in body
    greek = _raised(RuntimeError("boom"), errors.server_error, rf.get("/el/x/"))
    assert greek.status_code == 500 and "Κάτι πήγε στραβά" in greek.content.decode()


def test_a_database_error_is_a_503_with_retry_after_not_a_500(rf, settings):
    settings.XENAGOS_OUTAGE_RETRY_AFTER_S = 12
    error = OperationalError('connection to server at "10.0.0.7", port 5432 failed: Connection refused')
    response = _raised(error, errors.server_error, rf.get("/el/map/"))
    body = response.content.decode()
    assert (response.status_code, response["Retry-After"]) == (503, "12")
    assert "no-store" in response["Cache-Control"] and "Accept-Language" in response["Vary"]
    assert "Προσωρινά μη διαθέσιμο" in body and "12 δευτερόλεπτα" in body
    assert "10.0.0.7" not in body and "5432" not in body
    api = _raised(error, errors.server_error, rf.get("/en/map/places/?bbox=1,2,3,4", HTTP_ACCEPT_LANGUAGE="en"))
    assert api.status_code == 503 and api["Retry-After"] == "12"
    assert json.loads(api.content)["code"] == "ServiceUnavailable" and "10.0.0.7" not in api.content.decode()


def test_an_admin_form_sent_during_an_outage_comes_back_to_be_sent_again(rf):
    request = rf.post(
        "/admin/pages/5/edit/",
        {"title": 'Ναός <"Αθηνάς">', "tags": ["a", "b"], "csrfmiddlewaretoken": "tok", "new_password": "hunter2"},
        HTTP_ACCEPT_LANGUAGE="el",
    )
    body = _raised(OperationalError("connection failed"), errors.server_error, request).content.decode()
    assert '<form method="post" action="/admin/pages/5/edit/">' in body
    assert '<input type="hidden" name="title" value="Ναός &lt;&quot;Αθηνάς&quot;&gt;">' in body
    assert body.count('name="tags"') == 2 and 'name="csrfmiddlewaretoken" value="tok"' in body
    assert "hunter2" not in body and "new_password" not in body  # a password is typed again, never echoed
    assert "Αποστολή ξανά" in body and 'href="/admin/"' in body


def test_links_on_the_503_page_cannot_leave_the_site(rf):
    request = rf.get("/")
    request.path = request.path_info = "//evil.example/el/"  # as a server receives it (the factory would parse it)
    body = _raised(OperationalError("x"), errors.server_error, request).content.decode()
    assert 'href="//evil.example' not in body and 'href="/evil.example/el/"' in body


@pytest.mark.browser
def test_the_404_page_in_chromium_is_branded_accessible_and_leads_home(page, live_server):
    from tests.browser import assert_accessible, site_url

    response = page.goto(site_url(live_server, "nafplio", "/en/no-such-place/"))
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.locator(".site-name").inner_text() == "Nafplio"  # the municipality the host belongs to
    assert_accessible(page)
    # the one failed response this test asks for (Chromium also reports it on the console)
    page.problems.messages.remove(f"HTTP 404: {page.url}")
    page.problems.messages.remove(
        "console error: Failed to load resource: the server responded with a status of 404 (Not Found)"
    )
    page.get_by_role("link", name="Back to the home page").click()
    page.wait_for_url(site_url(live_server, "nafplio", "/en/"))
