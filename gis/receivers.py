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


def _archive_links_guard(sender, instance, action: str, reverse: bool, model, pk_set, **kwargs) -> None:
    """Before places or routes are linked to an archive item (from either side), refuse those of another
    municipality: the last guard behind the admin's choosers and the importers."""
    from .archive_services import archive_links_check
    from .models import ArchiveItem

    if action != "pre_add" or not pk_set:
        return
    if reverse:  # place.archive_items.add(item): each item must be of the place's (route's) municipality
        places, routes = ([instance], []) if isinstance(instance, Place) else ([], [instance])
        for item in ArchiveItem.objects.filter(pk__in=pk_set):
            archive_links_check(item=item, places=places, routes=routes)
        return
    records = list(model.objects.filter(pk__in=pk_set))
    archive_links_check(item=instance, places=records)


def _connect_archive_guards() -> None:
    from django.db.models.signals import m2m_changed

    from .models import ArchiveItem

    m2m_changed.connect(_archive_links_guard, sender=ArchiveItem.places.through, dispatch_uid="archive_places")
    m2m_changed.connect(_archive_links_guard, sender=ArchiveItem.routes.through, dispatch_uid="archive_routes")


_connect_archive_guards()


def _archive_item_deleting(sender, instance, **kwargs) -> None:
    """Before an archive item is deleted (its collection links go first), note the OAI-PMH sets it was in."""
    if instance.municipality_id is not None:
        slugs = instance.collections.values_list("slug", flat=True)
        instance._oai_set_specs = [instance.municipality.slug, *(f"{instance.municipality.slug}:{s}" for s in slugs)]


def _archive_item_deleted(sender, instance, **kwargs) -> None:
    """An archive item deleted from the database stays a deleted record of the OAI-PMH provider (gis.oai,
    ``deletedRecord`` persistent): a tombstone with its uid and sets."""
    from .models import ArchiveItemDeletion

    set_specs = getattr(instance, "_oai_set_specs", None)
    if set_specs is not None:
        ArchiveItemDeletion.objects.create(
            municipality_id=instance.municipality_id, uid=instance.uid, set_specs=set_specs
        )


def _connect_archive_deletions() -> None:
    from django.db.models.signals import post_delete, pre_delete

    from .models import ArchiveItem

    pre_delete.connect(_archive_item_deleting, sender=ArchiveItem, dispatch_uid="archive_item_deleting")
    post_delete.connect(_archive_item_deleted, sender=ArchiveItem, dispatch_uid="archive_item_deleted")


_connect_archive_deletions()
