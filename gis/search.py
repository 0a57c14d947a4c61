"""Text search of places: what a visitor types, matched against every language's name and the Greek name's Latin
transliteration, so that a search works whatever script or language it is typed in.

«Ακρόπολη», «ακροπολη», «ΑΚΡΌΠΟΛΗ» (accents and case ignored, Greek stemmer), "Acropolis" (the English text) and
"Akropoli" (ELOT 743, ``xenagos_elot743`` of migration 0006) all find «Ακρόπολη», on the Greek and on the English map.
Every branch is served by a GIN index on gis.PlaceText (``search``, ``search_latin``); nothing is scanned.
"""

import re

from .models import PlaceText

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 8


def search_query(text: str) -> str | None:
    """A prefix-matching tsquery string from what a visitor typed ("ακροπ αθ" -> "'ακροπ':* & 'αθ':*")."""
    words = _WORD.findall(text)[:MAX_WORDS]
    return " & ".join(f"'{word}':*" for word in words) or None


def matching_places_sql(param: str) -> str:
    """SQL of the ids of the places whose text matches the tsquery string in the parameter ``param`` (a placeholder
    such as ``%s`` or ``%(q)s``, used three times: pass the value three times for ``%s``). Each language's text is
    matched with the configuration it was indexed with (gis.PlaceText.search), and the Greek text's transliteration
    with the query's (gis.PlaceText.search_latin)."""
    table = PlaceText._meta.db_table  # our own table name; the query text is always a parameter
    branches = [
        f"s.language = 'el' AND s.search @@ to_tsquery('xenagos_el', {param})",
        f"s.language <> 'el' AND s.search @@ to_tsquery('xenagos_en', {param})",
        f"s.language = 'el' AND s.search_latin @@ to_tsquery('xenagos_en', xenagos_elot743({param}))",
    ]
    return " UNION ALL ".join(f"SELECT s.place_id FROM {table} s WHERE {branch}" for branch in branches)  # noqa: S608
