"""/iiif/ (included by the root URLs)."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.info, kwargs={"image_id": 0}, name="iiif-base"),  # only the prefix, for building URLs: 404
    path("<int:image_id>/info.json", views.info, name="iiif-info"),
    re_path(
        r"^(?P<image_id>[0-9]+)/(?P<region>full|[0-9]+,[0-9]+,[0-9]+,[0-9]+)/(?P<size>max|[0-9]+,[0-9]*)"
        r"/(?P<rotation>0)/(?P<name>default\.jpg)$",
        views.tile,
        name="iiif-tile",
    ),
    path("<uuid:uid>/manifest.json", views.manifest, name="iiif-manifest"),
]
