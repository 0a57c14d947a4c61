from django.apps import AppConfig


class ContentConfig(AppConfig):
    """Editorial content: pages, branding, translations."""

    name = "content"
    verbose_name = "Content"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gis.api.links import site_roots_register

        from . import signals  # noqa: F401  (connects the place-page receivers)
        from .models import municipality_site_roots

        # the open-data API gives each place's page address on its own municipality's website
        site_roots_register(municipality_site_roots)
