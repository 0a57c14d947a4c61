"""Fixtures shared by the content tests: a real photo on a place page."""

import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from wagtail.images.models import Image
from wagtail.models import Collection

from content.models import PlaceGalleryImage, PlacePage


def photo(name: str) -> Image:
    """A real JPEG (a 600x400 gradient) stored as a Wagtail image in the Athens collection."""
    pixels = PillowImage.linear_gradient("L").resize((600, 400)).convert("RGB")
    buffer = io.BytesIO()
    pixels.save(buffer, format="JPEG")
    return Image.objects.create(
        title=name, file=ImageFile(buffer, name=f"{name}.jpg"), collection=Collection.objects.get(name="Athens")
    )


@pytest.fixture
def acropolis_with_photo():
    page = PlacePage.objects.get(title="Ακρόπολη Αθηνών")
    PlaceGalleryImage.objects.create(page=page, image=photo("parthenon-west"), alt_text="Ο Παρθενώνας από τα δυτικά")
    page.save_revision().publish()
    return page


def page_edit_data(client, page, **changes) -> dict:
    """A place page's edit form as the admin posts it (its current values, no body or gallery rows), with
    ``changes``; ``client`` is logged in as an editor who may open the page."""
    form = client.get(f"/admin/pages/{page.pk}/edit/").context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data = {key: value for key, value in data.items() if not isinstance(value, (list, dict))}
    data.update(
        {
            "title": page.title,
            "slug": page.slug,
            "place": page.place_id,
            "summary": page.summary,
            "body-count": "0",
            "gallery_images-TOTAL_FORMS": "0",
            "gallery_images-INITIAL_FORMS": "0",
            "gallery_images-MIN_NUM_FORMS": "0",
            "gallery_images-MAX_NUM_FORMS": "1000",
            **changes,
        }
    )
    return data
