from django.apps import AppConfig


class GisConfig(AppConfig):
    """Our spatial app. `django.contrib.gis` owns the label ``gis``, so this one is ``xgis``."""

    name = "gis"
    label = "xgis"
    verbose_name = "Xenagos GIS"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the PostGIS start-up check)
