"""The two-factor screens, under /admin/2fa/ (the admin's CSP and language apply)."""

from django.urls import path

from . import views

app_name = "xsecurity"
urlpatterns = [
    path("", views.two_factor_verify, name="two_factor_verify"),
    path("setup/", views.two_factor_setup, name="two_factor_setup"),
    path("remove/", views.two_factor_remove, name="two_factor_remove"),
]
