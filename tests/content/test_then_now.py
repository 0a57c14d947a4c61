"""A place page's "then and now" (issue #15): an old photograph of the municipality's archive, chosen by the editor,
beside the page's photo of today. Shown only for a published item of the place's municipality with an image, and
only with a photo of today; the form and the model refuse another municipality's item, the chooser offers only the
page's municipality's, and the photo of today must be one the editor may choose."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.urls import reverse
from PIL import Image as PillowImage
from PIL import ImageOps
from wagtail.images.models import Image
from wagtail.models import Collection, Locale

from content.models import PlacePage
from gis.models import ArchiveItem, ArchiveItemImage, Municipality
from tests.content.conftest import page_edit_data, photo
from tests.factories import ArchiveItemFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
ATHENS = {"HTTP_HOST": "athens.localhost"}
CC_BY = "http://creativecommons.org/licenses/by/4.0/"


def sepia(name: str, *, collection: str = "Athens") -> Image:
    """A real JPEG (800x600, brown tones) as a Wagtail image of ``collection``: the old photograph's scan."""
    grey = PillowImage.linear_gradient("L").rotate(90).resize((800, 600))
    pixels = ImageOps.colorize(grey, black="#2b1a0a", white="#e8d3a9")
    buffer = io.BytesIO()
    pixels.save(buffer, format="JPEG")
    return Image.objects.create(
        title=name, file=ImageFile(buffer, name=f"{name}.jpg"), collection=Collection.objects.get(name=collection)
    )


def old_photograph(*, municipality: Municipality | None = None, collection: str = "Athens") -> ArchiveItem:
    """A published item (a dated photograph, CC BY) with one image and its alternative texts."""
    kwargs = {"municipality": municipality} if municipality else {}
    item = ArchiveItemFactory(
        dc=[("title", "Η Ακρόπολη από τον Φιλοπάππου", "el"), ("date", "1925", ""), ("type", "StillImage", "")],
        **kwargs,
    )
    item.rights = CC_BY
    item.save()
    ArchiveItemImage.objects.create(
        item=item,
        image=sepia(f"akropoli-1925-{item.pk}", collection=collection),
        alt_el="Η Ακρόπολη το 1925, χωρίς δέντρα στις πλαγιές",
        alt_en="The Acropolis in 1925, with bare slopes",
    )
    return item


def acropolis() -> PlacePage:
    return PlacePage.objects.get(title="Ακρόπολη Αθηνών")


def pair_on(page: PlacePage, item: ArchiveItem | None, *, now: Image | None = None) -> PlacePage:
    page.then_item = item
    page.now_image = now if now is not None else photo("akropoli-2024")
    page.now_alt_text = page.now_alt_text or "Η Ακρόπολη σήμερα, με πεύκα στις πλαγιές"
    page.now_year = 2024
    page.save_revision().publish()
    return PlacePage.objects.get(pk=page.pk)


def html_of(client, page: PlacePage) -> str:
    response = client.get(page.get_url(), **ATHENS)
    assert response.status_code == 200
    return response.content.decode()


def test_the_pair_of_a_published_item_of_the_municipality_shows_with_its_caption(client):
    item = old_photograph()
    page = pair_on(acropolis(), item)
    html = html_of(client, page)
    assert 'class="then-now"' in html and "Τότε και τώρα" in html
    assert 'alt="Η Ακρόπολη το 1925, χωρίς δέντρα στις πλαγιές"' in html
    assert 'alt="Η Ακρόπολη σήμερα, με πεύκα στις πλαγιές"' in html
    assert f'href="/el/archive/{item.uid}/">Η Ακρόπολη από τον Φιλοπάππου</a>' in html
    assert "Τότε, 1925:" in html and "Τώρα, 2024" in html
    assert f'href="{CC_BY}" rel="license">CC BY 4.0</a>' in html
    assert 'data-then-date="1925" data-now-date="2024"' in html
    assert 'type="range"' in html and "content/js/then-now." in html and "content/css/then-now." in html
    # the same crop for both, so they line up: 3:2 renditions at the same two widths
    sources = re.findall(r'class="then-now__(?:then|now)" src="([^"]+)" srcset="([^"]+)"', html)
    assert len(sources) == 2
    for src, srcset in sources:
        assert ".fill-1200x800" in src and ".fill-600x400" in srcset and ".fill-1200x800" in srcset


