"""One admin for every kind of record (places, routes, and the kinds that follow): a snippet viewset whose views
are built from one declaration of the kind, so that every door (list, edit, copy, delete, history, usage,
revisions, inspect, and the chooser with its chosen views) answers only with the records the user may see.

A kind declares, on a subclass of ``RecordViewSet``:

- ``model``: the record;
- ``records_for_user``: ``staticmethod(f)`` where ``f(user)`` is the queryset of the records ``user`` may see and
  edit (their municipalities'; every record for a superuser);
- optionally ``form_mixin`` (create/edit behaviour: by default ``RecordFormMixin``, no autosave) and
  ``choose_mixin`` (the chooser's listing: by default ``RecordChooseMixin``), plus the usual ``SnippetViewSet``
  attributes (menu, list columns, panels).

The views then get ``records_for_user`` from the viewset (``construct_view`` passes it to every view class that
has the attribute), and the create/edit and choose views are made from the kind's mixins, as Wagtail makes its
own revert view from the edit view.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import QuerySet
from django.utils.functional import cached_property
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import (
    CopyView,
    CreateView,
    DeleteView,
    EditView,
    HistoryView,
    InspectView,
    RevisionsCompareView,
    SnippetViewSet,
    UsageView,
)

from .forms import RecordChooserFilterForm

RecordsForUser = Callable[[Any], QuerySet]


def record_view_class(model, action: str, *bases: type) -> type:
    """A view class of ``model``'s admin made from ``bases`` (a kind's mixins and a Wagtail view), named
    ``<Model><action>View``."""
    return type(f"{model.__name__}{action}View", bases, {})


def _records_undeclared(user) -> QuerySet:
    raise ImproperlyConfigured("A RecordViewSet must declare records_for_user = staticmethod(...)")


class RecordsOfUserMixin:
    """A view given ``records_for_user`` by its viewset (an ``as_view`` keyword, see RecordViewSet)."""

    records_for_user: RecordsForUser = staticmethod(_records_undeclared)


class OwnRecordMixin(RecordsOfUserMixin):
    """Views of one record (edit, copy, delete, history, usage, revisions, inspect): 403 unless the record is one
    of the user's (``records_for_user``)."""

    def get_object(self, *args, **kwargs):
        record = super().get_object(*args, **kwargs)
        if not self.records_for_user(self.request.user).filter(pk=record.pk).exists():
            raise PermissionDenied
        return record


class RecordFormMixin:
    """Create/edit of a record: no autosave. Wagtail 8 autosaves the forms of models with revisions, but a record
    has no draft state, so an autosave is a save of the live record (public in the API, the counts, the downloads
    before Save; an abandoned edit changes the public one). With autosave off Wagtail warns about unsaved edits on
    leaving instead; nothing reaches the server until Save."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.autosave_enabled = False


class RecordChooseMixin(RecordsOfUserMixin):
    """The chooser's listing (choose and its results): the user's records only."""

    def get_object_list(self):
        return self.records_for_user(self.request.user)


class MunicipalityChooseMixin(RecordChooseMixin):
    """A chooser's listing that a page's form narrows to one municipality (``?municipality=``: see
    gis.forms.MunicipalityChooser), searchable by name; still only the user's records."""

    filter_form_class = RecordChooserFilterForm
    preserve_url_parameters = ["multiple", "municipality"]
    ordering = ["name_el"]

    def get_filter_form(self):
        return self.filter_form_class(self.request.GET)


class RecordChosenView(RecordsOfUserMixin, SnippetChosenView):
    """A chosen record: only one of the user's (another's is a 404, as a missing one)."""

    def get_object(self, pk):
        return self.records_for_user(self.request.user).get(pk=pk)


class RecordChosenMultipleView(RecordsOfUserMixin, SnippetChosenMultipleView):
    """Chosen records: only the user's among those asked for."""

    def get_objects(self, pks):
        return self.records_for_user(self.request.user).filter(pk__in=pks)


class RecordChooserViewSet(SnippetChooserViewSet):
    """The chooser of one kind of record, given ``records_for_user`` and ``choose_mixin`` by its RecordViewSet."""

    records_for_user: RecordsForUser = staticmethod(_records_undeclared)
    choose_mixin: type = RecordChooseMixin
    chosen_view_class = RecordChosenView
    chosen_multiple_view_class = RecordChosenMultipleView

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.choose_view_class = record_view_class(self.model, "Choose", self.choose_mixin, ChooseView)
        self.choose_results_view_class = record_view_class(
            self.model, "ChooseResults", self.choose_mixin, ChooseResultsView
        )

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(records_for_user=self.records_for_user, **kwargs)


class RecordCopyView(OwnRecordMixin, CopyView):
    pass


class RecordDeleteView(OwnRecordMixin, DeleteView):
    pass


class RecordHistoryView(OwnRecordMixin, HistoryView):
    pass


class RecordUsageView(OwnRecordMixin, UsageView):
    pass


class RecordInspectView(OwnRecordMixin, InspectView):
    pass


class RecordRevisionsCompareView(OwnRecordMixin, RevisionsCompareView):
    pass


class RecordViewSet(SnippetViewSet):
    """The admin of one kind of record: its list and every view of one record limited to ``records_for_user``
    (see the module's docstring for what a kind declares)."""

    records_for_user: RecordsForUser = staticmethod(_records_undeclared)
    form_mixin: type = RecordFormMixin
    choose_mixin: type = RecordChooseMixin
    add_to_admin_menu = True
    copy_view_class = RecordCopyView
    delete_view_class = RecordDeleteView
    history_view_class = RecordHistoryView
    usage_view_class = RecordUsageView
    inspect_view_class = RecordInspectView
    revisions_compare_view_class = RecordRevisionsCompareView
    chooser_viewset_class = RecordChooserViewSet

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add_view_class = record_view_class(self.model, "Create", self.form_mixin, CreateView)
        # revisions_revert is made from the edit view by SnippetViewSet: it checks the record too
        self.edit_view_class = record_view_class(self.model, "Edit", OwnRecordMixin, self.form_mixin, EditView)

    @cached_property
    def chooser_viewset(self):
        return self.chooser_viewset_class(
            self.get_chooser_admin_url_namespace(),
            model=self.model,
            url_prefix=self.get_chooser_admin_base_path(),
            icon=self.icon,
            per_page=self.chooser_per_page,
            records_for_user=self.records_for_user,
            choose_mixin=self.choose_mixin,
        )

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(records_for_user=self.records_for_user, **kwargs)

    def get_queryset(self, request):
        return self.records_for_user(request.user)
