"""Archive items' audio and video (wagtailmedia): the record, the uploads (audio or video by their content, not too
large: refused naming the file, nothing saved), the item form's chooser (only the editor's collections, another
municipality's medium refused when posted), wagtailmedia's admin doors tried by Athens' editor on Nafplio's media,
and the rights existing groups were given by migration xgis 0018.

Real files, made here: a WAV by Python's ``wave`` module, OGG Vorbis and MP4 (H.264) by Debian's ffmpeg."""

import importlib
import subprocess

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from wagtail.models import Collection, GroupCollectionPermission
from wagtailmedia.models import Media

from gis.media import media_upload_problem
from gis.models import ArchiveItemMedia
from tests.archive import item_edit_form, wav_bytes
from tests.factories import ArchiveItemFactory

pytestmark = pytest.mark.django_db
ITEMS = "/admin/snippets/xgis/archiveitem/"


def ffmpeg_bytes(tmp_path, name: str, *source: str) -> bytes:
    """A real file encoded by ffmpeg from its test sources (a tone, a test picture), one second long."""
    out = tmp_path / name
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", *source, "-t", "1", str(out)], check=True)
    return out.read_bytes()


TONE = ("-f", "lavfi", "-i", "sine=frequency=440:duration=1")
PICTURE = ("-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=1", "-pix_fmt", "yuv420p")


def medium(title: str, *, collection: str = "Athens", data: bytes | None = None, kind: str = "audio") -> Media:
    return Media.objects.create(
        title=title,
        file=ContentFile(data or wav_bytes(0.2), name=f"{title}.wav"),
        type=kind,
        collection=Collection.objects.get(name=collection),
    )


