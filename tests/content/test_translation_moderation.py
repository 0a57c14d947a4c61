"""The translation editor offers the page editor's "submit for moderation" (issue #12, 14d): an editor without the
publish right sends a translation to the municipality's review instead of having no way forward."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Page, Revision

from tests.content.test_isolation import SCRIPT, logged_in, place_page, state

pytestmark = pytest.mark.django_db

User = get_user_model()
ACTION = "xenagos-submit-for-moderation"
BUTTON = f'name="action" value="{ACTION}"'.encode()


def test_editor_submits_own_translation_for_review(client):
    english = place_page("athens.localhost").get_translations().get()
    before = state(english)
    editor = logged_in(client, "editor-athens")
    editor_page = editor.get(f"/admin/pages/{english.pk}/edit/")
    assert editor_page.status_code == 200
    assert BUTTON in editor_page.content
    assert "Υποβολή για έλεγχο".encode() in editor_page.content  # the Greek admin (the editor's default)

    response = editor.post(f"/admin/pages/{english.pk}/edit/", {"action": ACTION})
    assert response.status_code == 302 and response["Location"] == f"/admin/pages/{english.pk}/edit/"
    english = Page.objects.get(pk=english.pk)
    assert english.workflow_in_progress
    assert english.current_workflow_state.requested_by.username == "editor-athens"
    after = state(english)
    assert after[:3] == before[:3]  # nothing published: same live revision, publish time and title
    assert after[3] == before[3] + 1  # one draft revision, the one under review
    latest = Revision.page_revisions.filter(object_id=str(english.pk)).latest("created_at")
    assert latest.user.username == "editor-athens"
    assert english.current_workflow_state.current_task_state.revision_id == latest.pk  # the draft is what is reviewed
    # once in review, the editor is told so and cannot submit it twice
    again = editor.get(f"/admin/pages/{english.pk}/edit/")
    assert BUTTON not in again.content
    assert "βρίσκεται σε έλεγχο".encode() in again.content
    response = editor.post(f"/admin/pages/{english.pk}/edit/", {"action": ACTION}, headers=SCRIPT)
    assert response.status_code == 403


def test_another_municipality_cannot_submit_its_translation(client):
    english = place_page("nafplio.localhost").get_translations().get()
    before = state(english)
    editor = logged_in(client, "editor-athens")
    response = editor.post(f"/admin/pages/{english.pk}/edit/", {"action": ACTION}, headers=SCRIPT)
    assert response.status_code in (302, 403)  # Wagtail's edit view refuses before any hook runs
    english = Page.objects.get(pk=english.pk)
    assert not english.workflow_in_progress
    assert state(english) == before
