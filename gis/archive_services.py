"""Writes of archive items: an item's Dublin Core values (and the fields derived from them), and the rule that an
item links only to places and routes of its own municipality."""

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from .archive import DC_ELEMENTS, dcmi_type_resolve, rights_resolve
from .archive_dates import date_interval
from .models import ArchiveItem, ArchiveValue, Place, Route
from .services import GisError

# (element, value, language): one Dublin Core value as readers give it
DcValue = tuple[str, str, str]
TITLE_LENGTH = 300


class ArchiveLinkRefused(GisError):
    """A link from an archive item to a place or route of another municipality (or to any, from an item of none)."""


def archive_links_check(*, item: ArchiveItem, places: Iterable[Place] = (), routes: Iterable[Route] = ()) -> None:
    """Refuse (ArchiveLinkRefused) places or routes that are not of the item's own municipality."""
    foreign = [str(record) for record in (*places, *routes) if record.municipality_id != item.municipality_id]
    if item.municipality_id is None or foreign:
        raise ArchiveLinkRefused(
            _("archive item %(item)s may link only to places and routes of its own municipality, not to %(names)s")
            % {"item": item.source_id or item.name_el, "names": ", ".join(foreign) or "-"}
        )


def dc_derived(values: Sequence[DcValue]) -> dict:
    """The item's fields that follow from its DC values: names (the first title in Greek, else the first title; the
    first in English), the date text and interval (the first date understood), the DCMI type, the rights URI (the
    first rights value in the vocabulary). Raises nothing; ``dc_rights_unknown`` says which rights are not known."""
    titles = [(value, language) for element, value, language in values if element == "title"]
    greek = next((v for v, lang in titles if lang.lower().startswith("el")), titles[0][0] if titles else "")
    english = next((v for v, lang in titles if lang.lower().startswith("en")), "")
    dates = [value for element, value, _language in values if element == "date"]
    interval, date_text = None, dates[0] if dates else ""
    for text in dates:
        interval = date_interval(text)
        if interval is not None:
            date_text = text
            break
    types = [dcmi_type_resolve(value) for element, value, _language in values if element == "type"]
    rights = [rights_resolve(value) for element, value, _language in values if element == "rights"]
    known = [r.uri for r in rights if r is not None]
    return {
        "name_el": greek[:TITLE_LENGTH],
        "name_en": english[:TITLE_LENGTH],
        "date_text": date_text[:200],
        "date_from": interval.start if interval else None,
        "date_to": interval.end if interval else None,
        "dc_type": next((t for t in types if t), ""),
        "rights": known[0] if known else "",
    }


def dc_rights_unknown(values: Sequence[DcValue]) -> list[str]:
    """The rights values that are neither a Creative Commons nor a RightsStatements.org URI or name."""
    return [value for element, value, _lang in values if element == "rights" and rights_resolve(value) is None]


def dc_values_rows(*, item_id: int, values: Sequence[DcValue]) -> list[ArchiveValue]:
    """The ArchiveValue rows of ``values`` (unknown elements dropped, blanks skipped), numbered within each element
    in the order given."""
    positions: dict[str, int] = {}
    rows = []
    for element, value, language in values:
        if element not in DC_ELEMENTS or not value.strip():
            continue
        position = positions.get(element, 0)
        positions[element] = position + 1
        rows.append(
            ArchiveValue(item_id=item_id, element=element, value=value.strip(), language=language, position=position)
        )
    return rows


@transaction.atomic
def archive_item_values_set(*, item: ArchiveItem, values: Sequence[DcValue]) -> ArchiveItem:
    """Replace the item's Dublin Core values with ``values`` and update the fields derived from them (names, date,
    type, rights); the item must be saved. Raises GisError for a rights value not in the vocabulary."""
    unknown = dc_rights_unknown(values)
    if unknown:
        raise GisError(
            _("archive item %(item)s: unknown rights %(rights)s (use a Creative Commons or RightsStatements.org URI)")
            % {"item": item.source_id or item.pk, "rights": ", ".join(unknown)}
        )
    for field, value in dc_derived(values).items():
        setattr(item, field, value)
    item.save()
    item.dc_values.all().delete()
    ArchiveValue.objects.bulk_create(dc_values_rows(item_id=item.pk, values=values))
    return item