def logged_in(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SENDFILE_ROOT = str(settings.MEDIA_ROOT)
    return settings.MEDIA_ROOT


def refused(response) -> bool:
    """403/404, or Wagtail's answer to a PermissionDenied: back to the dashboard with an error message."""
    return response.status_code in (403, 404) or (response.status_code == 302 and response["Location"] == "/admin/")


# --- the record


def test_an_item_holds_its_media_in_order_with_labels_and_transcripts():
    item = ArchiveItemFactory()
    song = medium("tragoudi")
    talk = medium("synentefxi")
    ArchiveItemMedia.objects.create(
        item=item, media=talk, sort_order=1, label_el="Συνέντευξη", transcript_el="— Πού γεννηθήκατε;"
    )
    ArchiveItemMedia.objects.create(item=item, media=song, sort_order=0, label_el="Τραγούδι", label_en="Song")
    assert [row.label_el for row in item.media_files.all()] == ["Τραγούδι", "Συνέντευξη"]
    assert str(item.media_files.last()) == "Συνέντευξη"
    song.delete()  # the medium removed from the library: the item no longer lists it
    assert [row.media for row in item.media_files.all()] == [talk]


# --- uploads


@pytest.mark.parametrize(
    ("name", "kind", "source"),
    [
        ("ixos.wav", "audio", None),
        ("ixos.ogg", "audio", TONE),
        ("ixos.m4a", "audio", TONE),
        ("tainia.mp4", "video", PICTURE),
        ("tainia.webm", "video", PICTURE),
        ("tainia.ogv", "video", PICTURE),
    ],
)
def test_real_audio_and_video_pass_the_content_check(tmp_path, name, kind, source):
    data = wav_bytes(0.2) if source is None else ffmpeg_bytes(tmp_path, name, *source)
    assert media_upload_problem(name=name, head=data[:8192], size=len(data), media_type=kind) is None


def test_the_content_decides_not_the_name(tmp_path):
    text = "Πρακτικά δημοτικού συμβουλίου".encode()
    with translation.override("el"):
        problem = media_upload_problem(name="praktika.wav", head=text, size=len(text), media_type="audio")
    assert problem == (
        "Το «praktika.wav» δεν είναι αρχείο ήχου ή βίντεο: το περιεχόμενό του δεν είναι σε καμία γνωστή μορφή ήχου ή "
        "βίντεο."
    )
    with translation.override("en"):  # the same in English
        pdf = b"%PDF-1.4\n%%EOF\n"
        assert "its content is application/pdf" in media_upload_problem(
            name="x.mp3", head=pdf, size=len(pdf), media_type="audio"
        )
        video = ffmpeg_bytes(tmp_path, "v.webm", *PICTURE)
        assert (
            media_upload_problem(name="v.webm", head=video, size=len(video), media_type="audio") is None
        )  # WebM sound
        sound = wav_bytes(0.1)
        assert "is audio (audio/x-wav), not video" in media_upload_problem(
            name="s.wav", head=sound, size=len(sound), media_type="video"
        )


def upload(client: Client, url: str, *, name: str, data: bytes, prefix: str = "", collection: str = "Athens"):
    key = f"{prefix}-" if prefix else ""
    return client.post(
        url,
        {
            f"{key}title": "Ηχογράφηση",
            f"{key}file": SimpleUploadedFile(name, data),
            f"{key}collection": str(Collection.objects.get(name=collection).pk),
            f"{key}duration": "0",
            f"{key}tags": "",
        },
    )


def test_the_admin_refuses_a_file_that_is_not_audio_naming_it_and_saves_nothing():
    editor = logged_in("editor-athens")
    response = upload(editor, "/admin/media/audio/add/", name="praktika.wav", data=b"not a sound at all, only text")
    assert response.status_code == 200
    assert "«praktika.wav»" in response.content.decode()
    assert not Media.objects.exists()
    saved = upload(editor, "/admin/media/audio/add/", name="ixos.wav", data=wav_bytes(0.5))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    (stored,) = Media.objects.all()
    assert (stored.type, stored.collection.name, stored.file.read()[:4]) == ("audio", "Athens", b"RIFF")


def test_the_choosers_upload_refuses_too(settings):
    editor = logged_in("editor-athens")
    url = "/admin/media/audio/chooser/upload/"
    response = upload(editor, url, name="praktika.mp3", data=b"%PDF-1.4\n", prefix="media-chooser-upload")
    assert response.status_code == 200 and "«praktika.mp3»" in response.json()["html"]
    settings.XENAGOS_MEDIA_MAX_UPLOAD_MB = 0.001
    large = upload(editor, url, name="megalo.wav", data=wav_bytes(1.0), prefix="media-chooser-upload")
    assert "Το «megalo.wav» είναι 0.0 MB· το μεγαλύτερο αρχείο που δεχόμαστε είναι 0.001 MB." in large.json()["html"]
    assert not Media.objects.exists()


def test_an_editor_cannot_upload_into_another_municipalitys_collection():
    """Their one collection is the only one they may add to: the form has no collection field, a posted one is
    ignored and the medium goes to their own."""
    editor = logged_in("editor-athens")
    assert 'name="collection"' not in editor.get("/admin/media/audio/add/").content.decode()
    response = upload(editor, "/admin/media/audio/add/", name="ixos.wav", data=wav_bytes(0.2), collection="Nafplio")
    assert response.status_code == 302
    assert list(Media.objects.values_list("collection__name", flat=True)) == ["Athens"]


# --- the item form's chooser


def item_form(item, *, media_id: int) -> dict:
    row = {
        "media": str(media_id),
        "label_el": "Συνέντευξη με τον παπά",
        "label_en": "Interview with the priest",
        "transcript_el": "— Πότε χτίστηκε η εκκλησία;",
        "transcript_en": "",
    }
    return item_edit_form(item, media_files=[row])


def test_the_item_form_takes_only_the_editors_media(athens):
    editor = logged_in("editor-athens")
    item = ArchiveItemFactory(municipality=athens)
    own = medium("athina-synentefxi")
    foreign = medium("nafplio-synentefxi", collection="Nafplio")
    edit = f"{ITEMS}edit/{item.pk}/"
    page = editor.get(edit).content.decode()
    assert "media_files-__prefix__-media" in page and "/admin/media/chooser/" in page
    chooser = editor.get("/admin/media/chooser/").json()["html"]
    assert "athina-synentefxi" in chooser and "nafplio-synentefxi" not in chooser
    posted = editor.post(edit, item_form(item, media_id=foreign.pk))
    assert posted.status_code == 200
    assert "Επιλέξτε μια έγκυρη επιλογή" in posted.content.decode()
    assert not item.media_files.exists()
    saved = editor.post(edit, item_form(item, media_id=own.pk))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    (row,) = item.media_files.all()
    assert (row.media, row.label_en, row.transcript_el) == (
        own,
        "Interview with the priest",
        "— Πότε χτίστηκε η εκκλησία;",
    )


# --- wagtailmedia's admin, tried by Athens' editor on Nafplio's media


def test_every_door_of_wagtailmedias_admin_is_shut_to_another_municipality():
    nafplio_audio = medium("palamidi-ixografisi", collection="Nafplio")
    athens_audio = medium("akropoli-ixografisi")
    attacker = logged_in("editor-athens")
    for url in (
        "/admin/media/",
        "/admin/media/?q=palamidi",
        f"/admin/media/?collection_id={nafplio_audio.collection_id}",
        "/admin/media/chooser/",
        "/admin/media/chooser/audio/",
        "/admin/media/chooser/?q=palamidi",
        "/admin/",
    ):
        response = attacker.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "palamidi-ixografisi" not in body, url
    assert "akropoli-ixografisi" in attacker.get("/admin/media/").content.decode()
    for url in (
        f"/admin/media/edit/{nafplio_audio.pk}/",
        f"/admin/media/delete/{nafplio_audio.pk}/",
        f"/admin/media/chooser/{nafplio_audio.pk}/",
        f"/admin/media/usage/{nafplio_audio.pk}/",
    ):
        response = attacker.get(url)
        assert refused(response), url
        assert "palamidi-ixografisi" not in response.content.decode(), url
    changed = attacker.post(f"/admin/media/edit/{nafplio_audio.pk}/", {"title": "αλλαγμένο"})
    deleted = attacker.post(f"/admin/media/delete/{nafplio_audio.pk}/")
    assert refused(changed) and refused(deleted)
    nafplio_audio.refresh_from_db()
    assert nafplio_audio.title == "palamidi-ixografisi"
    # their own: the usage view answers (the check is on the medium, not on the door)
    assert attacker.get(f"/admin/media/usage/{athens_audio.pk}/").status_code == 200
    assert attacker.get(f"/admin/media/edit/{athens_audio.pk}/").status_code == 200


# --- rights


def test_each_municipalitys_groups_may_add_and_change_media_in_their_collection_only():
    rights = GroupCollectionPermission.objects.filter(permission__content_type__app_label="wagtailmedia")
    granted = set(rights.values_list("group__name", "collection__name", "permission__codename"))
    for town in ("Athens", "Nafplio"):
        for role in ("editors", "moderators"):
            assert {(f"{town}: {role}", town, "add_media"), (f"{town}: {role}", town, "change_media")} <= granted
    assert not rights.filter(collection__depth=1).exists()  # nobody's on the root: every municipality's media


def test_the_migration_gives_existing_groups_media_rights_and_takes_wagtails_defaults_back():
    """Groups made before wagtailmedia (their image rights, no media rights) get them; Wagtail's "Editors" and
    "Moderators", which wagtailmedia's own migrations give root-wide media rights, lose them."""
    media_rights = Permission.objects.filter(content_type__app_label="wagtailmedia")
    GroupCollectionPermission.objects.filter(permission__in=media_rights).delete()
    root = Collection.get_first_root_node()
    editors = Group.objects.get_or_create(name="Editors")[0]
    add_media = media_rights.get(codename="add_media")
    GroupCollectionPermission.objects.create(group=editors, collection=root, permission=add_media)
    editors.permissions.add(add_media)
    importlib.import_module("gis.migrations.0018_archive_item_media").grant(apps, None)
    rights = GroupCollectionPermission.objects.filter(permission__in=media_rights)
    assert set(
        rights.filter(group__name="Nafplio: editors").values_list("collection__name", "permission__codename")
    ) == {
        ("Nafplio", "add_media"),
        ("Nafplio", "change_media"),
    }
    assert not rights.filter(group=editors).exists() and not editors.permissions.filter(pk=add_media.pk).exists()
