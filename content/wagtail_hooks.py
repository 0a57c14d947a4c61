"""Admin wiring of the content app: municipality isolation where Wagtail or wagtail-localize would cross it.

- wagtail-localize's submit, update and report views are replaced, at their own addresses, by the stricter
  versions in ``content.admin_views`` (this app's hooks run before wagtail-localize's, so its URLs match first);
- the page chooser offers only the pages the user may explore (their municipality's tree);
- the admin API's images and documents list and show only those of the user's collections;
- moving a page asks Wagtail's own "may move there" before the confirmation page shows anything;
- wagtail-localize's translation editor gets the page editor's "submit for moderation" (it has only "publish").
"""

import json

from django.templatetags.static import static
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.site_summary import PagesSummaryItem
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.permissions import policy_registry

from . import admin_views
from .permissions import pages_editable_by, pages_explorable_by


@hooks.register("register_admin_urls")
def register_localize_overrides():
    return [
        path(
            "localize/submit/page/<int:page_id>/",
            admin_views.PageTranslationSubmitView.as_view(),
            name="xenagos_localize_submit_page_translation",
        ),
        path(
            "localize/submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/",
            admin_views.SnippetTranslationSubmitView.as_view(),
            name="xenagos_localize_submit_snippet_translation",
        ),
        path(
            "localize/update/<int:translation_source_id>/",
            admin_views.TranslationsUpdateView.as_view(),
            name="xenagos_localize_update_translations",
        ),
        path(
            "localize/translate/<int:translation_id>/pofile/upload/",
            admin_views.pofile_upload,
            name="xenagos_localize_upload_pofile",
        ),
        path(
            "localize/reports/translations/",
            admin_views.ScopedTranslationsReportView.as_view(),
            name="xenagos_localize_translations_report",
        ),
        path(
            "localize/reports/translations/results/",
            admin_views.ScopedTranslationsReportView.as_view(results_only=True),
            name="xenagos_localize_translations_report_results",
        ),
    ]


@hooks.register("before_edit_page", order=-10)  # before wagtail-localize's, which shows the translation editor
def translation_submit_for_moderation(request, page):
    """The translation editor's "submit for moderation" button (content/templates/wagtail_localize/...)."""
    if request.method == "POST" and request.POST.get("action") == admin_views.SUBMIT_TRANSLATION_ACTION:
        return admin_views.translation_submit_for_moderation(request, page)
    return None


@hooks.register("construct_page_chooser_queryset")
def page_chooser_own_municipality(pages, request):
    """Link choosers list the user's own municipality's pages (and the ancestors needed to walk there)."""
    if request.user.is_superuser:
        return pages
    return pages.filter(pk__in=pages_explorable_by(request.user).values("pk"))


class _OwnCollectionsMixin:
    """Admin API listing and detail limited to the objects the user may choose or change (their collections)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        user = self.request.user
        if user.is_superuser:
            return queryset
        policy = policy_registry.get_by_type(queryset.model)
        allowed = policy.instances_user_has_any_permission_for(user, ["choose", "change"])
        return queryset.filter(pk__in=allowed.values("pk"))


class OwnImagesAdminAPIViewSet(_OwnCollectionsMixin, ImagesAdminAPIViewSet):
    pass


class OwnDocumentsAdminAPIViewSet(_OwnCollectionsMixin, DocumentsAdminAPIViewSet):
    pass


@hooks.register("construct_admin_api", order=100)  # after wagtail.images' and wagtail.documents' own endpoints
def admin_api_own_collections(router):
    router.register_endpoint("images", OwnImagesAdminAPIViewSet)
    router.register_endpoint("documents", OwnDocumentsAdminAPIViewSet)


@hooks.register("before_move_page")
def move_only_where_allowed(request, page, destination):
    """Wagtail's move confirmation shows both pages before it checks anything: check first."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        return permission_denied(request)
    return None


@hooks.register("register_log_actions")
def municipal_log_entries(actions):
    """Places, images and documents keep their history in MunicipalLogEntry, shown only to their own editors."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from gis.models import Place

    from .models import MunicipalLogEntry

    for model in (Place, get_image_model(), get_document_model()):
        actions.register_model(model, MunicipalLogEntry)


@hooks.register("construct_reports_menu")
def installation_reports_for_superusers(request, menu_items):
    """The page types usage report is about the whole installation (content.admin_urls): not in editors' menus."""
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]


class OwnPagesSummaryItem(PagesSummaryItem):
    """The dashboard's page count: the pages the user may edit. Wagtail counts everything below the user's
    explorable root, which for an editor is the tree's root: every municipality's pages."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        if not self.request.user.is_superuser:
            context["total_pages"] = pages_editable_by(self.request.user).count()
        return context


@hooks.register("construct_homepage_summary_items", order=100)  # after Wagtail adds its item
def own_pages_summary(request, summary_items):
    summary_items[:] = [
        OwnPagesSummaryItem(request) if type(item) is PagesSummaryItem else item for item in summary_items
    ]


@hooks.register("insert_global_admin_js")
def localize_titles_js():
    """Greek for the English titles that wagtail-localize's translation editor writes itself (see the script)."""
    return format_html(
        '<script src="{}" data-template="{}" data-texts="{}"></script>',
        static("content/js/localize-titles.js"),
        _("%(source_locale)s to %(target_locale)s translation"),
        json.dumps({"More actions": _("More actions")}, ensure_ascii=False),
    )
