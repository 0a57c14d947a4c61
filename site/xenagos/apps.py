from django.apps import AppConfig


class XenagosConfig(AppConfig):
    """The project shell as an app, for its templates, template tags and wiring commands."""

    name = "xenagos"
    verbose_name = "Xenagos"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the private-files checks)
