"""Uploading a PO file of translations (wagtail-localize's translation editor, "Upload PO file"): bad files are told
to the editor and change nothing; a file downloaded from the same translation imports; another municipality's
translation is refused. Without content.admin_views.pofile_upload, a POST without a file or a PO file without
wagtail-localize's header was a server error."""

import polib
import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import Site
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from content.models import PlacePage

pytestmark = pytest.mark.django_db


def _translation(hostname: str) -> Translation:
    """The English translation of the first Greek place page of a demo municipality."""
    home = Site.objects.get(hostname=hostname).root_page
    page = PlacePage.objects.filter(locale__language_code="el", path__startswith=home.path).order_by("path").first()
    source = TranslationSource.objects.get_for_instance(page)
    return Translation.objects.get(source=source, target_locale__language_code="en")


def _editor(client, username: str = "editor-athens"):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _upload_url(translation: Translation) -> str:
    return f"/admin/localize/translate/{translation.pk}/pofile/upload/"


def _said(response) -> list[str]:
    return [message.message for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("data", "told"),
    [
        ({}, "Επιλέξτε ένα αρχείο PO"),
        ({"file": SimpleUploadedFile("x.po", b"\x89PNG\r\n\x1a\n\x00\x00binary")}, "Μεταφορτώστε ένα έγκυρο αρχείο PO"),
        (
            {"file": SimpleUploadedFile("x.po", b'msgid ""\nmsgstr ""\n"Language: en\\n"\n\nmsgid "a"\nmsgstr "b"\n')},
            "δεν αναφέρει σε ποια μετάφραση ανήκει",
        ),
    ],
    ids=["no file", "not a PO file", "a PO file of no translation"],
)
def test_a_bad_upload_is_told_and_changes_nothing(client, data, told):
    """The editor is told (in Greek, the admin's language for the demo editors) what is wrong with the file."""
    translation = _translation("athens.localhost")
    before = StringTranslation.objects.filter(locale=translation.target_locale).count()
    response = _editor(client).post(_upload_url(translation), data)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{translation.get_target_instance().pk}/edit/"
    assert any(told in message for message in _said(response)), _said(response)
    assert StringTranslation.objects.filter(locale=translation.target_locale).count() == before


def test_a_po_file_downloaded_from_the_translation_imports(client):
    translation = _translation("athens.localhost")
    editor = _editor(client)
    download = editor.get(f"/admin/localize/translate/{translation.pk}/pofile/download/")
    assert download.status_code == 200
    catalogue = polib.pofile(download.content.decode())
    entry = catalogue[0]
    entry.msgstr = "Uploaded English text"
    upload = SimpleUploadedFile("page.po", str(catalogue).encode())
    response = editor.post(_upload_url(translation), {"file": upload, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert any(message.startswith("Οι μεταφράσεις εισήχθησαν από το αρχείο PO") for message in _said(response))
    assert StringTranslation.objects.filter(locale=translation.target_locale, data="Uploaded English text").exists()


def test_another_municipalitys_translation_is_refused_before_its_file_is_read(client):
    translation = _translation("nafplio.localhost")
    before = StringTranslation.objects.filter(locale=translation.target_locale).count()
    response = _editor(client).post(_upload_url(translation), {})
    assert response.status_code == 403 or response["Location"] == "/admin/"  # Wagtail's refusal: back to the dashboard
    assert StringTranslation.objects.filter(locale=translation.target_locale).count() == before
