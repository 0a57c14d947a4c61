"""Admin screens of the gis app: places (with a map), routes (a line on a map and ordered stops), and categories,
periods and route themes (translatable vocabularies)."""

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
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

from .dem_admin import dem_edit, dem_index, municipalities_dem_settable_by
from .forms import PlaceAdminForm, PlaceChooserFilterForm, RouteAdminForm
from .models import Category, Period, Place, Route, Theme
from .selectors import vocabulary_choices
from .services import municipalities_editable_by, place_locate


def places_for_user(user):
    """The places a user may see and edit in the admin: those of the municipalities they edit."""
    queryset = Place.objects.select_related("municipality", "category")
    if user.is_superuser:
        return queryset
    return queryset.filter(municipality__in=municipalities_editable_by(user))


class PlaceFormMixin:
    """Create/edit: the point goes through place_locate (municipality from the boundaries, with warnings).

    No autosave: Wagtail 8 autosaves the forms of models with revisions, but a place has no draft state, so an
    autosave is a save of the live record: the first click on the map made a public place (in the API, the
    counts, the downloads) before Save, and an abandoned edit changed the public one. With autosave off Wagtail
    warns about unsaved edits on leaving instead; nothing reaches the server until Save.
    """

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.autosave_enabled = False

    def save_instance(self):
        place = self.form.instance
        allowed = municipalities_editable_by(self.request.user)
        for warning in place_locate(place=place, point=self.form.cleaned_data["location"], allowed=allowed):
            messages.warning(self.request, warning)
        if place.municipality is None and not self.request.user.is_superuser:
            raise PermissionDenied("The place must lie in a municipality you edit.")
        return super().save_instance()


class PlaceCreateView(PlaceFormMixin, CreateView):
    pass


def routes_for_user(user):
    """The routes a user may see and edit in the admin: those kept by the municipalities they edit."""
    queryset = Route.objects.select_related("municipality", "theme")
    if user.is_superuser:
        return queryset
    return queryset.filter(municipality__in=municipalities_editable_by(user))


class OwnRecordMixin:
    """Views of one record (edit, copy, delete, history, usage, revisions, inspect, chooser): 403 unless the
    record is one of the user's municipalities' (``records_for_user``)."""

    records_for_user = staticmethod(places_for_user)

    def get_object(self, *args, **kwargs):
        record = super().get_object(*args, **kwargs)
        if not self.records_for_user(self.request.user).filter(pk=record.pk).exists():
            raise PermissionDenied
        return record


OwnPlaceMixin = OwnRecordMixin


class PlaceEditView(OwnPlaceMixin, PlaceFormMixin, EditView):
    pass


class PlaceCopyView(OwnPlaceMixin, CopyView):
    pass


class PlaceDeleteView(OwnPlaceMixin, DeleteView):
    pass


class PlaceHistoryView(OwnPlaceMixin, HistoryView):
    pass


class PlaceUsageView(OwnPlaceMixin, UsageView):
    pass


class PlaceInspectView(OwnPlaceMixin, InspectView):
    pass


class PlaceRevisionsCompareView(OwnPlaceMixin, RevisionsCompareView):
    pass


class PlaceChooseMixin:
    """The place chooser: the user's places (narrowed to one municipality when a page's form asks, see
    gis.forms.PlaceChooser), searchable by name, with municipality and category beside each name."""

    filter_form_class = PlaceChooserFilterForm
    preserve_url_parameters = ["multiple", "municipality"]
    ordering = ["name_el"]

    def get_object_list(self):
        return places_for_user(self.request.user)

    def get_filter_form(self):
        return self.filter_form_class(self.request.GET)

    @property
    def columns(self):
        labels = dict(vocabulary_choices(model=Category, language=(get_language() or "el")[:2]))
        return [
            self.title_column,
            Column("municipality", label=_("Municipality"), accessor=lambda place: place.municipality or ""),
            Column("category", label=_("Category"), accessor=lambda place: labels.get(place.category_id, "")),
        ]


class PlaceChooseView(PlaceChooseMixin, ChooseView):
    pass


class PlaceChooseResultsView(PlaceChooseMixin, ChooseResultsView):
    pass


class PlaceChosenView(SnippetChosenView):
    def get_object(self, pk):
        return places_for_user(self.request.user).get(pk=pk)


class PlaceChosenMultipleView(SnippetChosenMultipleView):
    def get_objects(self, pks):
        return places_for_user(self.request.user).filter(pk__in=pks)


