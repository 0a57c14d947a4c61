"""Model signal receivers of the gis app (connected in GisConfig.ready)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Place
from .services import place_texts_from_source


@receiver(post_save, sender=Place)
def place_saved(sender, instance: Place, raw: bool = False, **kwargs) -> None:
    """A place saved through the ORM (the Places admin, a revision restored, a script) gets its public texts from
    its source names at once, as an import writes them, so search finds it by name before any page is written.
    Texts that come from an editor's page are left alone."""
    if not raw:  # not while loading fixtures
        place_texts_from_source([instance])
