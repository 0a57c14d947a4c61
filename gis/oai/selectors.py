"""What the provider reads: a municipality's archive items (published ones, and withdrawn ones as deleted records)
and the tombstones of deleted ones (gis.ArchiveItemDeletion), in one order, read by keyset.

A list is ordered by (datestamp, kind, id): the datestamp is the item's ``updated_at`` (the tombstone's
``deleted_at``) to the microsecond, kind 0 for items and 1 for tombstones. A page continues after the last key of the
previous one (``WHERE (updated_at, id) > (...)`` on the index ``archiveitem_oai_order``), never by OFFSET, so the
thousandth page costs what the first does. The items of a page are then read with their values, collections and
places in one query each."""

import datetime as dt
import mimetypes
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Min
from psycopg import sql
from wagtail.models import Collection, CollectionViewRestriction

from ..models import (
    ArchiveCollection,
    ArchiveItem,
    ArchiveItemDeletion,
    ArchiveItemImage,
    ArchiveItemMedia,
    ArchiveValue,
    Municipality,
    TilesState,
)
from .formats import EDM_TYPE_OF_DCMI, DcValue, PlaceRef, ViewRef, values_ordered

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
Key = tuple[int, int, int]  # (datestamp in microseconds since the epoch, kind, id)
ITEM, DELETION = 0, 1


def micros(moment: dt.datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    delta = moment - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int) -> dt.datetime:
    return EPOCH + dt.timedelta(microseconds=value)


@dataclass(frozen=True)
class ListQuery:
    """A list's selection: whose items, in which format (``edm`` offers only items EDM can describe), which set
    (the municipality's own slug is every item), and the datestamp bounds (``until`` exclusive)."""

    municipality: Municipality
    metadata_prefix: str
    set_spec: str = ""
    from_: dt.datetime | None = None
    until: dt.datetime | None = None


@dataclass(frozen=True)
class Entry:
    """One record of a list: an item (``deleted`` when withdrawn) or a tombstone."""

    key: Key
    item: ArchiveItem | None = None
    deletion: ArchiveItemDeletion | None = None
    values: tuple[DcValue, ...] = ()
    collection_slugs: tuple[str, ...] = ()
    places: tuple[PlaceRef, ...] = ()
    image_id: int | None = None  # the item's first image with a ready tile set (EDM's edm:isShownBy)
    views: tuple[ViewRef, ...] = ()

    @property
    def uid(self) -> uuid.UUID:
        return self.item.uid if self.item is not None else self.deletion.uid  # type: ignore[union-attr]

    @property
    def datestamp(self) -> dt.datetime:
        return from_micros(self.key[0]).replace(microsecond=0)

    @property
    def deleted(self) -> bool:
        return self.item is None or self.item.withdrawn

    @property
    def set_specs(self) -> list[str]:
        if self.item is None:
            return list(self.deletion.set_specs)  # type: ignore[union-attr]
        slug = self.item.municipality.slug  # type: ignore[union-attr]
        return [slug, *sorted(f"{slug}:{collection}" for collection in self.collection_slugs)]


def edm_ready(entry: "Entry") -> bool:
    """Whether EDM can describe the entry's item: an edm:type (its DCMI type maps to one), edm:rights (a rights
    URI) and a digital object for edm:isShownBy (a zoomable image whose tile set is ready, or an audio or video file
    anyone may fetch: Europeana publishes no record without one); its title (always there: the name) gives dc:title
    and its type dc:type, which EDM's ProvidedCHO also needs. The entry must have been read for EDM (its views)."""
    item = entry.item
    viewable = entry.image_id is not None or bool(entry.views)
    return item is not None and item.dc_type in EDM_TYPE_OF_DCMI and bool(item.rights) and viewable


def collection_of_set(*, municipality: Municipality, set_spec: str) -> ArchiveCollection | None | bool:
    """The collection a setSpec names (None for the municipality's top-level set; False when it names no set of
    this repository)."""
    if set_spec == municipality.slug:
        return None
    prefix, _colon, slug = set_spec.partition(":")
    if prefix != municipality.slug or not slug:
        return False
    return ArchiveCollection.objects.filter(municipality=municipality, slug=slug).first() or False


def _conditions(query: ListQuery, *, table: str, stamp: str, params: dict[str, Any]) -> list[sql.Composable]:
    conditions: list[sql.Composable] = [sql.SQL(f"{table}.municipality_id = %(municipality)s")]
    params["municipality"] = query.municipality.pk
    if query.from_ is not None:
        conditions.append(sql.SQL(f"{table}.{stamp} >= %(from)s"))
        params["from"] = query.from_
    if query.until is not None:
        conditions.append(sql.SQL(f"{table}.{stamp} < %(until)s"))
        params["until"] = query.until
    return conditions


