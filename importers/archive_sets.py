"""OAI-PMH sets as archive collections: a harvested (or imported) record's header ``setSpec``s put its item into
gis.ArchiveCollections of the import's municipality, created when missing.

- A set becomes the collection whose slug is ``set_slug(spec)`` (``1:4`` -> ``1-4``, a hierarchy's colons as
  dashes), named by the repository's ListSets ``setName`` when the harvest has it, else by the setSpec itself.
- Memberships the import made are recorded on the item (``source_attributes["oai_collections"]``, the slugs): when
  a record's sets change, only those are taken away. A membership an editor made (one the item had before the import
  would have made it) is never recorded, so never removed; one the import made and an editor removed comes back the
  next time the source lists the record in that set (the source owns its sets).
- Idempotent: a record whose sets have not changed writes nothing (no collection, membership or item row).
"""

import hashlib
from collections.abc import Callable, Iterable

from django.utils import timezone
from django.utils.text import slugify

from gis.models import ArchiveCollection, ArchiveItem, Municipality
from gis.signals import public_data_changed

from .readers.dc import ArchiveRecord

RECORDED = "oai_collections"  # the key of source_attributes holding the memberships the import made
SLUG_LENGTH = 50  # ArchiveCollection.slug's max_length

SetNames = Callable[[], dict[str, str]]  # setSpec -> setName, asked at most once, only when a collection is new


def set_slug(spec: str) -> str:
    """The collection slug of the setSpec ``spec``: each level slugified, joined by dashes (``2:6`` -> ``2-6``);
    a longer one cut with a hash of the whole so that two long specs do not meet."""
    slug = "-".join(part for part in (slugify(level) for level in spec.split(":")) if part) or "set"
    if len(slug) <= SLUG_LENGTH:
        return slug
    digest = hashlib.sha256(spec.encode()).hexdigest()[:8]
    return f"{slug[: SLUG_LENGTH - 9].rstrip('-')}-{digest}"


def _collections(
    *, specs: set[str], municipality: Municipality, names: SetNames | None
) -> tuple[dict[str, ArchiveCollection], int]:
    """The municipality's collections of ``specs`` by slug, the missing ones created (named by ``names()``, asked
    only when one is missing), and how many were created."""
    by_slug = {set_slug(spec): spec for spec in specs}
    found = {c.slug: c for c in ArchiveCollection.objects.filter(municipality=municipality, slug__in=by_slug)}
    missing = [slug for slug in by_slug if slug not in found]
    if missing:
        known = names() if names is not None else {}
        created = ArchiveCollection.objects.bulk_create(
            [
                ArchiveCollection(
                    municipality=municipality, slug=slug, name_el=(known.get(by_slug[slug]) or by_slug[slug])[:300]
                )
                for slug in missing
            ]
        )
        found.update({c.slug: c for c in created})
    return found, len(missing)


def archive_sets_apply(
    *,
    records: Iterable[ArchiveRecord],
    items: dict[str, ArchiveItem],
    municipality: Municipality,
    names: SetNames | None = None,
) -> dict[str, int]:
    """Put each record's item (``items`` by source id, saved) into the collections of its sets and out of those
    the import put it in that its sets no longer name (see the module); deleted records are left as they are.
    Returns the counts of collections created and of memberships added and removed. The caller holds the
    transaction."""
    by_pk: dict[int, ArchiveItem] = {}
    wanted: dict[int, set[str]] = {}  # item id -> slugs of its record's sets
    specs: dict[str, str] = {}  # slug -> setSpec
    for record in records:
        item = items.get(record.source_id)
        if item is None or record.deleted:
            continue
        by_pk[item.pk] = item
        wanted[item.pk] = {set_slug(spec) for spec in record.sets if spec}
        specs.update({set_slug(spec): spec for spec in record.sets if spec})
    through = ArchiveItem.collections.through
    current: dict[int, dict[str, int]] = {}  # item id -> {slug: collection id}, the municipality's collections
    rows = through.objects.filter(archiveitem_id__in=wanted, archivecollection__municipality=municipality)
    for item_id, slug, collection_id in rows.values_list(
        "archiveitem_id", "archivecollection__slug", "archivecollection_id"
    ):
        current.setdefault(item_id, {})[slug] = collection_id
    adding = {pk: slugs - set(current.get(pk, {})) for pk, slugs in wanted.items()}
    needed = {specs[slug] for slugs in adding.values() for slug in slugs}
    collections, created = _collections(specs=needed, municipality=municipality, names=names) if needed else ({}, 0)
    new_rows, gone, changed = [], [], []
    now = timezone.now()
    for pk, slugs in wanted.items():
        item = by_pk[pk]
        mine = set(item.source_attributes.get(RECORDED, []))
        remove = [current[pk][slug] for slug in (mine - slugs) & set(current.get(pk, {}))]
        new_rows += [through(archiveitem_id=pk, archivecollection_id=collections[slug].pk) for slug in adding[pk]]
        gone += [(pk, collection_id) for collection_id in remove]
        now_mine = (mine & slugs) | adding[pk]
        if now_mine != mine or remove or adding[pk]:
            item.source_attributes = {**item.source_attributes, RECORDED: sorted(now_mine)}
            item.updated_at = now  # its OAI-PMH record's sets changed: harvesters of ours see it again
            changed.append(item)
    for pk in {pk for pk, _c in gone}:
        through.objects.filter(archiveitem_id=pk, archivecollection_id__in=[c for p, c in gone if p == pk]).delete()
    through.objects.bulk_create(new_rows)
    if changed:
        ArchiveItem.objects.bulk_update(changed, ["source_attributes", "updated_at"])
        public_data_changed.send(sender=__name__)  # bulk writes send no model signals: the page cache must know
    return {
        "collections created": created,
        "set memberships added": len(new_rows),
        "set memberships removed": len(gone),
    }
