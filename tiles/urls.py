"""Tile URLs, language-neutral; the project mounts them at /tiles/."""

from django.urls import path, re_path

from . import views

app_name = "tiles"
urlpatterns = [
    re_path(
        r"^(?P<slug>[-\w]+)/(?P<version>[0-9a-f]{1,64})/(?P<z>\d{1,2})/(?P<x>\d{1,8})/(?P<y>\d{1,8})\.(?P<ext>png|webp)$",
        views.tile,
        name="tile",
    ),
    path("<slug:slug>/tilejson.json", views.tilejson, name="tilejson"),
    path("<slug:slug>/preview/", views.preview, name="preview"),
]
