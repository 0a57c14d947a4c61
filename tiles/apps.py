from django.apps import AppConfig


class TilesConfig(AppConfig):
    """Raster tile pyramids."""

    name = "tiles"
    verbose_name = "Tiles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Signals that keep a layer's files and the tile view's cache right; the overlays on municipalities' maps
        and their links on archive items' pages; the reader of municipalities' elevation models."""
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from gis.layers import item_layers_register, map_layer_register

        from .layers import MAP_LAYER_ORDER, archive_item_layers, overlays_map_layer
        from .models import RasterLayer
        from .selectors import tile_source_forget
        from .services import layer_files_delete

        post_delete.connect(
            lambda sender, instance, **kwargs: layer_files_delete(layer=instance),
            sender=RasterLayer,
            weak=False,
            dispatch_uid="tiles_layer_files_delete",
        )
        # An editor's save (published switched off, say) reaches the tile view at once, not after the short cache.
        post_save.connect(
            lambda sender, instance, **kwargs: transaction.on_commit(lambda: tile_source_forget(slug=instance.slug)),
            sender=RasterLayer,
            weak=False,
            dispatch_uid="tiles_layer_source_forget",
        )
        map_layer_register(key="tiles.overlays", provider=overlays_map_layer, order=MAP_LAYER_ORDER)
        item_layers_register(key="tiles.overlays", provider=archive_item_layers)
        _dem_reader_register()


def _dem_reader_register() -> None:
    """Municipalities' elevation models (gis.elevation) are checked and opened by the tiles source's rules."""
    from gis.elevation import DemReader, dem_reader_register

    from .dem import dem_check, dem_open
    from .errors import TilesError

    dem_reader_register(DemReader(check=dem_check, open=dem_open, errors=(TilesError,)))
