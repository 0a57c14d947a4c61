"""An archive item's page plays its audio and video (native <audio>/<video> controls, our own file URL), with the
label, a download link and the transcript in a <details>; only for published items of the host's municipality. The
files follow the documents' rule (xenagos/files.py): served through a view that applies the collection's privacy,
never as plain files under /media/. In Chromium the recording loads and has a duration (axe clean)."""

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from wagtail.models import BaseViewRestriction, Collection, CollectionViewRestriction
from wagtailmedia.models import Media

from gis.models import ArchiveItem, ArchiveItemMedia
from tests.archive import wav_bytes
from tests.browser import assert_accessible, site_url
from tests.factories import ArchiveItemFactory

ATHENS = {"HTTP_HOST": "athens.localhost"}
NAFPLIO = {"HTTP_HOST": "nafplio.localhost"}
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "archive"
TRANSCRIPT = "— Πότε χτίστηκε η εκκλησία;\n— Το 1850, με δωρεές των ψαράδων."


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SENDFILE_ROOT = str(settings.MEDIA_ROOT)
    return settings.MEDIA_ROOT


def recorded_item(*, collection: str = "Athens", withdrawn: bool = False, **item) -> ArchiveItem:
    medium = Media.objects.create(
        title="synentefxi-papa",
        file=ContentFile(wav_bytes(1.5), name="synentefxi-papa.wav"),
        type="audio",
        collection=Collection.objects.get(name=collection),
    )
    record = ArchiveItemFactory(dc=[("title", "Συνέντευξη με τον παπά", "el")], withdrawn=withdrawn, **item)
    ArchiveItemMedia.objects.create(
        item=record, media=medium, label_el="Ο παπάς μιλά για την εκκλησία", label_en="The priest on the church",
        transcript_el=TRANSCRIPT,
    )  # fmt: skip
    return record


@pytest.mark.django_db
def test_a_published_items_page_plays_its_recording_with_label_download_and_transcript(client, media_root):
    item = recorded_item()
    page = BeautifulSoup(client.get(f"/el/archive/{item.uid}/", **ATHENS).content, "html.parser")
    (figure,) = page.select("[data-archive-media]")
    audio = figure.find("audio")
    assert audio is not None and audio.has_attr("controls") and figure.find("video") is None
    source = audio.find("source")
    medium = item.media_files.get().media
    assert (source["src"], source["type"]) == (medium.url, "audio/x-wav")
    assert figure.figcaption.get_text(strip=True) == "Ο παπάς μιλά για την εκκλησία"
    assert audio["aria-labelledby"] == figure.figcaption["id"]
    download = figure.select_one("a[download]")
    assert download["href"] == medium.url and "synentefxi-papa.wav" in download.get_text()
    details = figure.find("details")
    assert details.summary.get_text(strip=True) == "Απομαγνητοφώνηση"
    assert "Το 1850, με δωρεές των ψαράδων." in details.get_text()
    served = client.get(source["src"], **ATHENS)
    assert served.status_code == 200 and served["Content-Type"] == "audio/x-wav"
    assert body(served)[:4] == b"RIFF" and served["X-Content-Type-Options"] == "nosniff"
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["associatedMedia"] == [
        {
            "@type": "AudioObject",
            "name": "Ο παπάς μιλά για την εκκλησία",
            "contentUrl": f"http://athens.localhost{medium.url}",
            "encodingFormat": "audio/x-wav",
            "transcript": TRANSCRIPT,
        }
    ]
    english = BeautifulSoup(client.get(f"/en/archive/{item.uid}/", **ATHENS).content, "html.parser")
    assert english.select_one("[data-archive-media] figcaption").get_text(strip=True) == "The priest on the church"
    assert english.select_one("[data-archive-media] details div")["lang"] == "el"  # the Greek transcript, marked


