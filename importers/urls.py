"""Admin URLs of the imports (registered under /admin/imports/ by wagtail_hooks)."""

from django.urls import path

from . import harvest_views, views

app_name = "importers"
urlpatterns = [
    path("", views.history, name="history"),
    path("new/", views.upload, name="upload"),
    path("<uuid:uid>/source/", views.source, name="source"),
    path("<uuid:uid>/mapping/", views.mapping, name="mapping"),
    path("<uuid:uid>/progress/", views.progress, name="progress"),
    path("<uuid:uid>/status/", views.status, name="status"),
    path("<uuid:uid>/report/", views.report, name="report"),
    path("<uuid:uid>/confirm/", views.confirm, name="confirm"),
    path("<uuid:uid>/cancel/", views.cancel, name="cancel"),
    path("harvest/", harvest_views.harvest_sources, name="harvest_sources"),
    path("harvest/new/", harvest_views.harvest_source_new, name="harvest_source_new"),
    path("harvest/<int:pk>/", harvest_views.harvest_source_edit, name="harvest_source"),
    path("harvest/<int:pk>/run/", harvest_views.harvest_source_run, name="harvest_source_run"),
    path("harvest/<int:pk>/delete/", harvest_views.harvest_source_delete, name="harvest_source_delete"),
    path("harvest/<int:pk>/status/", harvest_views.harvest_source_status, name="harvest_source_status"),
]