def test_english_shows_the_english_alternative_text_and_the_slider_label(client):
    greek = acropolis()
    english = greek.get_translation(Locale.objects.get(language_code="en"))
    english.now_alt_text = "The Acropolis today, with pines on its slopes"  # a translator's text
    pair_on(greek, old_photograph())
    english = pair_on(english, greek.then_item, now=PlacePage.objects.get(pk=greek.pk).now_image)
    html = html_of(client, english)
    assert 'alt="The Acropolis in 1925, with bare slopes"' in html and "Then and now" in html
    assert "Compare 1925 (left) with 2024 (right)" in html and "Then, 1925:" in html


def test_a_withdrawn_or_unpublished_item_never_shows(client):
    item = old_photograph()
    page = pair_on(acropolis(), item)
    assert 'class="then-now"' in html_of(client, page)
    ArchiveItem.objects.filter(pk=item.pk).update(withdrawn=True)
    html = html_of(client, page)
    assert 'class="then-now"' not in html and "akropoli-1925" not in html and "content/js/then-now." not in html
    ArchiveItem.objects.filter(pk=item.pk).update(withdrawn=False, municipality=None)  # in no municipality
    assert 'class="then-now"' not in html_of(client, page)


def test_another_municipalitys_item_never_shows_even_if_written_behind_the_forms_back(client, nafplio):
    page = pair_on(acropolis(), old_photograph())
    foreign = old_photograph(municipality=nafplio, collection="Nafplio")
    PlacePage.objects.filter(pk=page.pk).update(then_item=foreign)  # a row forged in the database
    html = html_of(client, page)
    assert 'class="then-now"' not in html and f"akropoli-1925-{foreign.pk}" not in html


def test_no_pair_without_a_photo_of_today_or_without_an_image(client):
    item = old_photograph()
    page = pair_on(acropolis(), item)
    PlacePage.objects.filter(pk=page.pk).update(now_image=None)
    assert 'class="then-now"' not in html_of(client, page)
    PlacePage.objects.filter(pk=page.pk).update(now_image=photo("akropoli-2025"))
    assert 'class="then-now"' in html_of(client, page)
    item.images.all().delete()
    assert 'class="then-now"' not in html_of(client, page)


def test_the_model_refuses_another_municipalitys_item(nafplio):
    foreign = old_photograph(municipality=nafplio, collection="Nafplio")
    page = acropolis()
    page.then_item = foreign
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "then_item" in error.value.message_dict
    with pytest.raises(ValidationError):
        page.save(clean=False)
    revision = acropolis().save_revision()
    revision.content["then_item"] = foreign.pk
    revision.save(update_fields=["content"])
    with pytest.raises(ValidationError):
        revision.publish()
    assert PlacePage.objects.get(pk=page.pk).then_item_id is None


@pytest.fixture
def athens_editor(client):
    client.force_login(User.objects.get(username="editor-athens"))
    return client


def test_the_form_saves_a_pair_of_its_own_municipality(athens_editor):
    item, now = old_photograph(), photo("akropoli-today")
    page = acropolis()
    data = page_edit_data(
        athens_editor, page, then_item=item.pk, now_image=now.pk, now_alt_text="Σήμερα", now_year="2024"
    )
    response = athens_editor.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    draft = PlacePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert (draft.then_item_id, draft.now_image_id, draft.now_year) == (item.pk, now.pk, 2024)


def test_the_form_refuses_another_municipalitys_item_posted_by_id(athens_editor, nafplio):
    foreign = old_photograph(municipality=nafplio, collection="Nafplio")
    page = acropolis()
    revisions = page.revisions.count()
    data = page_edit_data(athens_editor, page, then_item=foreign.pk, now_image=photo("x").pk, now_alt_text="Σήμερα")
    response = athens_editor.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "then_item" in errors and "Η Ακρόπολη από τον Φιλοπάππου" in errors["then_item"][0]
    assert "Δήμου Αθηναίων" in errors["then_item"][0]
    assert page.revisions.count() == revisions
    assert PlacePage.objects.get(pk=page.pk).then_item_id is None


def test_the_form_refuses_an_image_of_another_municipalitys_collection(athens_editor):
    nafplio_photo = sepia("nafplio-today", collection="Nafplio")
    page = acropolis()
    data = page_edit_data(
        athens_editor, page, then_item=old_photograph().pk, now_image=nafplio_photo.pk, now_alt_text="x"
    )
    response = athens_editor.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 200 and "now_image" in response.context["form"].errors


