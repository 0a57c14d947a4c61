from django.apps import AppConfig


class GisConfig(AppConfig):
    """Our spatial app. `django.contrib.gis` owns the label ``gis``, so this one is ``xgis``."""

    name = "gis"
    label = "xgis"
    verbose_name = "Xenagos GIS"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Start-up check and receivers; protected areas, routes and located archive items in the open-data API and
        on municipalities' maps."""
        from django.db.models.signals import post_migrate

        from . import checks, receivers  # noqa: F401  (the PostGIS start-up check; a saved place gets its texts)
        from .api.archive import ARCHIVE
        from .api.areas import AREAS
        from .api.kinds import kind_register
        from .api.routes import ROUTES
        from .archive_admin import archive_admin_register
        from .archive_map import MAP_LAYER_ORDER as ARCHIVE_LAYER_ORDER
        from .archive_map import archive_map_layer
        from .areas import MAP_LAYER_ORDER, areas_map_layer
        from .iiif import receivers as iiif_receivers  # noqa: F401  (an added or replaced archive image is tiled)
        from .layers import map_layer_register
        from .route_map import MAP_LAYER_ORDER as ROUTES_LAYER_ORDER
        from .route_map import routes_map_layer

        post_migrate.connect(_seed_vocabularies, sender=self)
        post_migrate.connect(_cache_triggers, sender=self)
        archive_admin_register()
        kind_register(AREAS)
        kind_register(ROUTES)
        kind_register(ARCHIVE)
        map_layer_register(key="gis.areas", provider=areas_map_layer, order=MAP_LAYER_ORDER)
        map_layer_register(key="gis.routes", provider=routes_map_layer, order=ROUTES_LAYER_ORDER)
        map_layer_register(key="gis.archive", provider=archive_map_layer, order=ARCHIVE_LAYER_ORDER)


def _seed_vocabularies(sender, using="default", **kwargs) -> None:
    """After migrate (and after a test flush): the starting categories and periods, if there are none."""
    from .services import vocabularies_ensure

    vocabularies_ensure()


def _cache_triggers(sender, using="default", **kwargs) -> None:
    """After migrate: the triggers of the features caches as the kinds declare them (gis/api/cache_triggers.py)."""
    from .api.cache_triggers import kinds_cache_triggers_install
    from .api.kinds import KINDS

    kinds_cache_triggers_install(KINDS.values())
