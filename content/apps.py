from django.apps import AppConfig


class ContentConfig(AppConfig):
    """Editorial content: pages, branding, translations."""

    name = "content"
    verbose_name = "Content"
    default_auto_field = "django.db.models.BigAutoField"
