"""Which municipality a page belongs to, and which pages and places a user may see in the admin.

The rules of municipality isolation in one place (content/README.md, "Municipality isolation"): an editor's rights
come from their municipality's groups (``content.services.municipality_site_ensure``); Wagtail's page permissions decide
pages, ``gis.services.municipalities_editable_by`` decides records; the admin hooks and views of ``content`` and
``gis`` only ask these functions.
"""

from django.db.models import QuerySet
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from gis.models import Municipality


def page_municipality(page: Page, *, parent: Page | None = None) -> Municipality | None:
    """The municipality whose site holds ``page`` (or, for a page not yet in the tree, its future ``parent``).

    A site's root is its Greek home page; its translations (the English home page) are separate roots of the same
    translation key, so the municipality is found through the depth-2 ancestor's translation key.
    """
    anchor = page if page.path else parent
    if anchor is None or not anchor.path or anchor.depth < 2:
        return None
    home_path = anchor.path[: Page.steplen * 2]
    home = Page.objects.filter(path=home_path).only("translation_key").first()
    if home is None:
        return None
    return (
        Municipality.objects.filter(
            branding__site__root_page__translation_key=home.translation_key,
        )
        .order_by("pk")
        .first()
    )


def pages_explorable_by(user) -> QuerySet[Page]:
    """The pages ``user`` may see in the admin: those they have a permission on, their ancestors up to the root
    (so the tree can be walked), and everything for a superuser."""
    return PagePermissionPolicy().explorable_instances(user)


def pages_editable_by(user) -> QuerySet[Page]:
    """The pages ``user`` may edit (any page permission below one of their group's pages counts)."""
    return PagePermissionPolicy().instances_user_has_any_permission_for(user, ["change", "publish"])


def places_visible_to(user) -> QuerySet:
    """The place records ``user`` may see in the admin: those of the municipalities they edit (all for a superuser)."""
    from gis.models import Place
    from gis.services import municipalities_editable_by

    if user.is_superuser:
        return Place.objects.all()
    return Place.objects.filter(municipality__in=municipalities_editable_by(user))


def objects_visible_to(user, *, app_label: str, model_name: str) -> QuerySet | None:
    """The objects of a municipal model (pages, places, images, documents) that ``user`` may see, or None for a
    model that is not kept per municipality (its own views check their permissions)."""
    from django.apps import apps
    from wagtail.permissions import policy_registry

    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    if issubclass(model, Page):
        return pages_explorable_by(user)
    if (app_label, model_name) == ("xgis", "place"):
        return places_visible_to(user)
    if (app_label, model_name) in (("wagtailimages", "image"), ("wagtaildocs", "document")):
        if user.is_superuser:
            return model.objects.all()
        return policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, ["change", "choose"])
    return None
