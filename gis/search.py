"""Text search of places: what a visitor types, matched against every language's name and the Greek name's Latin
transliteration, so that a search works whatever script or language it is typed in.

«Ακρόπολη», «ακροπολη», «ΑΚΡΌΠΟΛΗ» (accents and case ignored, Greek stemmer), "Acropolis" (the English text) and
"Akropoli" (ELOT 743, ``xenagos_elot743`` of migration 0006) all find «Ακρόπολη», on the Greek and on the English map.
Each language's text is matched with its own configuration (gis.languages). Where that is the one its stored vector
was built with (Greek, English, and by default any other language), a GIN index on gis.PlaceText (``search``,
``search_latin``) serves the branch and nothing is scanned; a language given another configuration in
``XENAGOS_LANGUAGE_RULES`` (German with ``german``) has its vector computed at query time over its own rows.
"""

import re

from psycopg import sql

from .languages import STORED_SEARCH_DEFAULT, search_groups
from .models import PlaceText

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 8
# The language whose names gis.PlaceText.search_latin transliterates (ELOT 743: Greek).
TRANSLITERATED = "el"


def search_query(text: str) -> str | None:
    """A prefix-matching tsquery string from what a visitor typed ("ακροπ αθ" -> "'ακροπ':* & 'αθ':*")."""
    words = _WORD.findall(text)[:MAX_WORDS]
    return " & ".join(f"'{word}':*" for word in words) or None


def _languages(codes: list[str]) -> str:
    return sql.SQL(", ").join(sql.Literal(code) for code in codes).as_string()


def _branches(param: str) -> list[str]:
    groups = search_groups()
    branches = []
    for config, codes, stored in groups:
        query = f"to_tsquery({sql.Literal(config).as_string()}, {param})"
        if stored and config == STORED_SEARCH_DEFAULT:  # also any language not configured (as before a language goes)
            others = [code for other, group, _s in groups if other != config or not _s for code in group]
            language = f"s.language NOT IN ({_languages(others)})" if others else "true"
        else:
            language = f"s.language IN ({_languages(codes)})"
        text = "COALESCE(s.name, '') || ' ' || COALESCE(s.summary, '')"  # as Django's SearchVector("name", "summary")
        vector = "s.search" if stored else f"to_tsvector({sql.Literal(config).as_string()}, {text})"
        branches.append(f"{language} AND {vector} @@ {query}")
    latin = sql.Literal(TRANSLITERATED).as_string()
    branches.append(f"s.language = {latin} AND s.search_latin @@ to_tsquery('xenagos_en', xenagos_elot743({param}))")
    return branches


def matching_places_sql(param: str) -> str:
    """SQL of the ids of the places whose text matches the tsquery string in the parameter ``param`` (a placeholder
    such as ``%s`` or ``%(q)s``, used once per branch: for ``%s`` pass ``search_params(query)``; with Greek and
    English, three times). Each language's text is matched with its configuration (gis.languages), and the Greek
    text's transliteration with the query's (gis.PlaceText.search_latin)."""
    table = PlaceText._meta.db_table  # our own table name; the query text is always a parameter
    return " UNION ALL ".join(f"SELECT s.place_id FROM {table} s WHERE {branch}" for branch in _branches(param))  # noqa: S608


def search_params(query: str) -> list[str]:
    """The positional parameters of ``matching_places_sql("%s")`` for the tsquery string ``query``."""
    return [query] * (len(search_groups()) + 1)