def test_the_form_refuses_another_municipalitys_image_in_the_gallery(athens_editor):
    """The same door for the gallery's photos (it let an Athens editor post a Nafplio image's id until now)."""
    nafplio_photo = sepia("nafplio-gallery", collection="Nafplio")
    page = acropolis()
    revisions = page.revisions.count()
    data = page_edit_data(athens_editor, page)
    data.update(
        {
            "gallery_images-TOTAL_FORMS": "1",
            "gallery_images-0-image": nafplio_photo.pk,
            "gallery_images-0-alt_text": "Το Παλαμήδι",
            "gallery_images-0-caption": "",
            "gallery_images-0-ORDER": "1",
            "gallery_images-0-id": "",
        }
    )
    response = athens_editor.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 200
    assert "image" in response.context["form"].formsets["gallery_images"].forms[0].errors
    assert page.revisions.count() == revisions
    data["gallery_images-0-image"] = photo("athens-gallery").pk  # the editor's own: saved
    assert athens_editor.post(f"/admin/pages/{page.pk}/edit/", data).status_code == 302


def test_the_form_asks_for_both_halves_and_the_alternative_text(athens_editor):
    page = acropolis()
    without_image = ArchiveItemFactory(dc=[("title", "Χωρίς εικόνα", "el")])
    data = page_edit_data(athens_editor, page, then_item=without_image.pk)
    errors = athens_editor.post(f"/admin/pages/{page.pk}/edit/", data).context["form"].errors
    assert "Χωρίς εικόνα" in errors["then_item"][0] and "now_image" in errors
    data = page_edit_data(athens_editor, page, now_image=photo("only-now").pk)
    errors = athens_editor.post(f"/admin/pages/{page.pk}/edit/", data).context["form"].errors
    assert "then_item" in errors and "now_alt_text" in errors


@pytest.fixture
def editor_of_both(client):
    user = User.objects.create_user(username="editor-both", password="x")
    user.groups.add(Group.objects.get(name="Athens: editors"), Group.objects.get(name="Nafplio: editors"))
    client.force_login(user)
    return client


def chooser_url(name: str, *args) -> str:
    return reverse(ArchiveItem.snippet_viewset.chooser_viewset.get_url_name(name), args=args)


def test_the_chooser_offers_only_the_page_municipalitys_items(editor_of_both, athens, nafplio):
    own, foreign = old_photograph(), old_photograph(municipality=nafplio, collection="Nafplio")
    html = editor_of_both.get(f"/admin/pages/{acropolis().pk}/edit/").content.decode()
    assert set(re.findall(r"choose/xgis/archiveitem/\?municipality=(\d+)&(?:amp;)?images=1", html)) == {str(athens.pk)}
    without_image = ArchiveItemFactory(dc=[("title", "Χωρίς εικόνα", "el")])
    listed = editor_of_both.get(chooser_url("choose"), {"municipality": athens.pk, "images": "1"}).json()["html"]
    assert chooser_url("chosen", own.pk) in listed and chooser_url("chosen", foreign.pk) not in listed
    assert chooser_url("chosen", without_image.pk) not in listed  # the form asks for items with an image
    everything = editor_of_both.get(chooser_url("choose"), {"municipality": athens.pk}).json()["html"]
    assert chooser_url("chosen", without_image.pk) in everything  # a chooser that does not ask gets them all
    assert "1925" in listed  # the date beside the title
    assert re.search(r'name="images" value="1"', listed)  # a search keeps to items with an image
    query = {"municipality": athens.pk, "images": "1", "q": "ΦΙΛΟΠΑΠΠΟΥ"}
    assert chooser_url("chosen", own.pk) in editor_of_both.get(chooser_url("choose_results"), query).content.decode()
    query["q"] = "εικόνα"
    assert (
        chooser_url("chosen", without_image.pk)
        not in editor_of_both.get(chooser_url("choose_results"), query).content.decode()
    )


def test_the_chooser_of_an_athens_editor_does_not_give_a_nafplio_item(athens_editor, nafplio):
    foreign = old_photograph(municipality=nafplio, collection="Nafplio")
    assert athens_editor.get(chooser_url("chosen", foreign.pk)).status_code == 404
    listed = athens_editor.get(chooser_url("choose"), {"municipality": nafplio.pk}).json()["html"]
    assert chooser_url("chosen", foreign.pk) not in listed
