"""Every page's form (content.forms.MunicipalPageForm) takes images only among those the editor may choose, their
municipality's collection: a Nafplio image's id posted by Athens' editor into a route page's gallery, a place
page's body is refused and nothing is saved; their own image is saved. The choosers
already offered only Athens' images; before this form, Wagtail's own saved whatever id was posted."""

import json

import pytest
from django.contrib.auth import get_user_model
from wagtail.images.models import Image
from wagtail.models import Collection

from content.models import PlacePage, RoutePage
from tests.content.conftest import photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def athens_editor(client):
    client.force_login(get_user_model().objects.get(username="editor-athens"))
    return client


def nafplio_image() -> Image:
    image = photo("palamidi")
    image.collection = Collection.objects.get(name="Nafplio")
    image.save()
    return image


def edit_data(client, page, **changes) -> dict:
    """The page's edit form as the admin posts it: its current field values, its inline panels empty, no body
    blocks, then ``changes``."""
    form = client.get(f"/admin/pages/{page.pk}/edit/").context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data = {key: value for key, value in data.items() if not isinstance(value, (list, dict))}
    data["body-count"] = "0"
    for prefix in form.formsets:
        data.update({f"{prefix}-{key}": value for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))})
        data.update({f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    data.update(changes)
    return data


def gallery_row(image: Image) -> dict:
    return {
        "gallery_images-TOTAL_FORMS": "1",
        "gallery_images-0-image": str(image.pk),
        "gallery_images-0-alt_text": "Μια φωτογραφία",
        "gallery_images-0-caption": "",
        "gallery_images-0-ORDER": "1",
        "gallery_images-0-id": "",
    }


def test_a_route_pages_gallery_refuses_another_municipalitys_image(athens_editor):
    page = RoutePage.objects.filter(route_record__municipality__code="9186", locale__language_code="el").first()
    assert page is not None  # the demo's Athens route
    revisions = page.revisions.count()
    data = edit_data(athens_editor, page, **gallery_row(nafplio_image()))
    response = athens_editor.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 200
    assert "image" in response.context["form"].formsets["gallery_images"].forms[0].errors
    assert page.revisions.count() == revisions
    data.update(gallery_row(photo("kerameikos")))
    assert athens_editor.post(f"/admin/pages/{page.pk}/edit/", data).status_code == 302
    assert page.revisions.count() == revisions + 1


def test_a_place_pages_body_refuses_another_municipalitys_image_block(athens_editor):
    page = PlacePage.objects.get(title="Ακρόπολη Αθηνών")
    revisions = page.revisions.count()

    def body_with(image: Image) -> dict:
        return {
            "body-count": "1",
            "body-0-type": "image",
            "body-0-deleted": "",
            "body-0-order": "0",
            "body-0-id": "",
            "body-0-value-image": str(image.pk),
            "body-0-value-decorative": "",
            "body-0-value-alt_text": "Το Παλαμήδι",
        }

    theirs = nafplio_image()
    data = edit_data(athens_editor, page, **body_with(theirs))
    response = athens_editor.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 200
    assert "palamidi" in json.dumps(response.context["form"].errors.get_json_data(), ensure_ascii=False)
    assert page.revisions.count() == revisions
    data.update(body_with(photo("propylaia")))
    assert athens_editor.post(f"/admin/pages/{page.pk}/edit/", data).status_code == 302
    assert page.revisions.count() == revisions + 1