def _item_source(query: ListQuery, collection: ArchiveCollection | None, params: dict[str, Any]) -> list:
    conditions = _conditions(query, table="i", stamp="updated_at", params=params)
    if collection is not None:
        through = ArchiveItem.collections.through._meta.db_table
        conditions.append(
            sql.SQL(
                "EXISTS (SELECT 1 FROM {} c WHERE c.archiveitem_id = i.id AND c.archivecollection_id = %(c)s)"
            ).format(sql.Identifier(through))
        )
        params["c"] = collection.pk
    if query.metadata_prefix == "edm":  # withdrawn items are deleted records whatever they lacked (see edm_ready)
        # a digital object: a tiled image, or a file whose collection (and every collection above it) has no
        # privacy set, as _views reads them (Wagtail's collections are a materialised path tree)
        conditions.append(
            sql.SQL(
                "(i.withdrawn OR (i.dc_type = ANY(%(edm_types)s) AND i.rights <> '' AND ("
                "EXISTS (SELECT 1 FROM {image} m WHERE m.item_id = i.id AND m.tiles_state = %(tiled)s) "
                "OR EXISTS (SELECT 1 FROM {item_media} am JOIN {media} md ON md.id = am.media_id "
                "JOIN {collection} c ON c.id = md.collection_id WHERE am.item_id = i.id AND NOT EXISTS ("
                "SELECT 1 FROM {restriction} r JOIN {collection} rc ON rc.id = r.collection_id "
                "WHERE c.path LIKE rc.path || '%%')))))"
            ).format(
                image=sql.Identifier(ArchiveItemImage._meta.db_table),
                item_media=sql.Identifier(ArchiveItemMedia._meta.db_table),
                media=sql.Identifier(ArchiveItemMedia._meta.get_field("media").related_model._meta.db_table),
                collection=sql.Identifier(Collection._meta.db_table),
                restriction=sql.Identifier(CollectionViewRestriction._meta.db_table),
            )
        )
        params["edm_types"], params["tiled"] = list(EDM_TYPE_OF_DCMI), TilesState.DONE
    return conditions


def _deletion_source(query: ListQuery, set_spec: str, params: dict[str, Any]) -> list:
    conditions = _conditions(query, table="d", stamp="deleted_at", params=params)
    if set_spec:
        conditions.append(sql.SQL("%(set)s = ANY(d.set_specs)"))
        params["set"] = set_spec
    return conditions


def _selection(query: ListQuery) -> tuple[sql.Composable, sql.Composable, dict[str, Any]] | None:
    """The WHERE conditions on items (alias i) and tombstones (alias d) and their parameters; None when the set
    is none of this repository's."""
    collection = collection_of_set(municipality=query.municipality, set_spec=query.set_spec) if query.set_spec else None
    if collection is False:
        return None
    params: dict[str, Any] = {}
    items = _item_source(query, collection, params)  # type: ignore[arg-type]
    deletions = _deletion_source(query, query.set_spec if collection is not None else "", params)
    return sql.SQL(" AND ").join(items), sql.SQL(" AND ").join(deletions), params


def _tables() -> dict[str, sql.Identifier]:
    return {
        "item": sql.Identifier(ArchiveItem._meta.db_table),
        "deletion": sql.Identifier(ArchiveItemDeletion._meta.db_table),
    }


def list_size(query: ListQuery) -> int:
    """How many records the list has (0 for a set that does not exist)."""
    selection = _selection(query)
    if selection is None:
        return 0
    items, deletions, params = selection
    statement = sql.SQL(
        "SELECT (SELECT count(*) FROM {item} i WHERE {items}) + (SELECT count(*) FROM {deletion} d WHERE {deletions})"
    ).format(items=items, deletions=deletions, **_tables())
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()[0]


def page_keys(query: ListQuery, *, after: Key | None, limit: int) -> list[Key]:
    """The keys of up to ``limit`` records after ``after`` (from the start when None): the page's raw query."""
    selection = _selection(query)
    if selection is None:
        return []
    items, deletions, params = selection
    item_after = deletion_after = sql.SQL("TRUE")
    if after is not None:
        stamp, kind, last = after
        params["after"] = from_micros(stamp)
        # items sort before tombstones of the same datestamp: after an item, every tombstone of its datestamp is next
        params["item_id"] = last if kind == ITEM else 2**63 - 1
        params["deletion_id"] = last if kind == DELETION else 0
        item_after = sql.SQL("(i.updated_at, i.id) > (%(after)s, %(item_id)s)")
        deletion_after = sql.SQL("(d.deleted_at, d.id) > (%(after)s, %(deletion_id)s)")
    params["limit"] = limit
    statement = sql.SQL(
        """(SELECT i.updated_at, 0, i.id FROM {item} i WHERE {items} AND {item_after}
            ORDER BY i.updated_at, i.id LIMIT %(limit)s)
           UNION ALL
           (SELECT d.deleted_at, 1, d.id FROM {deletion} d WHERE {deletions} AND {deletion_after}
            ORDER BY d.deleted_at, d.id LIMIT %(limit)s)
           ORDER BY 1, 2, 3 LIMIT %(limit)s"""
    ).format(items=items, deletions=deletions, item_after=item_after, deletion_after=deletion_after, **_tables())
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [(micros(stamp), kind, pk) for stamp, kind, pk in cursor.fetchall()]


def _grouped(rows) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for item_id, *rest in rows:
        grouped[item_id].append(tuple(rest))
    return grouped


