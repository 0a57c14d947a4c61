from django.apps import AppConfig
from django.db.backends.signals import connection_created


class XenagosConfig(AppConfig):
    """The project shell as an app, for its templates, template tags and wiring commands."""

    name = "xenagos"
    verbose_name = "Xenagos"

    def ready(self) -> None:
        from xenagos.outage import on_connection_created

        from . import checks  # noqa: F401  (registers the private-files checks)

        connection_created.connect(on_connection_created, dispatch_uid="xenagos.outage")
