from django.apps import AppConfig


class TilesConfig(AppConfig):
    """Raster tile pyramids."""

    name = "tiles"
    verbose_name = "Tiles"
    default_auto_field = "django.db.models.BigAutoField"