def _views(ids: Sequence[int]) -> list[tuple[int, ViewRef]]:
    """The audio and video files of the items ``ids`` that anyone may fetch (their collection has no privacy set),
    in each item's order, as (item id, view)."""
    rows = list(
        ArchiveItemMedia.objects.filter(item_id__in=ids)
        .order_by("item_id", "sort_order", "pk")
        .values_list("item_id", "media__file", "media__collection_id")
    )
    collections = Collection.objects.filter(pk__in={collection for _i, _f, collection in rows})
    restricted = {collection.pk for collection in collections if collection.get_view_restrictions()}
    return [
        (item_id, ViewRef(f"{settings.MEDIA_URL}{name}", mimetypes.guess_type(name)[0] or "application/octet-stream"))
        for item_id, name, collection in rows
        if collection not in restricted
    ]


def _item_entries(keys: Sequence[Key], *, with_places: bool) -> dict[int, Entry]:
    """The items of ``keys`` as entries: one query each for the items, their values, collections and (for EDM)
    places, read as rows, not models."""
    ids = [pk for _stamp, kind, pk in keys if kind == ITEM]
    items = ArchiveItem.objects.filter(pk__in=ids).select_related("municipality").defer("source_attributes")
    values = _grouped(
        ArchiveValue.objects.filter(item_id__in=ids)
        .order_by()
        .values_list("item_id", "element", "value", "language", "position")
    )
    collections = _grouped(
        ArchiveItem.collections.through.objects.filter(archiveitem_id__in=ids).values_list(
            "archiveitem_id", "archivecollection__slug"
        )
    )
    places = _grouped(
        ArchiveItem.places.through.objects.filter(archiveitem_id__in=ids)
        .order_by("place__name_el")
        .values_list("archiveitem_id", "place__uid", "place__name_el", "place__name_en", "place__location")
        if with_places
        else []
    )
    images: dict[int, int] = {}
    tiled = ArchiveItemImage.objects.filter(item_id__in=ids, tiles_state=TilesState.DONE)
    for item_id, image_id in tiled.order_by("item_id", "-sort_order", "-pk").values_list("item_id", "pk"):
        images[item_id] = image_id  # the last one written is the first in the editor's order
    views = _grouped(_views(ids) if with_places else [])
    stamps = {pk: key for key in keys for pk in [key[2]] if key[1] == ITEM}
    return {
        item.pk: Entry(
            key=stamps[item.pk],
            item=item,
            values=values_ordered(values.get(item.pk, [])),
            collection_slugs=tuple(slug for (slug,) in collections.get(item.pk, [])),
            places=tuple(
                PlaceRef(str(uid), name_el, name_en, location.y, location.x)
                for uid, name_el, name_en, location in places.get(item.pk, [])
            ),
            image_id=images.get(item.pk),
            views=tuple(view for (view,) in views.get(item.pk, [])),
        )
        for item in items
    }


def entries(keys: Sequence[Key], *, with_places: bool = False) -> list[Entry]:
    """The records of ``keys``, in their order, each item with its values and collections (and its places with
    ``with_places``, which EDM needs)."""
    items = _item_entries(keys, with_places=with_places)
    deletions = ArchiveItemDeletion.objects.in_bulk([pk for _stamp, kind, pk in keys if kind == DELETION])
    found = []
    for key in keys:
        if key[1] == ITEM and key[2] in items:
            found.append(items[key[2]])
        elif key[1] == DELETION and key[2] in deletions:
            found.append(Entry(key=key, deletion=deletions[key[2]]))
    return found


def entry_by_uid(*, municipality: Municipality, uid: uuid.UUID) -> Entry | None:
    """The record of the item ``uid`` of ``municipality`` (withdrawn: deleted), or its tombstone; None otherwise."""
    item = ArchiveItem.objects.filter(municipality=municipality, uid=uid).values_list("pk", "updated_at").first()
    if item is not None:
        return entries([(micros(item[1]), ITEM, item[0])], with_places=True)[0]
    deletion = ArchiveItemDeletion.objects.filter(municipality=municipality, uid=uid).order_by("-deleted_at").first()
    if deletion is not None:
        return Entry(key=(micros(deletion.deleted_at), DELETION, deletion.pk), deletion=deletion)
    return None


def earliest_datestamp(municipality: Municipality) -> dt.datetime | None:
    """The earliest datestamp of the repository (None when it has no record yet)."""
    stamps = [
        ArchiveItem.objects.filter(municipality=municipality).aggregate(m=Min("updated_at"))["m"],
        ArchiveItemDeletion.objects.filter(municipality=municipality).aggregate(m=Min("deleted_at"))["m"],
    ]
    found = [stamp for stamp in stamps if stamp is not None]
    return min(found) if found else None


def repository_sets(municipality: Municipality) -> list[tuple[str, str, str]]:
    """(setSpec, setName, description) of the municipality's sets: its own, then its collections'."""
    own = (municipality.slug, municipality.name_el, municipality.name_en)
    collections = ArchiveCollection.objects.filter(municipality=municipality).order_by("slug")
    return [own, *((f"{municipality.slug}:{c.slug}", c.name_el, c.description_el) for c in collections)]
