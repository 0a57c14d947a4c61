"""What the public sees: the one rule that decides whether a place is published, and the name it is shown by.

design.md, "Trust": public means published; one rule decides it and every reader applies it. A place is public when
it lies in a municipality and has not been withdrawn by an import. That is all: a place saved in the admin is public
at once, whether or not an editor has written a page about it (pages add text, they do not publish the record).

The rule exists twice only because readers speak two languages: ``PUBLIC_PLACE`` for the ORM
(``Place.objects.public()``) and ``public_place_sql`` for the readers written in SQL (map, search, near me, the
open-data API, downloads). tests/gis/test_public_rule.py checks that both select the same rows and that every reader
applies them.
"""

from django.db.models import Q

from .languages import name_columns, name_param_sql, name_sql

PUBLIC_PLACE = Q(withdrawn=False, municipality__isnull=False)


def public_place_sql(alias: str) -> str:
    """The rule as a SQL condition on the place table under ``alias`` (one of our own, never user input)."""
    if not alias.isidentifier():
        raise ValueError(f"not an SQL alias: {alias!r}")
    return f"(NOT {alias}.withdrawn AND {alias}.municipality_id IS NOT NULL)"


def public_archive_item_sql(alias: str) -> str:
    """The rule for archive items (``ArchiveItem.objects.public()``: the same rule as places, in a municipality and
    not withdrawn) as a SQL condition on the archive item table under ``alias`` (one of our own)."""
    return public_place_sql(alias)


def public_name_sql(*, place: str, text: str, language: str | None = None) -> str:
    """SQL of the name a place is shown by: its public text in the language (``text``, a LEFT JOINed
    gis.PlaceText, from an editor's page or the source), else the source's name in the language's name order
    (gis.languages: German -> English -> Greek). ``language`` is the code when it is known as the SQL is written;
    without it the order comes from the query's ``%(lang)s`` and ``%(languages)s`` parameters
    (``gis.languages.language_params``)."""
    columns = name_columns(place)
    names = name_sql(columns=columns, language=language) if language else name_param_sql(columns=columns)
    return f"COALESCE({text}.name, {names})"
