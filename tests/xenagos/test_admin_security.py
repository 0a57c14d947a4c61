"""The admin resists attack: lockout after wrong passwords, two-factor sign-in, Permissions-Policy, no cookies for
visitors. Real POSTs to the Wagtail login through Django's test client, real TOTP codes from the device's key."""

import re
from base64 import b32decode
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db.models import F
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.xenagos.test_project import manage

LOGIN = "/admin/login/"
EDITOR, EDITOR_PASSWORD = "editor-athens", "athens-demo-editor"
LOCKED_EL = "Πάρα πολλές αποτυχημένες προσπάθειες σύνδεσης"
LOCKED_EN = "Too many failed sign-in attempts"


def sign_in(client: Client, username: str, password: str, *, address: str = "127.0.0.1", lang: str = "el", **extra):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=lang,
        **extra,
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def cool_off_passes() -> None:
    """Move every recorded failure 16 minutes into the past (the cool-off is 15)."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_user_at_that_address_even_against_the_right_password(client):
    for attempt in range(4):
        response = sign_in(client, EDITOR, f"wrong-{attempt}")
        assert response.status_code == 200  # Wagtail's own "wrong user name or password"
        assert LOCKED_EL not in response.content.decode()
    response = sign_in(client, EDITOR, "wrong-5")
    assert response.status_code == 429

    response = sign_in(client, EDITOR, EDITOR_PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert LOCKED_EL in page and "σε 15 λεπτά" in page
    assert 'name="username"' in page and 'value="editor-athens"' in page  # the sign-in page, not a bare 403
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
    assert "Permissions-Policy" in response

    english = sign_in(client, EDITOR, EDITOR_PASSWORD, lang="en")
    assert english.status_code == 429
    assert LOCKED_EN in english.content.decode() and "in 15 minutes" in english.content.decode()

    # Only that pair is locked: another editor at the same address, and the same editor elsewhere, sign in.
    assert sign_in(Client(), "editor-nafplio", "nafplio-demo-editor").status_code == 302
    elsewhere = Client()
    assert sign_in(elsewhere, EDITOR, EDITOR_PASSWORD, address="198.51.100.20").status_code == 302
    assert signed_in(elsewhere)

    cool_off_passes()
    response = sign_in(client, EDITOR, EDITOR_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert signed_in(client)


@pytest.mark.django_db
def test_the_lock_shows_the_minutes_that_remain(client):
    for attempt in range(5):
        sign_in(client, EDITOR, f"wrong-{attempt}")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=11, seconds=30))
    response = sign_in(client, EDITOR, EDITOR_PASSWORD, lang="en")
    assert response.status_code == 429
    assert "try again in 4 minutes" in response.content.decode()


@pytest.mark.django_db
def test_twenty_failures_from_one_address_over_many_names_lock_the_address(client):
    address = "203.0.113.9"
    for name in ("alpha", "beta", "gamma", "delta", "epsilon"):
        for attempt in range(4):  # under the per-name limit of 5
            response = sign_in(Client(), name, f"guess-{attempt}", address=address)
    assert response.status_code == 429  # the 20th failure locks the address

    response = sign_in(client, EDITOR, EDITOR_PASSWORD, address=address)
    assert response.status_code == 429 and LOCKED_EL in response.content.decode()
    assert not signed_in(client)
    assert sign_in(Client(), EDITOR, EDITOR_PASSWORD, address="203.0.113.10").status_code == 302

    cool_off_passes()
    assert sign_in(client, EDITOR, EDITOR_PASSWORD, address=address).status_code == 302


@pytest.mark.django_db
def test_x_forwarded_for_is_not_trusted_by_default(client):
    for attempt in range(5):
        sign_in(client, EDITOR, f"wrong-{attempt}", HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")
    response = sign_in(client, EDITOR, EDITOR_PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429  # a new forged address each time does not escape the lock


@pytest.mark.django_db
def test_behind_one_trusted_proxy_the_address_it_appended_counts(client, settings):
    # What base.py sets for XENAGOS_TRUSTED_PROXIES=1 (nginx appending $remote_addr to X-Forwarded-For).
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    proxy = "10.0.0.2"
    for attempt in range(5):  # the attacker forges a different first entry each time
        forged = f"192.0.2.{attempt}, 198.51.100.7"
        sign_in(client, EDITOR, f"wrong-{attempt}", address=proxy, HTTP_X_FORWARDED_FOR=forged)
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"
    locked = sign_in(client, EDITOR, EDITOR_PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert locked.status_code == 429
    other = sign_in(Client(), EDITOR, EDITOR_PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code == 302  # the proxy's own address is not locked for everyone behind it


def secret_from_setup_page(html: str) -> bytes:
    match = re.search(r'<code id="totp-secret" translate="no">([A-Z2-7 ]+)</code>', html)
    assert match, "the set-up page shows the key as text"
    return b32decode(match.group(1).replace(" ", ""))


@pytest.mark.django_db
def test_an_editor_enrols_an_authenticator_and_then_needs_a_code_after_the_password():
    client = Client(HTTP_ACCEPT_LANGUAGE="el")
    assert sign_in(client, EDITOR, EDITOR_PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200  # optional: no device, no code asked

    setup = client.get("/admin/2fa/setup/")
    assert setup.status_code == 200
    html = setup.content.decode()
    assert "Ρύθμιση σύνδεσης δύο βημάτων" in html and "<svg" in html and "<title>" in html
    assert "http://" not in html.split("<svg", 1)[1].split("</svg>")[0].replace("http://www.w3.org", "")
    key = secret_from_setup_page(html)
    assert client.get("/admin/2fa/setup/").content.decode().count(re.search(r"totp-secret[^>]*>([^<]+)", html)[1]) == 1

    wrong = client.post("/admin/2fa/setup/", {"otp_token": f"{(totp(key) + 1) % 1_000_000:06d}", "next": "/admin/"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.exists()
    assert "Ο κωδικός δεν ταιριάζει" in wrong.content.decode()
    assert 'aria-describedby="id_otp_token-error' in wrong.content.decode() or "aria-invalid" in wrong.content.decode()

    done = client.post("/admin/2fa/setup/", {"otp_token": f"{totp(key):06d}", "next": "/admin/pages/"})
    assert done.status_code == 302 and done["Location"] == "/admin/pages/"
    device = TOTPDevice.objects.get(user__username=EDITOR)
    assert device.confirmed and device.bin_key == key

    # A new sign-in: the password alone reaches only the code screen.
    client = Client(HTTP_ACCEPT_LANGUAGE="el")
    assert sign_in(client, EDITOR, EDITOR_PASSWORD).status_code == 302
    held = client.get("/admin/pages/")
    assert held.status_code == 302 and held["Location"] == "/admin/2fa/?next=%2Fadmin%2Fpages%2F"
    assert client.get("/admin/2fa/setup/")["Location"].startswith("/admin/2fa/?")  # no device swap without it
    code_page = client.get(held["Location"])
    assert code_page.status_code == 200 and "Κωδικός σύνδεσης" in code_page.content.decode()

    replay = client.post("/admin/2fa/", {"otp_token": f"{totp(key):06d}", "next": "/admin/pages/"})
    assert replay.status_code == 200  # the enrolment code cannot be used again
    assert "δεν είναι σωστός" in replay.content.decode()

    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes the next try wait 1 s after a wrong code
    good = client.post("/admin/2fa/", {"otp_token": f"{totp(key, drift=1):06d}", "next": "/admin/pages/"})
    assert good.status_code == 302 and good["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/").status_code == 200


@pytest.mark.django_db
def test_wrong_codes_are_throttled():
    user = get_user_model().objects.get(username=EDITOR)
    key = bytes(range(20))
    TOTPDevice.objects.create(user=user, name="authenticator", key=key.hex(), confirmed=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    sign_in(client, EDITOR, EDITOR_PASSWORD, lang="en")
    wrong = f"{(totp(key) + 500) % 1_000_000:06d}"
    assert "not right" in client.post("/admin/2fa/", {"otp_token": wrong}).content.decode()
    # The right code straight after a wrong one waits: django-otp doubles the delay after each failure.
    response = client.post("/admin/2fa/", {"otp_token": f"{totp(key):06d}"})
    assert response.status_code == 200 and "Too many wrong codes: wait 1 second" in response.content.decode()
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_a_superuser_without_a_device_is_sent_to_enrolment_when_it_is_required(settings):
    client = Client(HTTP_ACCEPT_LANGUAGE="el")
    assert sign_in(client, "admin", "xenagos-demo-admin").status_code == 302
    assert client.get("/admin/").status_code == 200  # locally (base settings) the demo login just works

    settings.XENAGOS_TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = True
    response = client.get("/admin/users/")
    assert response.status_code == 302 and response["Location"] == "/admin/2fa/setup/?next=%2Fadmin%2Fusers%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Οι λογαριασμοί διαχειριστή πρέπει να χρησιμοποιούν σύνδεση δύο βημάτων" in page
    assert client.post("/admin/2fa/remove/")["Location"].startswith("/admin/2fa/setup/")
    # An editor (not a superuser) is not forced.
    editor = Client()
    sign_in(editor, EDITOR, EDITOR_PASSWORD)
    assert editor.get("/admin/").status_code == 200


def test_production_settings_require_two_factor_for_superusers():
    from tests.xenagos.test_project import _database_url

    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.XENAGOS_TWO_FACTOR_REQUIRED_FOR_SUPERUSERS,"
        " settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SESSION_COOKIE_AGE)",
        env={
            "DJANGO_SETTINGS_MODULE": "xenagos.settings.production",
            "SECRET_KEY": "q8Vx3!mZ0r$Lw7uK2c#Np9sYe4tGj6hB1dF5aQ-zX_oR+iT%kE&yU*vM@nP(lH)",
            "ALLOWED_HOSTS": "athens.example.gr",
            "DATABASE_URL": _database_url(),
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["True", "True", "True", "28800"]


@pytest.mark.django_db
def test_the_code_screen_loads_the_admin_icons_and_translations_not_a_second_copy_of_itself(client):
    """Every admin page fetches the icon sprite and the JavaScript catalogue; held at the code screen, those must
    still answer (a redirect made the sprite loader insert a second, hidden code form into the page)."""
    user = get_user_model().objects.get(username=EDITOR)
    TOTPDevice.objects.create(user=user, name="authenticator", key=bytes(range(20)).hex(), confirmed=True)
    sign_in(client, EDITOR, EDITOR_PASSWORD)
    assert client.get("/admin/pages/").status_code == 302  # still held at the code screen
    sprite = client.get("/admin/sprite/?h=1")
    assert sprite.status_code == 200 and b"<svg" in sprite.content and b"otp_token" not in sprite.content
    catalogue = client.get("/admin/jsi18n/")
    assert catalogue.status_code == 200 and "javascript" in catalogue["Content-Type"]


@pytest.mark.django_db
def test_a_password_only_session_counts_as_signed_out_outside_the_admin(client):
    user = get_user_model().objects.get(username=EDITOR)
    TOTPDevice.objects.create(user=user, name="authenticator", key=bytes(range(20)).hex(), confirmed=True)
    sign_in(client, EDITOR, EDITOR_PASSWORD)
    page = client.get("/el/", HTTP_HOST="athens.localhost")
    assert page.status_code == 200
    assert page.wsgi_request.user.is_anonymous


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "host"),
    [
        ("/el/", "athens.localhost"),
        ("/el/map/", "athens.localhost"),
        ("/api/features/", "athens.localhost"),
        ("/admin/login/", "127.0.0.1"),
        ("/healthz", "127.0.0.1"),
    ],
)
def test_permissions_policy_on_every_kind_of_response(client, path, host):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    policy = response["Permissions-Policy"]
    assert "geolocation=(self)" in policy
    for feature in ("camera", "microphone", "payment", "usb", "browsing-topics"):
        assert f"{feature}=()" in policy


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/el/", "/en/", "/el/map/", "/el/map/places/?bbox=23.6,37.9,23.8,38.1&zoom=12"])
def test_anonymous_visitors_get_no_cookie(client, path):
    response = client.get(path, HTTP_HOST="athens.localhost")
    assert response.status_code == 200
    assert not response.cookies, response.cookies
    assert "Set-Cookie" not in response


@pytest.mark.django_db
def test_the_session_cookie_is_http_only_same_site_and_ends_within_a_working_day(client):
    response = sign_in(client, EDITOR, EDITOR_PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert client.session.get_expiry_age() <= 8 * 60 * 60


@pytest.mark.browser
def test_lockout_and_enrolment_screens_in_chromium(page, live_server, tmp_path):
    """Greek screens as an editor sees them, accessible (axe), with no console error from Permissions-Policy."""
    from tests.browser import assert_accessible, site_url

    page.goto(site_url(live_server, "athens", "/el/map/"))  # a public page: the header must not upset Chromium
    assert page.evaluate("document.featurePolicy ? document.featurePolicy.allowsFeature('geolocation') : true")
    page.goto(f"{live_server.url}/admin/login/")
    for attempt in range(6):
        page.locator("#id_username").fill(EDITOR)
        page.locator("#id_password").fill(EDITOR_PASSWORD if attempt == 5 else f"wrong-{attempt}")
        page.locator("form button[type=submit]").click()
        page.wait_for_load_state()
    assert page.get_by_text(LOCKED_EL).is_visible()
    assert page.locator("#id_username").input_value() == EDITOR
    page.screenshot(path=tmp_path / "lockout.png", full_page=True)
    assert_accessible(page)
    page.problems.messages[:] = [m for m in page.problems.messages if "429" not in m]  # the expected lockout

    cool_off_passes()
    page.locator("#id_password").fill(EDITOR_PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/2fa/setup/")
    assert page.get_by_role("heading", name="Ρύθμιση σύνδεσης δύο βημάτων").is_visible()
    assert page.get_by_role("img", name="Κωδικός QR του κλειδιού").is_visible()
    page.screenshot(path=tmp_path / "enrolment.png", full_page=True)
    assert_accessible(page)
    key = b32decode(page.locator("#totp-secret").inner_text().replace(" ", ""))
    page.get_by_label("Εξαψήφιος κωδικός από την εφαρμογή ελέγχου ταυτότητας").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Επιβεβαίωση").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.get_by_text("Η σύνδεση δύο βημάτων ενεργοποιήθηκε").is_visible()
    print(f"screenshots in {tmp_path}")


@pytest.mark.django_db
def test_two_factor_reset_command_removes_a_lost_device():
    from io import StringIO

    from django.core.management import CommandError, call_command

    user = get_user_model().objects.get(username=EDITOR)
    TOTPDevice.objects.create(user=user, name="authenticator", key=bytes(range(20)).hex(), confirmed=True)
    out = StringIO()
    call_command("two_factor_reset", EDITOR, stdout=out)
    assert "Removed 1" in out.getvalue() and not TOTPDevice.objects.filter(user=user).exists()
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("two_factor_reset", "nobody")
