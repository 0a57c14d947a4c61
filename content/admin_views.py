"""Stricter versions of wagtail-localize's admin views: translating, updating and publishing translations follow the
source page's own permissions (and so its municipality and its review workflow), not only the global
``submit_translation`` permission that wagtail-localize checks. Registered before wagtail-localize's URLs, at the
same addresses, by ``content.wagtail_hooks``."""

import tempfile

import polib
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.pages.create import CreateView as WagtailPageCreateView
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.models import Page
from wagtail.snippets.permissions import get_permission_name
from wagtail_localize.models import Translation
from wagtail_localize.views.edit_translation import upload_pofile, user_can_edit_instance
from wagtail_localize.views.report import TranslationsReportView
from wagtail_localize.views.submit_translations import SubmitPageTranslationView, SubmitSnippetTranslationView
from wagtail_localize.views.update_translations import UpdateTranslationsView

from .permissions import pages_editable_by


def _may_edit(user, instance) -> bool:
    if isinstance(instance, Page):
        return instance.permissions_for_user(user).can_edit()
    return user.has_perm(get_permission_name("change", instance.__class__))


def _may_publish(user, instance) -> bool:
    """Pages: Wagtail's publish permission on the page. Snippets without drafts (the vocabularies) are live when
    saved, so changing them is publishing them, as in wagtail-localize's own translation editor."""
    if isinstance(instance, Page):
        return instance.permissions_for_user(user).can_publish()
    return _may_edit(user, instance)


class PageTranslationSubmitView(SubmitPageTranslationView):
    """Translate a page: only a user who may edit the page (so an editor of its municipality)."""

    def get_object(self):
        page = super().get_object()
        if not page.permissions_for_user(self.request.user).can_edit():
            raise PermissionDenied
        return page


class SnippetTranslationSubmitView(SubmitSnippetTranslationView):
    """Translate a snippet (the shared vocabularies): only a user who may change that snippet type."""

    def get_object(self):
        instance = super().get_object()
        if not _may_edit(self.request.user, instance):
            raise PermissionDenied
        return instance


class TranslationsUpdateView(UpdateTranslationsView):
    """Update a source's translations. Needs edit rights on the source; "publish immediately" also needs publish
    rights on every translation (a moderator of the municipality), otherwise 403 and nothing is saved."""

    def get_object(self):
        source = super().get_object()
        instance = source.get_source_instance()
        if not _may_edit(self.request.user, instance):
            raise PermissionDenied
        return source

    def post(self, request, **kwargs):
        if request.POST.get("publish_translations"):
            targets = [
                translation.get_target_instance()
                for translation in self.object.translations.filter(enabled=True).select_related("target_locale")
            ]
            if not all(_may_publish(request.user, target) for target in targets):
                raise PermissionDenied
        return super().post(request, **kwargs)


def translations_visible_to(user, queryset: QuerySet[Translation]) -> QuerySet[Translation]:
    """Translations whose source ``user`` may edit: pages of their municipality (all for a superuser)."""
    if user.is_superuser:
        return queryset
    page_keys = pages_editable_by(user).filter(translation_key=OuterRef("source__object_id"))
    return queryset.filter(Exists(page_keys))


class ScopedTranslationsReportView(TranslationsReportView):
    """The translations report, listing only translations of the user's own pages."""

    def get_queryset(self):
        return translations_visible_to(self.request.user, super().get_queryset())


class InstallationPageTypesUsageReportView(PageTypesUsageReportView):
    """Wagtail's page types usage report counts and links every municipality's pages: superusers only."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


SUBMIT_TRANSLATION_ACTION = "xenagos-submit-for-moderation"


def translation_submit_for_moderation(request: HttpRequest, page: Page) -> HttpResponse:
    """The translation editor's "submit for moderation": save the translation as a draft revision of the translated
    page and start the page's review workflow, as the page editor's button does. Wagtail's edit view has already
    checked that the user may edit the page; submitting also needs a workflow that is not already in progress."""
    translation = Translation.objects.filter(
        source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
    ).first()
    if translation is None:
        raise Http404
    permissions = page.permissions_for_user(request.user)
    if not (permissions.can_edit() and permissions.can_submit_for_moderation()):
        raise PermissionDenied
    workflow = page.get_workflow()
    try:
        translation.save_target(user=request.user, publish=False)
    except ValidationError:
        messages.error(request, _("The translation could not be saved: fix the errors shown and submit it again."))
        return redirect("wagtailadmin_pages:edit", page.pk)
    page = page.specific_class.objects.get(pk=page.pk)
    workflow.start(page, request.user)
    messages.success(
        request,
        _("«%(title)s» (%(language)s) was submitted for review.")
        % {"title": page.title, "language": translation.target_locale.get_display_name()},
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


class PageCreateView(WagtailPageCreateView):
    """Wagtail's "add a page" without autosave. Autosaving a new page creates it in the tree (a draft the editor
    never saved), so an abandoned form left a page behind (issue #12, defect 3). Edits of existing pages keep
    Wagtail's autosave: it writes drafts, which stay unpublished until the editor or a moderator publishes them."""

    def get(self, request, *args, **kwargs):
        self.autosave_enabled = False
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.autosave_enabled = False
        return super().post(request, *args, **kwargs)


PO_MAX_BYTES = 5 * 1024 * 1024  # a page's strings: a PO file of many pages is still well under this
PO_TRANSLATION_HEADER = "X-WagtailLocalize-TranslationID"  # what wagtail-localize's PO files name their translation by


def _po_problem(upload) -> str:
    """Why an uploaded file is not a PO file that wagtail-localize can import ('' when it is one). polib is given
    a file's path, never its contents: given text, polib would read a file named by it."""
    if upload is None:
        return _("Choose a PO file to upload.")
    if upload.size > PO_MAX_BYTES:
        return _("That file is too large to be a PO file of translations.")
    with tempfile.NamedTemporaryFile(suffix=".po") as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        upload.seek(0)
        try:
            catalogue = polib.pofile(copy.name)
        except (OSError, UnicodeDecodeError, ValueError):
            return _("Please upload a valid PO file.")
    if PO_TRANSLATION_HEADER not in catalogue.metadata:
        return _("This PO file was not downloaded from a translation here: it does not say which translation it is.")
    return ""


@require_POST
def pofile_upload(request: HttpRequest, translation_id: int) -> HttpResponse:
    """wagtail-localize's PO file upload, with bad input told to the user: without a file, or with a PO file that
    names no translation, wagtail-localize's own view fails with a server error. Its permission check (edit rights
    on the translated page, so its municipality) is repeated here before anything is read."""
    translation = get_object_or_404(Translation, id=translation_id)
    instance = translation.get_target_instance()
    if not user_can_edit_instance(request.user, instance):
        raise PermissionDenied
    problem = _po_problem(request.FILES.get("file"))
    if not problem:
        return upload_pofile(request, translation_id)
    messages.error(request, problem)
    if next_url := get_valid_next_url_from_request(request):
        return redirect(next_url)
    if isinstance(instance, Page):
        return redirect("wagtailadmin_pages:edit", instance.pk)
    return redirect("wagtailadmin_home")
