from django.apps import AppConfig


class ContentConfig(AppConfig):
    """Editorial content: pages, branding, translations."""

    name = "content"
    verbose_name = "Content"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the place-page receivers)
