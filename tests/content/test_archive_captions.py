"""A film of an archive item carries its captions (WCAG 1.2.2): WebVTT text the editor gives in Greek and English,
checked by webvtt-py when saved, served at /<lang>/archive/<uid>/captions/<id>/<language>.vtt as text/vtt only for
a published item of the host's municipality, and a <track> of the page's <video> that Chromium loads and shows."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import override
from wagtail.models import Collection
from wagtailmedia.models import Media

from gis.models import ArchiveItemMedia
from tests.browser import assert_accessible, site_url
from tests.factories import ArchiveItemFactory
from tests.gis.test_archive_media import PICTURE, ffmpeg_bytes

ATHENS = {"HTTP_HOST": "athens.localhost"}
NAFPLIO = {"HTTP_HOST": "nafplio.localhost"}
GREEK = "WEBVTT\n\n00:00:00.000 --> 00:00:00.900\nΤο λιμάνι το 1950.\n"
ENGLISH = "WEBVTT\n\n00:00:00.000 --> 00:00:00.900\nThe harbour in 1950.\n"


@pytest.fixture
def film(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SENDFILE_ROOT = str(settings.MEDIA_ROOT)
    medium = Media.objects.create(
        title="limani",
        file=ContentFile(ffmpeg_bytes(tmp_path, "limani.webm", *PICTURE), name="limani.webm"),
        type="video",
        width=64,
        height=48,
        collection=Collection.objects.get(name="Athens"),
    )
    item = ArchiveItemFactory(dc=[("title", "Το λιμάνι", "el")])
    row = ArchiveItemMedia.objects.create(
        item=item, media=medium, label_el="Το λιμάνι", captions_el=GREEK, captions_en=ENGLISH
    )
    return item, row


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("00:00:00.000 --> 00:00:01.000\nχωρίς επικεφαλίδα\n", "αρχίζουν με τη γραμμή WEBVTT"),  # no header
        ("WEBVTT\n\n00:00:00.000 -> 00:00:01.000\nκακή ώρα\n", "χρονισμένο τμήμα"),  # not a timing line
        ("WEBVTT\n", "χρονισμένο τμήμα"),  # no cue
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nα\n\n00:00:05.000 --> 00:00:04.500\nβ\n", "Ο υπότιτλος 2 τελειώνει"),
    ],
)
@pytest.mark.django_db
def test_captions_that_are_not_webvtt_are_refused_with_the_reason_in_greek(film, text, reason):
    _item, row = film
    row.captions_el = text
    with override("el"), pytest.raises(ValidationError) as raised:
        row.full_clean()
    with override("el"):
        assert reason in " ".join(raised.value.message_dict["captions_el"])


@pytest.mark.django_db
def test_cues_apart_by_milliseconds_are_captions(film):
    _item, row = film
    row.captions_el = "\ufeffWEBVTT\n\n00:01.200 --> 00:01.500\nένα\n\n00:01.500 --> 00:01.900\nδύο\n"
    row.full_clean()


@pytest.mark.django_db
def test_the_video_has_a_captions_track_per_language_served_as_webvtt(client, film, nafplio):
    item, row = film
    html = client.get(f"/el/archive/{item.uid}/", **ATHENS).content.decode()
    greek_url = f"/el/archive/{item.uid}/captions/{row.pk}/el.vtt"
    assert f'<track kind="captions" srclang="el" label="Ελληνικά" src="{greek_url}" default>' in html
    assert f'srclang="en" label="English" src="/el/archive/{item.uid}/captions/{row.pk}/en.vtt">' in html
    answer = client.get(greek_url, **ATHENS)
    assert (answer.status_code, answer["Content-Type"]) == (200, "text/vtt; charset=utf-8")
    assert answer.content.decode() == GREEK
    english = client.get(f"/en/archive/{item.uid}/", **ATHENS).content.decode()
    assert 'srclang="en" label="English"' in english and 'en.vtt" default>' in english  # the visitor's first
    assert client.get(greek_url, **NAFPLIO).status_code == 404  # another municipality's host
    assert client.get(f"/el/archive/{item.uid}/captions/{row.pk}/fr.vtt", **ATHENS).status_code == 404
    item.withdrawn = True
    item.save()
    assert client.get(greek_url, **ATHENS).status_code == 404


@pytest.mark.browser
@pytest.mark.django_db
def test_chromium_loads_and_shows_the_captions(film, page, live_server):
    item, _row = film
    page.goto(site_url(live_server, "athens", f"/el/archive/{item.uid}/"))
    video = page.locator("[data-archive-media] video")
    video.wait_for()
    page.wait_for_function(
        "v => v.textTracks.length === 2 && v.textTracks[0].mode === 'showing' && v.textTracks[0].cues"
        " && v.textTracks[0].cues.length === 1",
        arg=video.element_handle(),
    )
    assert video.evaluate("v => v.textTracks[0].cues[0].text") == "Το λιμάνι το 1950."
    assert video.evaluate("v => v.textTracks[0].language") == "el"
    assert_accessible(page)
