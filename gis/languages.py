"""Languages in one place: per language its PostgreSQL text-search configuration, ICU collation and fallback order,
and the SQL and Python that pick a name by that order.

The languages are ``settings.LANGUAGES``; Greek (``settings.LANGUAGE_CODE``) is the source and the end of every
fallback. ``settings.XENAGOS_LANGUAGE_RULES`` may state, per language, any of::

    XENAGOS_LANGUAGE_RULES = {"de": {"search_config": "german", "collation": "de-x-icu", "fallback": ["en", "el"]}}

Defaults: Greek searches with ``xenagos_el`` (unaccent + Greek stemmer) and sorts with ``el-x-icu``; every other
language searches with ``xenagos_en`` (unaccent + English stemmer: what gis.PlaceText stores for it), sorts with
``<code>-x-icu`` and falls back to English (for a language other than English) and then Greek.

What a third language gets without a migration:

- **texts** (gis.PlaceText, one row per language) and **vocabularies** (Category, Period: Wagtail translatable rows,
  one per Locale): a new language just gets rows; where a row is missing, the fallback order picks the next
  language's row (German -> English -> Greek).
- **names with a column per language** (``name_el``/``name_en`` of places, municipalities and protected areas):
  only the languages of ``NAME_LANGUAGES`` have a column. A language without one is named by the first column of
  its fallback order (German -> ``name_en`` -> ``name_el``); any other column is the last resort, so that a record
  with a name in one language only is never nameless.
- **search**: a language whose configuration is the one its stored vector (``PlaceText.search``) was built with
  uses the GIN index; another (German with ``german``) is matched with ``to_tsvector`` at query time over that
  language's rows only (``search_sql``).
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import get_language
from psycopg import sql

# Languages whose names have a column of their own on the records (``name_el``, ``name_en``), source first.
NAME_LANGUAGES = ("el", "en")
# The text-search configuration gis.PlaceText.search (a stored, GIN-indexed column) is built with, per language;
# every other language's vector is built with STORED_SEARCH_DEFAULT. Changing these needs a migration.
STORED_SEARCH_CONFIGS = {"el": "xenagos_el"}
STORED_SEARCH_DEFAULT = "xenagos_en"
_DEFAULT_COLLATIONS = {"el": "el-x-icu", "en": "en-x-icu"}  # shipped with PostgreSQL's ICU: accents, final sigma
_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class LanguageRules:
    """How one language is searched, sorted and completed: a text-search configuration, an ICU collation (both
    PostgreSQL object names) and the languages to fall back to, in order, ending at the source language."""

    code: str
    search_config: str
    collation: str
    fallback: tuple[str, ...]


def source_language() -> str:
    """The source language (Greek): what every record and vocabulary is written in first."""
    return settings.LANGUAGE_CODE


def language_codes() -> list[str]:
    """The configured languages' codes (``settings.LANGUAGES``), in their order."""
    return [code for code, _name in settings.LANGUAGES]


def language_code(code: str | None = None) -> str:
    """The configured language for ``code`` (the active language when None): itself, its base language ("en-gb" ->
    "en") or else the source language."""
    code = (code or get_language() or source_language()).lower()
    codes = language_codes()
    if code in codes:
        return code
    base = code.split("-")[0]
    return base if base in codes else source_language()


def language_rules(code: str | None = None) -> LanguageRules:
    """The rules of language ``code`` (the active language when None): the settings' rule where given, else the
    defaults described above."""
    code = language_code(code)
    given = getattr(settings, "XENAGOS_LANGUAGE_RULES", {}).get(code, {})
    source = source_language()
    codes = language_codes()
    default_fallback = [] if code == source else [c for c in ("en",) if c != code and c in codes]
    fallback = [c for c in given.get("fallback", default_fallback) if c in codes and c != code]
    if code != source and source not in fallback:
        fallback.append(source)
    return LanguageRules(
        code=code,
        search_config=given.get("search_config", STORED_SEARCH_CONFIGS.get(code, STORED_SEARCH_DEFAULT)),
        collation=given.get("collation", _DEFAULT_COLLATIONS.get(code, f"{code}-x-icu")),
        fallback=tuple(dict.fromkeys(fallback)),
    )


def fallback_order(code: str | None = None) -> list[str]:
    """The language, then its fallbacks, ending at the source language: ``["de", "en", "el"]``."""
    rules = language_rules(code)
    return [rules.code, *rules.fallback]


