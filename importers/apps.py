from django.apps import AppConfig


class ImportersConfig(AppConfig):
    """File readers and import commands."""

    name = "importers"
    verbose_name = "Importers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Publish protected areas in the open-data API."""
        from gis.api.kinds import kind_register

        from .api import AREAS

        kind_register(AREAS)
