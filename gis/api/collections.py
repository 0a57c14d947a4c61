"""The published collections: every kind for all municipalities (``places``, ``boundaries``) and, for each kind
whose records have a municipality (``Kind.municipality_column``) or several (``Kind.municipality_sql``), one per
municipality
(``places-<municipality slug>``)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..models import Municipality
from .kinds import KINDS, Kind
from .responses import not_found


@dataclass(frozen=True)
class Collection:
    """A collection of features of one kind, for all municipalities or for one."""

    kind: Kind
    municipality: Municipality | None = None

    @property
    def id(self) -> str:
        """Its stable identifier in URLs, e.g. ``places`` or ``places-athens``."""
        return self.kind.name if self.municipality is None else f"{self.kind.name}-{self.municipality.slug}"

    @property
    def title(self) -> str:
        """Its title in the active language."""
        if self.municipality is None:
            return str(self.kind.title)
        return _("%(kind)s of %(municipality)s") % {"kind": self.kind.title, "municipality": self.municipality.name}

    @property
    def description(self) -> str:
        """What it holds, in the active language."""
        text = str(self.kind.description)
        if self.municipality is None:
            return text + " " + _("All municipalities.")
        return text + " " + _("Municipality of %(name)s only.") % {"name": self.municipality.name}


def collections_all() -> list[Collection]:
    """Every published collection, the all-municipality ones first, then per municipality by name."""
    municipalities = list(Municipality.objects.order_by("name_el").defer("boundary"))
    result = [Collection(kind) for kind in KINDS.values()]
    for kind in _per_municipality():
        result.extend(Collection(kind, municipality) for municipality in municipalities)
    return result


def collection_get(*, collection_id: str) -> Collection | None:
    """The collection called ``collection_id``, or None."""
    if collection_id in KINDS:
        return Collection(KINDS[collection_id])
    for kind in _per_municipality():
        prefix = kind.name + "-"
        if collection_id.startswith(prefix):
            municipality = Municipality.objects.filter(slug=collection_id[len(prefix) :]).defer("boundary").first()
            if municipality is not None:
                return Collection(kind, municipality)
    return None


def _per_municipality() -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.per_municipality]


def collection_or_404(collection_id: str) -> Collection:
    """The collection called ``collection_id``; an OGC 404 exception naming it when there is none."""
    collection = collection_get(collection_id=collection_id)
    if collection is None:
        raise not_found(f"there is no collection '{collection_id[:60]}'; the list is at /api/features/collections")
    return collection


__all__ = ["Collection", "collection_get", "collection_or_404", "collections_all"]
