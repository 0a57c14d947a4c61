"""Admin URLs of the imports (registered under /admin/imports/ by wagtail_hooks)."""

from django.urls import path

from . import views

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
]
