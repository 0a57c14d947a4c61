"""The raster layer registry in the Wagtail admin: list with build progress, upload form, status for polling."""

from django.contrib import messages
from django.http import Http404, HttpRequest, JsonResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from .forms import RasterLayerForm
from .models import RasterLayer
from .selectors import municipalities_under


class BuildColumn(Column):
    """Status and a progress bar, refreshed while a build runs."""

    cell_template_name = "tiles/admin/build_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["status_url"] = reverse("tiles_layer_status", args=[instance.pk])
        return context


class BuildStatusPanel(Panel):
    """The last build: status, progress, message, extent, zooms and a preview link."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "tiles/admin/build_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            layer = self.instance
            context["layer"] = layer
            if layer.pk:
                context["status_url"] = reverse("tiles_layer_status", args=[layer.pk])
            if layer.pk and layer.archive and layer.bounds:
                context["preview_url"] = reverse("tiles:preview", args=[layer.slug])
                context["extent"] = ", ".join(f"{value:.5f}" for value in layer.bounds.extent)
                context["municipalities"] = municipalities_under(bounds=layer.bounds.extent)
            return context


class ExtentWarningMixin:
    """Show the form's ``extent_warning`` (a source outside every municipality) once the layer is saved."""

    def form_valid(self, form):
        response = super().form_valid(form)
        if getattr(form, "extent_warning", ""):
            messages.warning(self.request, form.extent_warning)
        return response


class RasterLayerCreateView(ExtentWarningMixin, generic.CreateView):
    pass


class RasterLayerEditView(ExtentWarningMixin, generic.EditView):
    pass


class RasterLayerViewSet(ModelViewSet):
    """Raster layers (historical maps, hillshades, orthophotos): upload, build in the background, offer on maps."""

    model = RasterLayer
    add_view_class = RasterLayerCreateView
    edit_view_class = RasterLayerEditView
    icon = "image"
    menu_label = _("Raster layers")
    menu_order = 300
    add_to_admin_menu = True
    list_display = [
        "title_el",
        "slug",
        "kind",
        Column("period", label=_("Date or period")),
        BuildColumn("status", label=_("Build")),
    ]
    list_filter = ["kind", "status", "published"]
    search_fields = ["title_el", "title_en", "slug"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("title_el"), FieldPanel("title_en")], heading=_("Title")),
            FieldRowPanel([FieldPanel("slug"), FieldPanel("kind")]),
            FieldRowPanel([FieldPanel("year_from"), FieldPanel("year_to")], heading=_("Date or period")),
            FieldPanel("attribution"),
            FieldPanel("archive_item"),
            FieldRowPanel([FieldPanel("licence"), FieldPanel("licence_url")], heading=_("Licence")),
            FieldPanel("source"),
            FieldRowPanel([FieldPanel("bands"), FieldPanel("tile_format")]),
            FieldRowPanel([FieldPanel("min_zoom"), FieldPanel("max_zoom")], heading=_("Zoom range")),
            FieldRowPanel([FieldPanel("default_opacity"), FieldPanel("published")]),
            BuildStatusPanel(heading=_("Build")),
        ],
        base_form_class=RasterLayerForm,
    )


def layer_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The build status of a layer, for the progress bars in the admin."""
    layer = RasterLayer.objects.filter(pk=pk).values("status", "progress", "message", "tile_count").first()
    if layer is None or not request.user.has_perm("tiles.view_rasterlayer"):
        raise Http404
    return JsonResponse({**layer, "status_label": str(RasterLayer.Status(layer["status"]).label)})


@hooks.register("register_admin_viewset")
def register_raster_layers():
    return RasterLayerViewSet("raster_layers")


@hooks.register("register_admin_urls")
def register_status_url():
    return [path("tiles/layers/<int:pk>/status/", layer_status, name="tiles_layer_status")]


@hooks.register("insert_global_admin_js")
def progress_script():
    return format_html('<script src="{}"></script>', static("tiles/js/admin-progress.js"))