def name_order(code: str | None = None) -> list[str]:
    """The name columns' languages (NAME_LANGUAGES) in the order a record's name is chosen in ``code``: those of its
    fallback order first, then the others (a last resort, so that a name in any language beats none)."""
    first = [c for c in fallback_order(code) if c in NAME_LANGUAGES]
    return first + [c for c in NAME_LANGUAGES if c not in first]


def localized(names: Mapping[str, str], *, language: str | None = None) -> str:
    """The first non-empty of ``names`` (language -> name, e.g. a record's ``name_el``/``name_en``) in the name
    order of ``language`` (the active language when None); "" when all are empty."""
    for code in [*name_order(language), *names]:
        if names.get(code):
            return names[code]
    return ""


def language_params(language: str) -> dict[str, str]:
    """The query parameters the SQL of this module reads: ``lang`` (the language) and ``languages`` (every
    configured language's fallback orders, ``languages_json``)."""
    return {"lang": language, "languages": languages_json()}


def languages_json() -> str:
    """The ``%(languages)s`` parameter: per configured language its fallback order (``order``, for text and
    vocabulary rows) and name order (``names``, for name columns), as JSON. It does not depend on the language
    asked for, so a query's parameters can be made before the language is known (the feature cache's COPY)."""
    rules = {code: {"order": fallback_order(code), "names": name_order(code)} for code in language_codes()}
    return json.dumps(rules, separators=(",", ":"))


def _rules_sql() -> str:
    """SQL of the ``%(lang)s`` entry of ``%(languages)s`` (the source language's for a language not configured)."""
    source = _text(sql.Literal(source_language()))
    return f"COALESCE(%(languages)s::jsonb -> %(lang)s, %(languages)s::jsonb -> {source})"


def _text(composed: sql.Composable) -> str:
    return composed.as_string()


def collate_sql(language: str) -> str:
    """``COLLATE "<collation>"``: the language's ICU collation as an SQL clause (the name quoted as an identifier)."""
    return _text(sql.SQL("COLLATE {}").format(sql.Identifier(language_rules(language).collation)))


def name_columns(alias: str) -> dict[str, str]:
    """A record's name column per language (``{"el": "r.name_el", "en": "r.name_en"}``) under table ``alias``."""
    return {code: _text(sql.Identifier(alias, f"name_{code}")) for code in NAME_LANGUAGES}


def name_sql(*, columns: Mapping[str, str], language: str) -> str:
    """SQL of a record's name in ``language`` (known when the SQL is written): the first non-empty of ``columns``
    (language -> SQL expression) in the language's name order, else ''."""
    parts = [f"NULLIF({columns[code]}, '')" for code in name_order(language) if code in columns]
    return f"COALESCE({', '.join(parts)}, '')"


def name_param_sql(*, columns: Mapping[str, str]) -> str:
    """SQL of a record's name in the language of the query's parameters (``language_params``): as ``name_sql``, the
    order read from ``%(languages)s`` for ``%(lang)s`` when the query runs (a constant there, which PostgreSQL
    folds), so that the SQL can be written once for every language."""
    present = [code for code in NAME_LANGUAGES if code in columns]
    whens = " ".join(f"WHEN {_text(sql.Literal(code))} THEN NULLIF({columns[code]}, '')" for code in present)
    slots = [f"CASE {_rules_sql()} -> 'names' ->> {index} {whens} END" for index in range(len(NAME_LANGUAGES))]
    return f"COALESCE({', '.join(slots)}, '')"


def name_by_row_sql(*, columns: Mapping[str, str], language_sql: str) -> str:
    """SQL of a record's name in a language that varies by row (``language_sql``, e.g. ``l.code`` over an unnest of
    the languages): a CASE over the configured languages, each in its name order."""
    cases = " ".join(
        f"WHEN {_text(sql.Literal(code))} THEN {name_sql(columns=columns, language=code)}" for code in language_codes()
    )
    return f"CASE {language_sql} {cases} ELSE {name_sql(columns=columns, language=source_language())} END"