class PlaceChooserViewSet(SnippetChooserViewSet):
    choose_view_class = PlaceChooseView
    choose_results_view_class = PlaceChooseResultsView
    chosen_view_class = PlaceChosenView
    chosen_multiple_view_class = PlaceChosenMultipleView


class PlaceViewSet(SnippetViewSet):
    """Places: one record per real place, edited on a map; only the editor's municipalities are listed."""

    model = Place
    icon = "site"
    menu_label = _("Places")
    menu_order = 150
    add_to_admin_menu = True
    list_display = ["name_el", "category", "municipality", "updated_at"]
    list_filter = ["municipality", "withdrawn"]
    search_fields = ["name_el", "name_en"]
    add_view_class = PlaceCreateView
    edit_view_class = PlaceEditView  # revisions_revert is made from it by SnippetViewSet
    copy_view_class = PlaceCopyView
    delete_view_class = PlaceDeleteView
    history_view_class = PlaceHistoryView
    usage_view_class = PlaceUsageView
    inspect_view_class = PlaceInspectView
    revisions_compare_view_class = PlaceRevisionsCompareView
    chooser_viewset_class = PlaceChooserViewSet
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name_el"), FieldPanel("name_en")], heading=_("Names from the source")),
            FieldPanel("location"),
            MultiFieldPanel(
                [FieldPanel("category"), FieldPanel("periods"), FieldPanel("step_free")], heading=_("Classification")
            ),
            FieldRowPanel([FieldPanel("wikidata"), FieldPanel("pleiades")], heading=_("Identifiers")),
        ],
        base_form_class=PlaceAdminForm,
    )

    def get_queryset(self, request):
        return places_for_user(request.user)


class OwnRouteMixin(OwnRecordMixin):
    records_for_user = staticmethod(routes_for_user)


class RouteFormMixin:
    """Create/edit: no autosave (as for places: a route has no draft state); a route must be kept by a municipality
    the editor edits; after each save its facts are measured again from the line (gis.routes.route_measure:
    municipalities crossed, circular, profile, duration, suggested difficulty).

    A track uploaded on the form ("Read the track", or Save with a file chosen) is not saved: the form is shown
    again with the file's line and, as new stop rows, the editor's places nearest its GPX waypoints, for the editor
    to check and save. "Save and order the stops along the line" saves the route (only if the form is valid), then
    numbers its stops by gis.routes.route_stops_order_along_line and opens the form again."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.autosave_enabled = False

    def is_valid(self, form):
        upload = self.request.FILES.get("track_file")
        if upload is None:
            return super().is_valid(form)
        from .route_upload import route_form_data_from_track  # numpy/GDAL readers: loaded by this view only

        data, notices = route_form_data_from_track(
            data=self.request.POST, upload=upload, places=places_for_user(self.request.user)
        )
        for level, text in notices:
            messages.add_message(self.request, level, text)
        kwargs = self.get_form_kwargs()
        kwargs.update(data=data, files=None)
        self.track_form = self.get_form_class()(**kwargs)
        self.produced_error_message = None
        return False

    def form_invalid(self, form):
        return super().form_invalid(getattr(self, "track_form", form))

    def save_instance(self):
        route = self.form.instance
        if not self.request.user.is_superuser and route.municipality not in municipalities_editable_by(
            self.request.user
        ):
            raise PermissionDenied("The route must be kept by a municipality you edit.")
        saved = super().save_instance()
        from .routes import route_measure, route_stops_order_along_line  # numpy and pyproj: loaded by this view only

        if self.request.POST.get("order_stops"):
            route_stops_order_along_line(route=saved)
        return route_measure(route=saved)

    def get_success_url(self):
        if self.request.POST.get("order_stops"):
            return reverse(self.edit_url_name, args=[quote(self.object.pk)])
        return super().get_success_url()

    def get_success_message(self, *args):  # CreateView passes the instance, EditView nothing
        if self.request.POST.get("order_stops"):
            return _("Route saved; its stops are numbered in the order they lie along the line.")
        return super().get_success_message(*args)


class RouteCreateView(RouteFormMixin, CreateView):
    pass


class RouteEditView(OwnRouteMixin, RouteFormMixin, EditView):
    pass


class RouteCopyView(OwnRouteMixin, CopyView):
    pass


class RouteDeleteView(OwnRouteMixin, DeleteView):
    pass


class RouteHistoryView(OwnRouteMixin, HistoryView):
    pass


class RouteUsageView(OwnRouteMixin, UsageView):
    pass


class RouteInspectView(OwnRouteMixin, InspectView):
    pass


class RouteRevisionsCompareView(OwnRouteMixin, RevisionsCompareView):
    pass


class RouteChooseMixin:
    """The route chooser (Wagtail makes one for every snippet): the user's routes only."""

    def get_object_list(self):
        return routes_for_user(self.request.user)


