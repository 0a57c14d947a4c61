"""The two holes of issue #11, reproduced: a translation published by an editor without the right (another
municipality's, or their own without publish permission), and a page attached to another municipality's place."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import F
from wagtail.models import Page, Revision, Site
from wagtail_localize.models import TranslationSource

from content.models import PlacePage
from gis.models import PlaceText
from tests.content.conftest import page_edit_data

pytestmark = pytest.mark.django_db

User = get_user_model()


def place_page(hostname: str) -> PlacePage:
    """The first Greek place page of a demo municipality."""
    home = Site.objects.get(hostname=hostname).root_page
    return PlacePage.objects.filter(locale__language_code="el", path__startswith=home.path).order_by("path").first()


SCRIPT = {"x-requested-with": "XMLHttpRequest"}  # Wagtail answers a script 403 where a browser gets a redirect


def logged_in(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def moderator_athens():
    user = User.objects.create_user(username="moderator-athens", password="x")
    user.groups.add(Group.objects.get(name="Athens: moderators"))
    return user


def state(page: Page) -> tuple:
    """What publishing would change: the live revision, the publish time, the title, the revision count."""
    page = Page.objects.get(pk=page.pk)
    return (
        page.live_revision_id,
        page.last_published_at,
        page.title,
        Revision.page_revisions.filter(object_id=str(page.pk)).count(),
    )


def source_edited(page: PlacePage, summary: str) -> TranslationSource:
    """The Greek page changed and published by its own municipality, so that its translation has something to take."""
    page.summary = summary
    page.save_revision().publish()
    source = TranslationSource.objects.get_for_instance(page)
    return source


def test_athens_editor_cannot_publish_a_nafplio_translation(client):
    """The exact reproduction: /admin/localize/update/<id>/ with "publish" by Athens' editor on Nafplio's page."""
    nafplio = place_page("nafplio.localhost")
    english = nafplio.get_translations().get()
    source = source_edited(nafplio, "Νέα περίληψη από το Ναύπλιο.")
    before, text_before = state(english), PlaceText.objects.get(place=nafplio.place, language="en").summary
    editor = logged_in(client, "editor-athens")
    response = editor.post(f"/admin/localize/update/{source.pk}/", {"publish_translations": "on"}, headers=SCRIPT)
    assert response.status_code == 403
    # a browser is sent to the dashboard with an error message instead
    response = editor.post(f"/admin/localize/update/{source.pk}/", {"publish_translations": "on"}, follow=True)
    assert response.redirect_chain == [("/admin/", 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert state(english) == before
    assert PlaceText.objects.get(place=nafplio.place, language="en").summary == text_before
    # nor may they look at the form
    assert client.get(f"/admin/localize/update/{source.pk}/", headers=SCRIPT).status_code == 403


def test_editor_without_publish_right_cannot_publish_own_translation(client):
    """Athens' editor may update Athens' translations as drafts, but publishing them is for its moderators."""
    athens = place_page("athens.localhost")
    english = athens.get_translations().get()
    source = source_edited(athens, "Νέα περίληψη της Αθήνας.")
    before = state(english)
    editor = logged_in(client, "editor-athens")
    assert editor.get(f"/admin/localize/update/{source.pk}/").status_code == 200
    response = editor.post(f"/admin/localize/update/{source.pk}/", {"publish_translations": "on"}, headers=SCRIPT)
    assert response.status_code == 403
    assert state(english) == before
    # without "publish immediately" the update is allowed and publishes nothing
    response = editor.post(f"/admin/localize/update/{source.pk}/", {})
    assert response.status_code == 302 and response["Location"] != "/admin/"
    assert state(english)[:3] == before[:3]


def test_moderator_publishes_own_translation(client, moderator_athens, django_capture_on_commit_callbacks):
    athens = place_page("athens.localhost")
    english = athens.get_translations().get()
    source = source_edited(athens, "Νέα περίληψη της Αθήνας.")
    before = state(english)
    client.force_login(moderator_athens)
    with django_capture_on_commit_callbacks(execute=True):  # wagtail-localize publishes on commit
        response = client.post(f"/admin/localize/update/{source.pk}/", {"publish_translations": "on"})
    assert response.status_code == 302 and response["Location"] != "/admin/"  # not refused
    after = state(english)
    assert after[0] != before[0] and after[3] == before[3] + 1
    # the Nafplio translation stays out of reach of Athens' moderator too
    nafplio_source = TranslationSource.objects.get_for_instance(place_page("nafplio.localhost"))
    response = client.post(
        f"/admin/localize/update/{nafplio_source.pk}/", {"publish_translations": "on"}, headers=SCRIPT
    )
    assert response.status_code == 403


def test_athens_editor_cannot_translate_a_nafplio_page(client):
    nafplio = place_page("nafplio.localhost")
    pages_before = Page.objects.count()
    editor = logged_in(client, "editor-athens")
    assert editor.get(f"/admin/localize/submit/page/{nafplio.pk}/", headers=SCRIPT).status_code == 403
    response = editor.post(f"/admin/localize/submit/page/{nafplio.pk}/", {"locales": ["en"]}, headers=SCRIPT)
    assert response.status_code == 403
    assert Page.objects.count() == pages_before


def test_translations_report_lists_only_own_pages(client):
    nafplio, athens = place_page("nafplio.localhost"), place_page("athens.localhost")
    html = logged_in(client, "editor-athens").get("/admin/localize/reports/translations/").content.decode()
    assert athens.title in html
    assert nafplio.title not in html


def test_page_with_another_municipalitys_place_is_refused_in_the_form(client):
    """An Athens page pointed at a Nafplio place: the edit form says why, in Greek, and saves nothing."""
    athens, nafplio = place_page("athens.localhost"), place_page("nafplio.localhost")
    before = state(athens)
    editor = logged_in(client, "editor-athens")
    data = page_edit_data(editor, athens, place=nafplio.place.pk)
    response = editor.post(f"/admin/pages/{athens.pk}/edit/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "place" in errors, errors
    assert "ανήκει" in errors["place"][0] and nafplio.place.name_el in errors["place"][0]
    assert state(athens) == before
    assert PlacePage.objects.get(pk=athens.pk).place_id == athens.place_id


def test_page_with_another_municipalitys_place_is_refused_by_the_model():
    athens, nafplio = place_page("athens.localhost"), place_page("nafplio.localhost")
    page = PlacePage.objects.get(pk=athens.pk)
    page.place = nafplio.place
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "place" in error.value.message_dict
    with pytest.raises(ValidationError):
        page.save(clean=False)
    with pytest.raises(ValidationError):
        page.save_revision(clean=False)
    # nor can a stored revision that names the wrong place be published
    revision = PlacePage.objects.get(pk=athens.pk).save_revision()
    revision.content["place"] = nafplio.place.pk
    revision.save(update_fields=["content"])
    with pytest.raises(ValidationError):
        revision.publish()
    assert PlacePage.objects.get(pk=athens.pk).place_id == athens.place_id
    # and a new page under Athens' places index may not take Nafplio's place
    index = athens.get_parent()
    with pytest.raises(ValidationError):
        index.add_child(instance=PlacePage(title="Ξένος τόπος", slug="xenos", place=nafplio.place, summary="x"))
    assert not PlacePage.objects.filter(slug="xenos").exists()


def test_own_place_is_accepted():
    athens = place_page("athens.localhost")
    page = PlacePage.objects.get(pk=athens.pk)
    page.full_clean()
    assert page.record_municipality_error() == ""
    assert PlacePage.objects.filter(pk=athens.pk).update(live=F("live")) == 1


def test_wagtail_default_groups_have_no_root_wide_rights():
    """Migration content.0002: Wagtail's "Editors" and "Moderators" reach no municipality's pages or files."""
    from wagtail.models import GroupCollectionPermission, GroupPagePermission

    for name in ("Editors", "Moderators"):
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        assert not GroupPagePermission.objects.filter(group=group).exists()
        assert not GroupCollectionPermission.objects.filter(group=group).exists()


@pytest.mark.parametrize("hostname", ["athens.localhost", "nafplio.localhost"])
def test_translation_editor_publish_needs_the_publish_right(client, hostname):
    """wagtail-localize's translation editor (the English page's edit view) publishes only for a moderator: Athens'
    editor is refused on Athens' translation (no publish right) and on Nafplio's (not their page)."""
    english = place_page(hostname).get_translations().get()
    source_edited(place_page(hostname), "Αλλαγμένη περίληψη.")
    before = state(english)
    editor = logged_in(client, "editor-athens")
    response = editor.post(f"/admin/pages/{english.pk}/edit/", {"action": "publish"}, headers=SCRIPT)
    assert response.status_code == 403
    assert state(english) == before
