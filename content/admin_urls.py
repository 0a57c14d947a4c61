"""Admin URLs that put a municipality check (or, for adding a page, no autosave) in front of Wagtail core views,
at the same addresses (mounted before Wagtail's admin URLs in the project's root URLconf). Hooks cannot do this for
core views: Wagtail lists its own URLs before the hooks' ones."""

from functools import wraps

from django.urls import path
from wagtail.admin.auth import permission_denied, require_admin_access
from wagtail.admin.views import chooser
from wagtail.admin.views.bulk_action import index as bulk_action
from wagtail.admin.viewsets.pages import page_viewset_registry

from . import admin_views
from .permissions import objects_visible_to, pages_explorable_by


def _explorable_parent(view):
    """Refuse to explore (or browse in the page chooser) a page outside the user's tree: Wagtail would show it with
    its title as the heading and its ancestors' titles as the breadcrumb."""

    @wraps(view)
    def checked(request, *args, parent_page_id, **kwargs):
        if not pages_explorable_by(request.user).filter(pk=parent_page_id).exists():
            return permission_denied(request)
        return view(request, *args, parent_page_id=parent_page_id, **kwargs)

    return checked


def _visible_items(view):
    """Refuse a bulk action naming an object the user may not see: Wagtail's confirmation would name it."""

    @wraps(view)
    def checked(request, app_label, model_name, action):
        ids = request.GET.getlist("id")
        if ids and ids != ["all"]:
            visible = objects_visible_to(request.user, app_label=app_label, model_name=model_name)
            if visible is not None and visible.filter(pk__in=ids).count() != len(set(ids)):
                return permission_denied(request)
        return view(request, app_label, model_name, action)

    return checked


def _own_chosen_pages(view):
    """The page chooser's "chosen" answer names only pages of the user's tree (other ids are dropped, as the
    place chooser's are): Wagtail's would give any page's title and URL."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        ids = request.GET.getlist("id")
        if ids:
            own = pages_explorable_by(request.user).filter(pk__in=[i for i in ids if i.isdigit()])
            request.GET = request.GET.copy()
            request.GET.setlist("id", [str(pk) for pk in own.values_list("pk", flat=True)])
        return view(request, *args, **kwargs)

    return checked


urlpatterns = [
    path(
        "pages/<int:parent_page_id>/",
        require_admin_access(
            _explorable_parent(page_viewset_registry.as_view("index", parent_page_id_kwarg="parent_page_id"))
        ),
        name="xenagos_explore",
    ),
    path(
        "pages/<int:parent_page_id>/results/",
        require_admin_access(
            _explorable_parent(page_viewset_registry.as_view("index_results", parent_page_id_kwarg="parent_page_id"))
        ),
        name="xenagos_explore_results",
    ),
    path(
        "choose-page/<int:parent_page_id>/",
        require_admin_access(_explorable_parent(chooser.BrowseView.as_view())),
        name="xenagos_choose_page_child",
    ),
    path(
        "choose-page/chosen-multiple/",
        require_admin_access(_own_chosen_pages(chooser.ChosenMultipleView.as_view())),
        name="xenagos_choose_page_chosen_multiple",
    ),
    path(
        "bulk/<str:app_label>/<str:model_name>/<str:action>/",
        require_admin_access(_visible_items(bulk_action)),
        name="xenagos_bulk_action",
    ),
    path(
        "pages/add/<slug:content_type_app_name>/<slug:content_type_model_name>/<int:parent_page_id>/",
        require_admin_access(admin_views.PageCreateView.as_view()),
        name="xenagos_add_page",  # without autosave: an abandoned "add page" form leaves no draft page behind
    ),
    path(
        "reports/page-types-usage/",
        require_admin_access(admin_views.InstallationPageTypesUsageReportView.as_view()),
        name="xenagos_page_types_usage",
    ),
    path(
        "reports/page-types-usage/results/",
        require_admin_access(admin_views.InstallationPageTypesUsageReportView.as_view(results_only=True)),
        name="xenagos_page_types_usage_results",
    ),
]
