"""An editor of one municipality can neither see nor edit another municipality's pages or images."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Collection, Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def athens_editor(client):
    client.force_login(get_user_model().objects.get(username="editor-athens"))
    return client


def home_of(hostname: str):
    return Site.objects.get(hostname=hostname).root_page


def test_editor_edits_own_municipality_pages(athens_editor):
    home = home_of("athens.localhost")
    assert athens_editor.get(f"/admin/pages/{home.pk}/edit/").status_code == 200
    english = home.get_translations().get()
    assert athens_editor.get(f"/admin/pages/{english.pk}/edit/").status_code == 200


def test_editor_gets_403_on_another_municipality_page(athens_editor):
    home = home_of("nafplio.localhost")
    english = home.get_translations().get()
    for page in (home, english):
        url = f"/admin/pages/{page.pk}/edit/"
        # Wagtail answers scripts with 403 and browsers with a redirect to the dashboard and an error message.
        assert athens_editor.get(url, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403
        response = athens_editor.get(url, follow=True)
        assert response.redirect_chain == [("/admin/", 302)]
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
        assert page.title not in response.content.decode()
    title = home.title
    athens_editor.post(f"/admin/pages/{home.pk}/edit/", {"title": "changed by Athens", "slug": home.slug})
    home.refresh_from_db()
    assert home.title == title and not home.has_unpublished_changes


def test_editor_cannot_publish_directly(athens_editor):
    """Editors submit for review; the municipality's moderators publish."""
    from wagtail.models import Page

    home = home_of("athens.localhost")
    user = get_user_model().objects.get(username="editor-athens")
    permissions = Page.objects.get(pk=home.pk).permissions_for_user(user)
    assert permissions.can_edit() and not permissions.can_publish()


def test_editor_explorer_lists_only_own_pages(athens_editor):
    response = athens_editor.get("/admin/pages/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Δήμος Αθηναίων" in text
    assert "Δήμος Ναυπλιέων" not in text and "Municipality of Nafplio" not in text


def test_editor_image_collections_are_per_municipality():
    from wagtail.images import get_image_model
    from wagtail.permissions import policy_registry

    permission_policy = policy_registry.get_by_type(get_image_model())
    user = get_user_model().objects.get(username="editor-athens")
    collections = set(permission_policy.collections_user_has_permission_for(user, "add").values_list("name", flat=True))
    assert collections == {"Athens"}
    assert Collection.objects.filter(name="Nafplio").exists()


def test_dashboard_counts_only_the_editors_own_pages(athens_editor):
    """Wagtail's dashboard counted every municipality's pages for an editor (the explorable root is the tree's root)."""
    import re

    from wagtail.models import Page

    home = home_of("athens.localhost")
    own = Page.objects.filter(path__startswith=home.path).count() + sum(
        Page.objects.filter(path__startswith=t.path).count() for t in home.get_translations()
    )
    everything = Page.objects.filter(depth__gt=1).count()
    assert own < everything
    text = athens_editor.get("/admin/").content.decode()
    # "6 σελίδες" (our Greek for Wagtail's "6 Pages"), or Wagtail's own wording
    pattern = r"(\d+)\s+(?:σελίδ\w*|pages?)\s*<span class=\"w-sr-only\">"
    counts = [int(n) for n in re.findall(pattern, text, flags=re.IGNORECASE)]
    assert counts == [own], counts
