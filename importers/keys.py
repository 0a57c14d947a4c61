"""The one check of a record's source id that the record-at-a-time importers (archive items, routes) share."""

from django.utils.translation import gettext as _

SOURCE_ID_LENGTH = 200


def source_id_refusal(source_id: str, *, seen: set[str], limit: int = SOURCE_ID_LENGTH) -> str:
    """Why ``source_id`` cannot key a record ("" if it can): empty, longer than ``limit`` characters, or already
    in ``seen`` (the ids kept so far in this file; the caller adds it once the record is kept)."""
    if not source_id:
        return _("empty id")
    if len(source_id) > limit:
        return _("the id is longer than %(n)s characters") % {"n": limit}
    if source_id in seen:
        return _("the id is used twice")
    return ""
