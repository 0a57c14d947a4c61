"""Model signal receivers of the gis app (connected in GisConfig.ready)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Place, Route
from .services import place_texts_from_source
from .tasks import route_profile_schedule

# a save that writes either changes the line the profile is read along (a full save, the admin's, writes all)
PROFILE_INPUTS = {"geometry", "track_elevations_m"}


@receiver(post_save, sender=Place)
def place_saved(sender, instance: Place, raw: bool = False, **kwargs) -> None:
    """A place saved through the ORM (the Places admin, a revision restored, a script) gets its public texts from
    its source names at once, as an import writes them, so search finds it by name before any page is written.
    Texts that come from an editor's page are left alone."""
    if not raw:  # not while loading fixtures
        place_texts_from_source([instance])


@receiver(post_save, sender=Route)
def route_saved(sender, instance: Route, raw: bool = False, update_fields=None, **kwargs) -> None:
    """A route saved with a new line, track or keeper (the admin, an import, a script) gets its profile from its
    keeper's DEM in the background once the transaction commits (gis.tasks.route_profile_schedule); the saves of
    the measures themselves (gis.routes) do not ask again."""
    if not raw and (update_fields is None or PROFILE_INPUTS & set(update_fields)):
        route_profile_schedule(route_id=instance.pk)