class RouteChooseView(RouteChooseMixin, ChooseView):
    pass


class RouteChooseResultsView(RouteChooseMixin, ChooseResultsView):
    pass


class RouteChosenView(SnippetChosenView):
    def get_object(self, pk):
        return routes_for_user(self.request.user).get(pk=pk)


class RouteChosenMultipleView(SnippetChosenMultipleView):
    def get_objects(self, pks):
        return routes_for_user(self.request.user).filter(pk__in=pks)


class RouteChooserViewSet(SnippetChooserViewSet):
    choose_view_class = RouteChooseView
    choose_results_view_class = RouteChooseResultsView
    chosen_view_class = RouteChosenView
    chosen_multiple_view_class = RouteChosenMultipleView


class RouteViewSet(SnippetViewSet):
    """Routes: one record per route, its line drawn on a map and its stops (places) ordered by drag or with the
    move buttons; only the editor's municipalities' routes are listed."""

    model = Route
    icon = "link"
    menu_label = _("Routes")
    menu_order = 151
    add_to_admin_menu = True
    list_display = ["name_el", "theme", "municipality", "updated_at"]
    list_filter = ["municipality", "withdrawn", "mode"]
    search_fields = ["name_el", "name_en"]
    add_view_class = RouteCreateView
    edit_view_class = RouteEditView
    copy_view_class = RouteCopyView
    delete_view_class = RouteDeleteView
    history_view_class = RouteHistoryView
    usage_view_class = RouteUsageView
    inspect_view_class = RouteInspectView
    revisions_compare_view_class = RouteRevisionsCompareView
    chooser_viewset_class = RouteChooserViewSet
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name_el"), FieldPanel("name_en")], heading=_("Names")),
            FieldPanel("municipality"),
            FieldPanel("geometry"),
            MultiFieldPanel(
                [FieldPanel("track_file"), FieldPanel("stops_within_m")], heading=_("Line and stops from a file")
            ),
            InlinePanel(
                "route_stops",
                heading=_("Stops"),
                label=_("stop"),
                panels=[FieldPanel("place"), FieldRowPanel([FieldPanel("note_el"), FieldPanel("note_en")])],
            ),
            FieldPanel("order_stops"),
            MultiFieldPanel(
                [FieldPanel("theme"), FieldPanel("mode"), FieldPanel("difficulty")],
                heading=_("Classification"),
            ),
            MultiFieldPanel([FieldPanel("step_free"), FieldPanel("seasons")], heading=_("Access and season")),
        ],
        base_form_class=RouteAdminForm,
    )

    def get_queryset(self, request):
        return routes_for_user(request.user)


class VocabularyViewSet(SnippetViewSet):
    """Categories and periods: one shared list for all municipalities, so only superusers edit them (municipal
    groups get no permission on them); every editor chooses from them in the place form."""

    icon = "tag"
    add_to_admin_menu = False
    list_display = ["name", "slug", "locale"]
    list_filter = ["locale"]


class CategoryViewSet(VocabularyViewSet):
    model = Category


class PeriodViewSet(VocabularyViewSet):
    model = Period
    list_display = ["name", "slug", "start_year", "end_year", "locale"]


class ThemeViewSet(VocabularyViewSet):
    model = Theme


register_snippet(PlaceViewSet)
register_snippet(RouteViewSet)
register_snippet(ThemeViewSet)
register_snippet(CategoryViewSet)
register_snippet(PeriodViewSet)


# --- a municipality's elevation model (gis.dem_admin): its moderators and superusers set it


class DemMenuItem(MenuItem):
    """Shown to those who may set some municipality's elevation model."""

    def is_shown(self, request):
        return bool(municipalities_dem_settable_by(request.user))


@hooks.register("register_admin_urls")
def register_dem_urls():
    return [
        path("elevation/", dem_index, name="xgis_dem_index"),
        path("elevation/<int:municipality>/", dem_edit, name="xgis_dem_edit"),
    ]


@hooks.register("register_admin_menu_item")
def register_dem_menu_item():
    return DemMenuItem(_("Elevation models"), reverse("xgis_dem_index"), icon_name="site", order=170)
