"""Admin screens of the gis app: places (with a map), categories and periods (translatable vocabularies)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet

from .forms import PlaceAdminForm
from .models import Category, Period, Place
from .services import municipalities_editable_by, place_locate


def places_for_user(user):
    """The places a user may see and edit in the admin: those of the municipalities they edit."""
    queryset = Place.objects.select_related("municipality", "category")
    if user.is_superuser:
        return queryset
    return queryset.filter(municipality__in=municipalities_editable_by(user))


class PlaceFormMixin:
    """Create/edit: the point goes through place_locate (municipality from the boundaries, with warnings)."""

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


class PlaceEditView(PlaceFormMixin, EditView):
    def get_object(self, queryset=None):
        place = super().get_object(queryset)
        if not places_for_user(self.request.user).filter(pk=place.pk).exists():
            raise PermissionDenied
        return place


class PlaceChooseView(ChooseView):
    def get_object_list(self):
        return places_for_user(self.request.user)


class PlaceChooseResultsView(ChooseResultsView):
    def get_object_list(self):
        return places_for_user(self.request.user)


class PlaceChooserViewSet(SnippetChooserViewSet):
    choose_view_class = PlaceChooseView
    choose_results_view_class = PlaceChooseResultsView


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
    edit_view_class = PlaceEditView
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


class VocabularyViewSet(SnippetViewSet):
    icon = "tag"
    add_to_admin_menu = False
    list_display = ["name", "slug", "locale"]
    list_filter = ["locale"]


class CategoryViewSet(VocabularyViewSet):
    model = Category


class PeriodViewSet(VocabularyViewSet):
    model = Period
    list_display = ["name", "slug", "start_year", "end_year", "locale"]


register_snippet(PlaceViewSet)
register_snippet(CategoryViewSet)
register_snippet(PeriodViewSet)
