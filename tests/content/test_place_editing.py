"""Editors write place pages: photos with alternative text, review workflow, preview; the map follows."""

import pytest
from django.contrib.auth import get_user_model

from content.models import PlaceGalleryImage, PlacePage
from gis.models import PlaceText
from tests.content.conftest import photo

pytestmark = pytest.mark.django_db


def test_published_photo_reaches_the_map_popup_data(client, acropolis_with_photo):
    text = PlaceText.objects.get(place=acropolis_with_photo.place, language="el")
    assert text.image_url.endswith(".jpg") and text.image_alt == "Ο Παρθενώνας από τα δυτικά"
    data = client.get(
        "/el/map/places/", {"bbox": "23.72,37.97,23.73,37.975", "q": "ακροπολη"}, HTTP_HOST="athens.localhost"
    ).json()
    [feature] = data["features"]
    assert feature["properties"]["image"] == text.image_url
    assert feature["properties"]["image_alt"] == "Ο Παρθενώνας από τα δυτικά"


def test_place_page_gallery_has_alt_text(client, acropolis_with_photo):
    html = client.get("/el/places/akropoli-athinon/", HTTP_HOST="athens.localhost").content.decode()
    assert 'alt="Ο Παρθενώνας από τα δυτικά"' in html


def test_gallery_photo_requires_alt_text():
    from django.core.exceptions import ValidationError

    item = PlaceGalleryImage(page=PlacePage.objects.first(), image=photo("no-alt"), alt_text="")
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "alt_text" in error.value.message_dict


def test_editor_submits_for_review_and_the_municipality_moderator_sees_it(client):
    editor = get_user_model().objects.get(username="editor-athens")
    page = PlacePage.objects.get(title="Ακρόπολη Αθηνών")
    page.summary = "Νέα περίληψη"
    revision = page.save_revision(user=editor)
    workflow = page.get_workflow()
    assert workflow is not None and workflow.name == "Athens: review"
    workflow_state = workflow.start(page, editor)
    task_state = workflow_state.current_task_state
    assert task_state.revision == revision
    assert [g.name for g in task_state.task.specific.groups.all()] == ["Athens: moderators"]
    page.refresh_from_db()
    assert page.live and page.has_unpublished_changes  # the public still sees the published text
    assert PlacePage.objects.get(pk=page.pk).summary != "Νέα περίληψη"


def test_editor_previews_a_place_page(client):
    client.force_login(get_user_model().objects.get(username="editor-athens"))
    page = PlacePage.objects.get(title="Ακρόπολη Αθηνών")
    url = f"/admin/pages/{page.pk}/edit/preview/"
    form = {
        "title": "Ακρόπολη (προεπισκόπηση)",
        "slug": page.slug,
        "place": page.place_id,
        "summary": "x",
        "body-count": "0",
        "gallery_images-TOTAL_FORMS": "0",
        "gallery_images-INITIAL_FORMS": "0",
        "gallery_images-MIN_NUM_FORMS": "0",
        "gallery_images-MAX_NUM_FORMS": "1000",
    }
    assert client.post(url, form, HTTP_HOST="athens.localhost").json()["is_valid"] is True
    preview = client.get(url, HTTP_HOST="athens.localhost")
    assert preview.status_code == 200 and "Ακρόπολη (προεπισκόπηση)" in preview.content.decode()


@pytest.mark.browser
def test_an_abandoned_new_page_form_leaves_no_page_behind(page, live_server):
    """Issue 12, defect 3, for pages: Wagtail's autosave of the "add page" form created the page in the tree (a
    draft nobody saved). Nothing reaches the server before the editor saves."""
    from content.models import PlaceIndexPage
    from tests.browser import admin_log_in
    from tests.gis.test_place_admin import leave_after_waiting, saves

    index = PlaceIndexPage.objects.get(locale__language_code="el", url_path__startswith="/athens")
    pages_before = PlacePage.objects.count()
    admin_log_in(page, live_server)
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if saves(request) else None)
    page.goto(f"{live_server.url}/admin/pages/add/content/placepage/{index.pk}/")
    page.wait_for_timeout(2500)  # Wagtail starts watching the form for changes after 2 s
    page.locator("#id_title").fill("Εγκαταλελειμμένη σελίδα")
    leave_after_waiting(page, live_server, posts)
    assert not PlacePage.objects.filter(title="Εγκαταλελειμμένη σελίδα").exists()
    assert PlacePage.objects.count() == pages_before
    assert posts == [], f"the form was sent before Save: {posts}"
