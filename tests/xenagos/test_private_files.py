"""Private files stay private: documents only through Wagtail's checked view, image renditions public, nothing else
under MEDIA_ROOT and nothing of the import work folder reachable by URL; settings that would leak are refused."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.checks import run_checks
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import BaseViewRestriction, Collection, CollectionViewRestriction
from wagtail.utils.sendfile import _get_sendfile

from content.models import PlaceGalleryImage, PlacePage
from tests.browser import site_url

pytestmark = pytest.mark.django_db

PROGRAMME = "Πρόγραμμα εκδηλώσεων 2026: Παναθήναια, 14 Αυγούστου.\n".encode()
MINUTES = b"%PDF-1.4\n% minutes of the municipal council, not public\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    """MEDIA_ROOT (and the sendfile root that follows it) in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SENDFILE_ROOT = str(settings.MEDIA_ROOT)
    return settings.MEDIA_ROOT


@pytest.fixture
def sendfile_backend(settings):
    """Switch django-sendfile2's backend for one test (Wagtail caches the backend it loaded)."""

    def switch(name: str) -> None:
        settings.SENDFILE_BACKEND = name
        _get_sendfile.clear()

    yield switch
    _get_sendfile.clear()


def user(username: str):
    return get_user_model().objects.get(username=username)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def document(*, name: str, data: bytes, collection: Collection) -> Document:
    return Document.objects.create(title=name, file=ContentFile(data, name=name), collection=collection)


@pytest.fixture
def athens_collection():
    return Collection.objects.get(name="Athens")


@pytest.fixture
def internal(athens_collection):
    """A sub-collection of Athens' documents that only Athens' editors and moderators may open."""
    collection = athens_collection.add_child(name="Athens: internal")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=BaseViewRestriction.GROUPS
    )
    restriction.groups.set(Group.objects.filter(name__in=["Athens: editors", "Athens: moderators"]))
    return collection


def test_a_public_document_is_served_by_wagtails_view_and_never_from_media(client, media, athens_collection):
    doc = document(name="programme.txt", data=PROGRAMME, collection=athens_collection)
    assert doc.url == f"/documents/{doc.pk}/programme.txt"
    response = client.get(doc.url)
    assert response.status_code == 200 and body(response) == PROGRAMME
    assert response["Content-Type"].startswith("text/plain") and not response.has_header("Content-Encoding")
    assert (media / doc.file.name).read_bytes() == PROGRAMME  # the file is there, and yet:
    for url in [f"/media/{doc.file.name}", "/media/documents/", f"/media/images/../{doc.file.name}"]:
        assert client.get(url).status_code == 404, url
    assert client.get(f"/documents/{doc.pk}/other-name.txt").status_code == 404