@pytest.mark.django_db
def test_no_page_for_an_unpublished_item_or_on_another_municipalitys_host(client, media_root):
    withdrawn = recorded_item(withdrawn=True)
    assert client.get(f"/el/archive/{withdrawn.uid}/", **ATHENS).status_code == 404
    shown = recorded_item()
    assert client.get(f"/el/archive/{shown.uid}/", **NAFPLIO).status_code == 404
    assert "<audio" not in client.get(f"/el/archive/{shown.uid}/", **NAFPLIO).content.decode()


@pytest.mark.django_db
def test_media_files_follow_the_documents_rule(client, media_root):
    """As a document of an unpublished item stays reachable by its address when its collection is public (Wagtail's
    rule: the collection's privacy decides, not the item), so does its recording; a restricted collection's files
    go only to those it lets in, and no file is served from /media/ as a plain file."""
    withdrawn = recorded_item(withdrawn=True)
    medium = withdrawn.media_files.get().media
    assert client.get(medium.url).status_code == 200  # like /documents/<id>/<name> of the same item
    internal = Collection.objects.get(name="Athens").add_child(name="Athens: internal")
    restriction = CollectionViewRestriction.objects.create(
        collection=internal, restriction_type=BaseViewRestriction.GROUPS
    )
    restriction.groups.set(Group.objects.filter(name__in=["Athens: editors", "Athens: moderators"]))
    medium.collection = internal
    medium.save()
    anonymous = client.get(medium.url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")
    client.force_login(get_user_model().objects.get(username="editor-nafplio"))
    assert client.get(medium.url).status_code == 403
    client.force_login(get_user_model().objects.get(username="editor-athens"))
    allowed = client.get(medium.url)
    assert allowed.status_code == 200 and body(allowed)[:4] == b"RIFF"
    assert "private" in allowed["Cache-Control"]
    # the public page leaves out what a visitor could not play
    published = recorded_item(collection="Athens: internal")
    client.logout()
    assert "<audio" not in client.get(f"/el/archive/{published.uid}/", **ATHENS).content.decode()
    for path in (
        f"/media/{medium.file.name}".replace("/media/media/", "/media/media/../media/"),
        "/media/media/",
        "/media/media/nothing.wav",
        "/media/media_thumbnails/x.jpg",
    ):
        assert client.get(path).status_code == 404, path


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chromium_plays_the_items_recording(media_root, page, live_server):
    item = recorded_item()
    page.goto(site_url(live_server, "athens", f"/el/archive/{item.uid}/"))
    audio = page.locator("[data-archive-media] audio")
    audio.wait_for()
    page.wait_for_function("a => a.readyState >= 1 && a.duration > 0", arg=audio.element_handle())
    assert audio.evaluate("a => Math.round(a.duration * 10) / 10") == 1.5
    audio.evaluate("a => a.play()")  # as the play button does: the file is decoded and the time runs
    page.wait_for_function("a => a.currentTime > 0.3", arg=audio.element_handle())
    page.get_by_text("Απομαγνητοφώνηση").click()
    assert page.get_by_text("Το 1850, με δωρεές των ψαράδων.").is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "archive-item-audio.png"), full_page=True)
    assert_accessible(page)


@pytest.mark.django_db
def test_a_changed_medium_shows_on_the_cached_page_at_once(
    client, settings, media_root, django_capture_on_commit_callbacks
):
    """The page cache (content.cache) starts a new generation when a medium is saved: its title is the caption of
    a row without a label, and a collection's privacy decides whether it shows."""
    settings.XENAGOS_PAGE_CACHE_SECONDS = 300
    with django_capture_on_commit_callbacks(execute=True):  # the setup's own invalidation runs, not left pending
        item = recorded_item()
        row = item.media_files.get()
        row.label_el = ""
        row.save()
    url = f"/el/archive/{item.uid}/"
    assert "synentefxi-papa" in client.get(url, **ATHENS).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        row.media.title = "Ο παπάς, 1962"
        row.media.save()
    assert "Ο παπάς, 1962" in client.get(url, **ATHENS).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        CollectionViewRestriction.objects.create(
            collection=row.media.collection, restriction_type=BaseViewRestriction.LOGIN
        )
    assert "<audio" not in client.get(url, **ATHENS).content.decode()
