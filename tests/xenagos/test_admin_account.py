"""An editor's own account page: language preference saved, no script errors (issue 12, defect 7)."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from tests.browser import admin_log_in
from tests.gis.test_place_admin import screenshots

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def save_account(page) -> None:
    page.locator("#w-editor-form button[type=submit]").first.click()  # not the sidebar search
    page.wait_for_load_state()


def test_an_editor_switches_the_admin_to_english_and_back(page, live_server):
    """The demo editors had no name or e-mail, which Wagtail's account form requires, so the language could not be
    saved; and the time-zone list held Debian's "localtime", on which the page's script threw a RangeError (the
    page fixture fails on any console error)."""
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/account/")
    page.locator("select[name$=preferred_language]").select_option("en")
    save_account(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshots(page, "account-english")
    editor = get_user_model().objects.get(username="editor-athens")
    assert UserProfile.get_for_user(editor).preferred_language == "en"
    page.goto(f"{live_server.url}/admin/account/")
    page.locator("select[name$=preferred_language]").select_option("el")
    save_account(page)
    expect(page.locator("html")).to_have_attribute("lang", "el")
    assert UserProfile.get_for_user(editor).preferred_language == "el"
    assert editor.email == "editor-athens@example.org" and editor.get_full_name()
