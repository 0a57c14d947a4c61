"""Admin wiring of the importers: the import screens under /admin/imports/ and their menu item."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import urls
from .views import may_import


class ImportsMenuItem(MenuItem):
    """Shown to editors who may import places."""

    def is_shown(self, request):
        return may_import(request.user)


@hooks.register("register_admin_urls")
def register_import_urls():
    return [path("imports/", include((urls.urlpatterns, "importers"), namespace="importers"))]


@hooks.register("register_admin_menu_item")
def register_imports_menu_item():
    return ImportsMenuItem(_("Imports"), reverse("importers:history"), icon_name="upload", order=160)
