from django.apps import AppConfig


class TilesConfig(AppConfig):
    """Raster tile pyramids."""

    name = "tiles"
    verbose_name = "Tiles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from .models import RasterLayer
        from .services import layer_files_delete

        post_delete.connect(
            lambda sender, instance, **kwargs: layer_files_delete(layer=instance),
            sender=RasterLayer,
            weak=False,
            dispatch_uid="tiles_layer_files_delete",
        )
