"""Admin screens of the gis app: places (with a map), routes (a line on a map and ordered stops), and categories,
periods and route themes (translatable vocabularies)."""

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import require_admin_access
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .dem_admin import dem_edit, dem_index, municipalities_dem_settable_by
from .forms import PlaceAdminForm, RouteAdminForm
from .media import media_usage
from .models import Category, Period, Place, Route, Theme
from .record_admin import MunicipalityChooseMixin, RecordFormMixin, RecordViewSet
from .selectors import vocabulary_choices
from .services import municipalities_editable_by, place_locate


def places_for_user(user):
    """The places a user may see and edit in the admin: those of the municipalities they edit."""
    queryset = Place.objects.select_related("municipality", "category")
    if user.is_superuser:
        return queryset
    return queryset.filter(municipality__in=municipalities_editable_by(user))


def routes_for_user(user):
    """The routes a user may see and edit in the admin: those kept by the municipalities they edit."""
    queryset = Route.objects.select_related("municipality", "theme")
    if user.is_superuser:
        return queryset
    return queryset.filter(municipality__in=municipalities_editable_by(user))


class PlaceFormMixin(RecordFormMixin):
    """Create/edit (no autosave, RecordFormMixin): the point goes through place_locate (municipality from the
    boundaries, with warnings); a place outside the editor's municipalities is refused."""

    def save_instance(self):
        place = self.form.instance
        allowed = municipalities_editable_by(self.request.user)
        for warning in place_locate(place=place, point=self.form.cleaned_data["location"], allowed=allowed):
            messages.warning(self.request, warning)
        if place.municipality is None and not self.request.user.is_superuser:
            raise PermissionDenied("The place must lie in a municipality you edit.")
        return super().save_instance()


class PlaceChooseMixin(MunicipalityChooseMixin):
    """The place chooser: the user's places (narrowed to one municipality when a page's form asks, see
    gis.forms.PlaceChooser), searchable by name, with municipality and category beside each name."""

    @property
    def columns(self):
        labels = dict(vocabulary_choices(model=Category, language=(get_language() or "el")[:2]))
        return [
            self.title_column,
            Column("municipality", label=_("Municipality"), accessor=lambda place: place.municipality or ""),
            Column("category", label=_("Category"), accessor=lambda place: labels.get(place.category_id, "")),
        ]


class PlaceViewSet(RecordViewSet):
    """Places: one record per real place, edited on a map; only the editor's municipalities are listed."""

    model = Place
    records_for_user = staticmethod(places_for_user)
    form_mixin = PlaceFormMixin
    choose_mixin = PlaceChooseMixin
    icon = "site"
    menu_label = _("Places")
    menu_order = 150
    list_display = ["name_el", "category", "municipality", "updated_at"]
    list_filter = ["municipality", "withdrawn"]
    search_fields = ["name_el", "name_en"]
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


class RouteFormMixin(RecordFormMixin):
    """Create/edit (no autosave, RecordFormMixin): a route must be kept by a municipality the editor edits; after
    each save its facts are measured again from the line (gis.routes.route_measure: municipalities crossed,
    circular, profile, duration, suggested difficulty).

    A track uploaded on the form ("Read the track", or Save with a file chosen) is not saved: the form is shown
    again with the file's line and, as new stop rows, the editor's places nearest its GPX waypoints, for the editor
    to check and save. "Save and order the stops along the line" saves the route (only if the form is valid), then
    numbers its stops by gis.routes.route_stops_order_along_line and opens the form again."""

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


class RouteViewSet(RecordViewSet):
    """Routes: one record per route, its line drawn on a map and its stops (places) ordered by drag or with the
    move buttons; only the editor's municipalities' routes are listed."""

    model = Route
    records_for_user = staticmethod(routes_for_user)
    form_mixin = RouteFormMixin
    icon = "link"
    menu_label = _("Routes")
    menu_order = 151
    list_display = ["name_el", "theme", "municipality", "updated_at"]
    list_filter = ["municipality", "withdrawn", "mode"]
    search_fields = ["name_el", "name_en"]
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
        # wagtailmedia's usage view with the check it lacks, at its address (this app's hooks run before its)
        path("media/usage/<int:media_id>/", require_admin_access(media_usage), name="xgis_media_usage"),
    ]


@hooks.register("register_admin_menu_item")
def register_dem_menu_item():
    return DemMenuItem(_("Elevation models"), reverse("xgis_dem_index"), icon_name="site", order=170)