def translated_rows_sql(*, table: str, locale_table: str) -> str:
    """A derived table ``(translation_key, name)`` of a translatable vocabulary ``table`` (Wagtail
    ``TranslatableMixin``): per translation key, the row in the first language of ``%(lang)s``'s fallback order (from
    ``%(languages)s``) that has one. Join it on the source row's ``translation_key`` and fall back to the source
    row's name. Vocabularies are small (tens of rows): PostgreSQL builds it once per query."""
    return _text(
        sql.SQL(
            "(SELECT DISTINCT ON (v.translation_key) v.translation_key, v.name FROM {table} v "
            "JOIN {locale} lo ON lo.id = v.locale_id "
            "JOIN jsonb_array_elements_text({rules} -> 'order') WITH ORDINALITY AS o(code, position) "
            "ON o.code = lo.language_code "
            "ORDER BY v.translation_key, o.position)"
        ).format(table=sql.Identifier(table), locale=sql.Identifier(locale_table), rules=sql.SQL(_rules_sql()))
    )


def translated_name_sql(*, table: str, locale_table: str, key_sql: str) -> str:
    """SQL of the name of the vocabulary row with translation key ``key_sql`` in ``%(lang)s``'s fallback order (NULL
    when none: fall back to the source row's name). The names are gathered once per query (an uncorrelated
    subquery: PostgreSQL runs it once, also inside a LATERAL join), then each row is a JSON look-up."""
    rows = translated_rows_sql(table=table, locale_table=locale_table)
    return f"((SELECT jsonb_object_agg(x.translation_key, x.name) FROM {rows} x) ->> ({key_sql})::text)"  # noqa: S608


def stored_search_config(language: str) -> str:
    """The configuration gis.PlaceText.search holds ``language``'s text in (STORED_SEARCH_CONFIGS)."""
    return STORED_SEARCH_CONFIGS.get(language, STORED_SEARCH_DEFAULT)


def search_groups() -> list[tuple[str, list[str], bool]]:
    """How each configured language's text is searched: (configuration, languages, stored) per group, stored groups
    first (their ``PlaceText.search`` vector was built with the configuration, so the GIN index serves them); the
    other languages' vectors are computed when the query runs."""
    stored: dict[str, list[str]] = {}
    computed: dict[str, list[str]] = {}
    for code in language_codes():
        config = language_rules(code).search_config
        (stored if config == stored_search_config(code) else computed).setdefault(config, []).append(code)
    return [(c, codes, True) for c, codes in stored.items()] + [(c, codes, False) for c, codes in computed.items()]


def unknown_database_names(connection: BaseDatabaseWrapper) -> list[str]:
    """The configured collations and text-search configurations that the database of ``connection`` lacks, as
    readable phrases (empty when all exist). Our own configurations (``xenagos_el``, ``xenagos_en``) are made by our
    migrations, which the start-up check runs before."""
    ours = {*STORED_SEARCH_CONFIGS.values(), STORED_SEARCH_DEFAULT}  # made by our migrations (0001), maybe not yet run
    missing = []
    with connection.cursor() as cursor:
        for code in language_codes():
            rules = language_rules(code)
            cursor.execute("SELECT 1 FROM pg_collation WHERE collname = %s", [rules.collation])
            if cursor.fetchone() is None:
                missing.append(f"collation '{rules.collation}' (language '{code}')")
            if rules.search_config in ours:
                continue
            cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [rules.search_config])
            if cursor.fetchone() is None:
                missing.append(f"text search configuration '{rules.search_config}' (language '{code}')")
    return missing


def invalid_rules() -> list[str]:
    """Problems of ``settings.XENAGOS_LANGUAGE_RULES`` that need no database: rules for languages that are not
    configured, unknown keys, bad codes."""
    problems = []
    codes = language_codes()
    for code, rule in getattr(settings, "XENAGOS_LANGUAGE_RULES", {}).items():
        if code not in codes:
            problems.append(f"XENAGOS_LANGUAGE_RULES names '{code}', which is not in LANGUAGES")
        unknown = set(rule) - {"search_config", "collation", "fallback"}
        if unknown:
            problems.append(f"XENAGOS_LANGUAGE_RULES['{code}'] has unknown keys: {', '.join(sorted(unknown))}")
        for other in rule.get("fallback", []):
            if other not in codes:
                problems.append(f"XENAGOS_LANGUAGE_RULES['{code}'] falls back to '{other}', which is not in LANGUAGES")
    problems += [f"LANGUAGES has an invalid code '{code}'" for code in codes if not _CODE.match(code)]
    return problems