def test_a_restricted_document_is_refused_to_visitors_and_other_municipalities(client, media, internal):
    doc = document(name="minutes.pdf", data=MINUTES, collection=internal)
    anonymous = client.get(doc.url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")
    assert MINUTES not in body(anonymous)

    client.force_login(user("editor-nafplio"))
    other = client.get(doc.url)
    assert other.status_code == 403 and MINUTES not in body(other)  # a 403, not a loop back to the login page
    assert "Δεν είναι διαθέσιμο σε εσάς" in other.content.decode()  # in the visitor's language

    for permitted in ("editor-athens", "admin"):
        client.force_login(user(permitted))
        response = client.get(doc.url)
        assert response.status_code == 200 and body(response) == MINUTES, permitted
        assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
        assert client.get(f"/media/{doc.file.name}").status_code == 404  # not even for those who may read it


def test_a_login_restriction_lets_any_signed_in_user_read(client, media, athens_collection):
    collection = athens_collection.add_child(name="Athens: staff")
    CollectionViewRestriction.objects.create(collection=collection, restriction_type=BaseViewRestriction.LOGIN)
    doc = document(name="staff-notice.txt", data=PROGRAMME, collection=collection)
    assert client.get(doc.url).status_code == 302
    client.force_login(user("editor-nafplio"))
    assert body(client.get(doc.url)) == PROGRAMME


def test_in_production_the_proxy_sends_the_document_only_after_the_check(client, media, internal, sendfile_backend):
    """nginx: an empty response naming the file in the `internal` location; Apache: X-Sendfile with its path."""
    doc = document(name="minutes.pdf", data=MINUTES, collection=internal)
    sendfile_backend("django_sendfile.backends.nginx")
    client.force_login(user("editor-athens"))
    response = client.get(doc.url)
    assert response.status_code == 200 and response["X-Accel-Redirect"] == f"/protected-media/{doc.file.name}"
    assert body(response) == b"" and "private" in response["Cache-Control"]
    client.force_login(user("editor-nafplio"))
    refused = client.get(doc.url)
    assert refused.status_code == 403 and not refused.has_header("X-Accel-Redirect")
    client.logout()
    assert not client.get(doc.url).has_header("X-Accel-Redirect")

    sendfile_backend("django_sendfile.backends.xsendfile")
    client.force_login(user("editor-athens"))
    assert client.get(doc.url)["X-Sendfile"] == str(media / doc.file.name)


def photo(name: str, collection: Collection) -> Image:
    """A real JPEG stored as a Wagtail image."""
    buffer = io.BytesIO()
    PillowImage.linear_gradient("L").resize((600, 400)).convert("RGB").save(buffer, format="JPEG")
    return Image.objects.create(title=name, file=ImageFile(buffer, name=f"{name}.jpg"), collection=collection)


def test_place_pages_show_their_photos_and_originals_are_not_served(client, media, athens_collection):
    image = photo("parthenon-west", athens_collection)
    page = PlacePage.objects.get(title="Ακρόπολη Αθηνών")
    PlaceGalleryImage.objects.create(page=page, image=image, alt_text="Ο Παρθενώνας από τα δυτικά")
    page.save_revision().publish()
    html = client.get("/el/places/akropoli-athinon/", HTTP_HOST="athens.localhost").content.decode()
    sources = re.findall(r'<img[^>]* src="(/media/[^"]+)"', html)
    assert sources, "the place page shows its photo"
    for src in sources:
        response = client.get(src, HTTP_HOST="athens.localhost")
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert body(response)[:3] == b"\xff\xd8\xff" and "public" in response["Cache-Control"]
        assert client.get(src, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    assert (media / image.file.name).is_file()
    assert client.get(f"/media/{image.file.name}").status_code == 404  # original_images/: not linked, not served


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chromium_shows_the_place_pages_photo(media, page, live_server):
    """What a visitor sees: the photo loads (the harness also fails on any failed request or axe violation)."""
    image = photo("parthenon-west", Collection.objects.get(name="Athens"))
    place_page = PlacePage.objects.get(title="Ακρόπολη Αθηνών")
    PlaceGalleryImage.objects.create(page=place_page, image=image, alt_text="Ο Παρθενώνας από τα δυτικά")
    place_page.save_revision().publish()
    page.goto(site_url(live_server, "athens", "/el/places/akropoli-athinon/"))
    photo_element = page.get_by_alt_text("Ο Παρθενώνας από τα δυτικά")
    photo_element.wait_for()
    page.wait_for_function("img => img.complete", arg=photo_element.element_handle())
    assert photo_element.evaluate("img => [img.naturalWidth, new URL(img.src).pathname.split('/')[2]]") == [
        600,
        "images",
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/media/images/../documents/secret.txt",
        "/media/images/%2e%2e/documents/secret.txt",
        "/media/images/..%2fdocuments/secret.txt",
        "/media/images//documents/secret.txt",
        "/media/images/./../documents/secret.txt",
        "/media/images\\..\\documents\\secret.txt",
        "/media/images/secret%00.txt",
        "/media/documents/secret.txt",
        "/media/Images/../documents/secret.txt",
        "/media/images",
        "/media/",
    ],
)
def test_no_path_leaves_the_public_media_folders(client, media, path):
    (media / "documents").mkdir(parents=True)
    (media / "documents" / "secret.txt").write_bytes(MINUTES)
    response = client.get(path)
    assert response.status_code in (400, 404) and MINUTES not in body(response)


def test_the_import_work_folder_is_never_served(client, settings, tmp_path, media):
    settings.XENAGOS_IMPORT_ROOT = tmp_path / "imports"
    upload = settings.XENAGOS_IMPORT_ROOT / "run-7" / "upload.zip"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"PK\x05\x06" + bytes(18))
    for url in [
        "/media/../imports/run-7/upload.zip",
        "/media/images/../../imports/run-7/upload.zip",
        "/media/imports/run-7/upload.zip",
        "/static/../imports/run-7/upload.zip",
        "/imports/run-7/upload.zip",
        "/el/imports/run-7/upload.zip",
        "/documents/../imports/run-7/upload.zip",
        "/tiles/../imports/run-7/upload.zip",
    ]:
        response = client.get(url, follow=True)
        assert response.status_code == 404 and b"PK\x05\x06" not in body(response), url


def test_an_import_folder_inside_media_is_refused_and_still_not_served(client, settings, media):
    settings.XENAGOS_IMPORT_ROOT = media / "imports"
    (media / "imports").mkdir(parents=True)
    (media / "imports" / "upload.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    assert client.get("/media/imports/upload.zip").status_code == 404
    assert "xenagos.E103" in {message.id for message in run_checks(tags=["security"])}


def test_the_default_settings_pass_the_private_files_checks():
    assert not [m for m in run_checks(tags=["security"]) if m.id.startswith("xenagos.")]


@pytest.mark.parametrize(
    ("setting", "value", "check"),
    [
        ("WAGTAILDOCS_SERVE_METHOD", "direct", "xenagos.E101"),
        ("WAGTAILDOCS_SERVE_METHOD", "redirect", "xenagos.E101"),
        ("SENDFILE_BACKEND", "django_sendfile.backends.simple", "xenagos.E102"),
    ],
)
def test_settings_that_would_skip_the_check_are_refused(settings, setting, value, check):
    setattr(settings, setting, value)
    assert check in {message.id for message in run_checks(tags=["security"])}
