"""Reads of the public archive (``/<lang>/archive/``): the published items of a municipality narrowed by facets
(DCMI type, decade, linked place, collection, rights) and by a Greek-aware text search, their facet counts (counted
in SQL), a page of them sorted by date or by title, and the items of one place.

Public means gis.public's rule (not withdrawn, in a municipality), here always of the one municipality asked for;
linked places are counted and shown only when public too. Dates are the items' intervals of days
(``date_from``–``date_to``, gis.archive_dates); an item belongs to every decade its interval overlaps, so
"1912–1913" and "1910s" are of the 1910s and "c. 1920" (1915–1925) of the 1910s and the 1920s.

Search: each word a visitor types (prefix-matched, ``gis.search.search_query`` rules) must occur in one of the
item's title, description, subject or creator values, matched accent- and case-insensitively with the Greek
(``xenagos_el``: unaccent + Greek stemmer, which also folds the final sigma) and the English configuration, and in
Latin letters through the ELOT 743 transliteration (``xenagos_elot743``), as the places' search.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from psycopg import sql

from .languages import collate_sql, language_params, name_columns, name_param_sql
from .models import ArchiveCollection, ArchiveItem, ArchiveItemImage, ArchiveValue, Municipality, Place, PlaceText
from .public import public_name_sql, public_place_sql
from .search import MAX_WORDS

SEARCHED_ELEMENTS = ("title", "description", "subject", "creator")
_WORD = re.compile(r"\w+", re.UNICODE)
FACETS = ("type", "decade", "place", "collection", "rights")
SORTS = ("title", "date", "-date")  # by title (the language's collation), oldest first, newest first


@dataclass(frozen=True)
class ArchiveFilter:
    """What the archive list shows: the published items of ``municipality``, named in ``language``, narrowed by
    facets (within a facet any of its values, across facets all of them) and by ``text`` (what a visitor typed)."""

    municipality: Municipality
    language: str
    types: list[str] = field(default_factory=list)  # DCMI Type terms (gis.vocabularies.DCMI_TYPES)
    decades: list[int] = field(default_factory=list)  # first years of decades: 1910 is 1910-01-01..1919-12-31
    places: list[str] = field(default_factory=list)  # place uids
    collections: list[str] = field(default_factory=list)  # collection slugs of the municipality
    rights: list[str] = field(default_factory=list)  # rights URIs (gis.vocabularies.RIGHTS)
    text: str = ""


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet: its key (the GET parameter's value), its label and how many items have it."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class ArchiveRow:
    """An item as the list shows it: uid, title in the language, date as written, DCMI type, interval start."""

    uid: str
    title: str
    date_text: str
    dc_type: str
    date_from: date | None


def _tables() -> dict[str, sql.Identifier]:
    return {
        "item": sql.Identifier(ArchiveItem._meta.db_table),
        "value": sql.Identifier(ArchiveValue._meta.db_table),
        "item_places": sql.Identifier(ArchiveItem.places.through._meta.db_table),
        "item_collections": sql.Identifier(ArchiveItem.collections.through._meta.db_table),
        "place": sql.Identifier(Place._meta.db_table),
        "placetext": sql.Identifier(PlaceText._meta.db_table),
        "collection": sql.Identifier(ArchiveCollection._meta.db_table),
    }


def search_words(text: str) -> list[str]:
    """The prefix tsquery terms of what a visitor typed, one per word ("Ναύπλιο 1920" -> ["'Ναύπλιο':*",
    "'1920':*"]), at most gis.search.MAX_WORDS."""
    return [f"'{word}':*" for word in _WORD.findall(text)[:MAX_WORDS]]


def _word_sql(param: str) -> sql.Composable:
    """The ids of items with a searched value matching the tsquery term in ``param`` (Greek, English, Latin): the
    elements as literals and the expressions as migration 0015's partial GIN indexes have them, which serve it."""
    term = sql.Placeholder(param)
    return sql.SQL(
        """i.id IN (SELECT v.item_id FROM {value} v WHERE v.element IN ({searched}) AND (
               to_tsvector('xenagos_el', v.value) @@ to_tsquery('xenagos_el', {term})
               OR to_tsvector('xenagos_en', v.value) @@ to_tsquery('xenagos_en', {term})
               OR to_tsvector('xenagos_en', xenagos_elot743(v.value))
                  @@ to_tsquery('xenagos_en', xenagos_elot743({term}))))"""
    ).format(
        value=_tables()["value"], term=term, searched=sql.SQL(", ").join(sql.Literal(e) for e in SEARCHED_ELEMENTS)
    )


def _conditions(where: ArchiveFilter) -> tuple[dict[str, sql.Composable], dict[str, Any]]:
    """The facets' conditions over the item ``i`` (by facet name; "text" for the search) and their parameters."""
    tables = _tables()
    conditions: dict[str, sql.Composable] = {}
    params: dict[str, Any] = {}
    if where.types:
        conditions["type"] = sql.SQL("i.dc_type = ANY(%(types)s)")
        params["types"] = list(where.types)
    if where.decades:
        conditions["decade"] = sql.SQL(
            "EXISTS (SELECT 1 FROM unnest(%(decades)s::int[]) d(y) "
            "WHERE i.date_from <= make_date(d.y + 9, 12, 31) AND i.date_to >= make_date(d.y, 1, 1))"
        )
        params["decades"] = list(where.decades)
    if where.places:
        conditions["place"] = sql.SQL(
            "i.id IN (SELECT ip.archiveitem_id FROM {item_places} ip JOIN {place} p ON p.id = ip.place_id "
            "WHERE p.uid::text = ANY(%(places)s))"
        ).format(**tables)
        params["places"] = list(where.places)
    if where.collections:
        conditions["collection"] = sql.SQL(
            "i.id IN (SELECT ic.archiveitem_id FROM {item_collections} ic "
            "JOIN {collection} c ON c.id = ic.archivecollection_id "
            "WHERE c.municipality_id = %(municipality)s AND c.slug = ANY(%(collections)s))"
        ).format(**tables)
        params["collections"] = list(where.collections)
    if where.rights:
        conditions["rights"] = sql.SQL("i.rights = ANY(%(rights)s)")
        params["rights"] = list(where.rights)
    words = search_words(where.text)
    if words:
        conditions["text"] = sql.SQL(" AND ").join(_word_sql(f"word{n}") for n in range(len(words)))
        params.update({f"word{n}": word for n, word in enumerate(words)})
    return conditions, params


def _source(
    where: ArchiveFilter, *, without: str = "", searched: sql.Composable | None = None
) -> tuple[sql.Composable, dict[str, Any]]:
    """``FROM item i WHERE <public, of the municipality, every condition but ``without``'s>`` and its parameters;
    ``searched`` replaces the search's condition (by one on a CTE of the items it matches)."""
    conditions, params = _conditions(where)
    if searched is not None and "text" in conditions:
        conditions["text"] = searched
    parts: list[sql.Composable] = [
        sql.SQL(public_place_sql("i")),
        sql.SQL("i.municipality_id = %(municipality)s"),
        *(condition for name, condition in conditions.items() if name != without),
    ]
    params.update({"municipality": where.municipality.pk, **language_params(where.language)})
    return sql.SQL("FROM {item} i WHERE {where}").format(
        item=_tables()["item"], where=sql.SQL(" AND ").join(parts)
    ), params


def _fetch(query: sql.Composable, params: dict[str, Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def archive_count(*, where: ArchiveFilter) -> int:
    """How many items the filter lists."""
    source, params = _source(where)
    return _fetch(sql.SQL("SELECT count(*) {}").format(source), params)[0][0]


def archive_exists(*, municipality: Municipality) -> bool:
    """Whether ``municipality`` has any published archive item (``EXISTS``: stops at the first)."""
    return ArchiveItem.objects.public().filter(municipality=municipality).exists()


def _title_sql() -> str:
    return name_param_sql(columns=name_columns("i"))


def archive_page(*, where: ArchiveFilter, sort: str = "title", limit: int, offset: int = 0) -> list[ArchiveRow]:
    """The listed items, ``limit`` from ``offset``, sorted by ``sort`` (SORTS): by title with the language's
    collation (Greek: el-GR), or by the start of the date interval (undated items last), then by title."""
    source, params = _source(where)
    title = sql.SQL(_title_sql())
    collate = sql.SQL(collate_sql(where.language))
    by_title = sql.SQL("{title} {collate}, i.id").format(title=title, collate=collate)
    order = {
        "title": by_title,
        "date": sql.SQL("i.date_from ASC NULLS LAST, i.date_to ASC, {}").format(by_title),
        "-date": sql.SQL("i.date_to DESC NULLS LAST, i.date_from DESC, {}").format(by_title),
    }[sort]
    query = sql.SQL(
        "SELECT i.uid::text, {title}, i.date_text, i.dc_type, i.date_from {source} "
        "ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s"
    ).format(title=title, source=source, order=order)
    return [ArchiveRow(*row) for row in _fetch(query, {**params, "limit": limit, "offset": offset})]


def archive_facets(*, where: ArchiveFilter) -> dict[str, list[FacetValue]]:
    """Each facet's values with their counts, in one query: a facet is counted over the items that every *other*
    facet (and the search) lets through, so its values are what choosing them as well would give. Types, places
    and collections come with their keys (the DCMI term, the place's uid, the slug) and are labelled by the caller
    (types, rights) or here (places by their public name in the language, collections by name); decades sorted by
    year, the others by count and then label."""
    tables = _tables()
    place_name = sql.SQL(public_name_sql(place="p", text="t"))
    collection_name = sql.SQL(name_param_sql(columns=name_columns("c")))
    parts: list[sql.Composable] = []
    params: dict[str, Any] = {}
    # the search's matches once (a MATERIALIZED CTE), not once per facet
    text = bool(search_words(where.text))
    searched = sql.SQL("i.id IN (SELECT id FROM searched)") if text else None
    for facet in FACETS:
        source, facet_params = _source(where, without=facet, searched=searched)
        params.update(facet_params)  # the same names always carry the same values (one filter)
        select = {
            "type": sql.SQL("SELECT 'type', i.dc_type, '', count(*) {source} AND i.dc_type <> '' GROUP BY 2"),
            "rights": sql.SQL("SELECT 'rights', i.rights, '', count(*) {source} AND i.rights <> '' GROUP BY 2"),
            "decade": sql.SQL(
                "SELECT 'decade', d.y::text, '', count(*) FROM (SELECT i.date_from, i.date_to {source} "
                "AND i.date_from IS NOT NULL) i CROSS JOIN LATERAL generate_series("
                "(extract(year FROM i.date_from)::int / 10) * 10, (extract(year FROM i.date_to)::int / 10) * 10, 10"
                ") d(y) GROUP BY d.y"
            ),
            "place": sql.SQL(
                "SELECT 'place', p.uid::text, min({place_name}), count(*) FROM (SELECT i.id {source}) i "
                "JOIN {item_places} ip ON ip.archiveitem_id = i.id JOIN {place} p ON p.id = ip.place_id "
                "LEFT JOIN {placetext} t ON t.place_id = p.id AND t.language = %(lang)s "
                "WHERE {public_place} AND p.municipality_id = %(municipality)s GROUP BY p.uid"
            ),
            "collection": sql.SQL(
                "SELECT 'collection', c.slug, min({collection_name}), count(*) FROM (SELECT i.id {source}) i "
                "JOIN {item_collections} ic ON ic.archiveitem_id = i.id "
                "JOIN {collection} c ON c.id = ic.archivecollection_id "
                "WHERE c.municipality_id = %(municipality)s GROUP BY c.slug"
            ),
        }[facet]
        parts.append(
            select.format(
                source=source,
                place_name=place_name,
                collection_name=collection_name,
                public_place=sql.SQL(public_place_sql("p")),
                **tables,
            )
        )
    query = sql.SQL(" UNION ALL ").join(sql.SQL("({})").format(part) for part in parts)
    if text:
        only_text = ArchiveFilter(municipality=where.municipality, language=where.language, text=where.text)
        matched, matched_params = _source(only_text)
        params.update(matched_params)
        query = sql.SQL("WITH searched AS MATERIALIZED (SELECT i.id {matched}) {query}").format(
            matched=matched, query=query
        )
    found: dict[str, list[FacetValue]] = {facet: [] for facet in FACETS}
    for facet, key, label, count in _fetch(query, params):
        found[facet].append(FacetValue(key, label, count))
    for facet, values in found.items():
        if facet == "decade":
            values.sort(key=lambda value: int(value.key))
        else:
            values.sort(key=lambda value: (-value.count, value.label or value.key))
    return found


def archive_first_images(*, uids: list[str]) -> dict[str, ArchiveItemImage]:
    """The first image (in the editor's order) of each of the items ``uids``, by uid, with its Wagtail image: the
    list's thumbnails. The caller passes items it may show (a page of ``archive_page``)."""
    first: dict[str, ArchiveItemImage] = {}
    rows = ArchiveItemImage.objects.filter(item__uid__in=uids).select_related("image", "item")
    for row in rows.order_by("item_id", "sort_order", "pk"):
        first.setdefault(str(row.item.uid), row)
    return first


def archive_item_public_get(*, uid: str, municipality: Municipality) -> ArchiveItem | None:
    """The published item ``uid`` of ``municipality``; None for one unpublished, withdrawn or of another."""
    return ArchiveItem.objects.public().filter(uid=uid, municipality=municipality).first()


def archive_image_public_first(*, item_id: int, municipality_id: int) -> ArchiveItemImage | None:
    """The first image (in the editor's order) of the published item ``item_id`` of the municipality, with its
    item and Wagtail image; None when the item is unpublished, withdrawn, another municipality's or has none."""
    published = ArchiveItem.objects.public().filter(pk=item_id, municipality_id=municipality_id)
    return (
        ArchiveItemImage.objects.filter(item__in=published)
        .select_related("item", "image")
        .order_by("sort_order", "pk")
        .first()
    )


@dataclass(frozen=True)
class ShownValue:
    """A Dublin Core value as the item page shows it, with its language tag ("" when the source gave none)."""

    value: str
    language: str


def _language_matches(tag: str, code: str) -> bool:
    tag = tag.lower()
    return tag == code or tag.startswith(code + "-")


def archive_item_values(*, item: ArchiveItem, languages: list[str]) -> dict[str, list[ShownValue]]:
    """The item's values per element (in the order the source gave them): those in the visitor's language
    (``languages[0]``; ``el`` also takes ``el-GR``) where the element has any; else its values without a language;
    else those in the first of the other ``languages`` (the visitor's fallbacks) it has; else all of them (each with
    its language). Elements without values are left out."""
    by_element: dict[str, list[ShownValue]] = {}
    for element, value, language in item.dc_values.order_by("element", "position", "id").values_list(
        "element", "value", "language"
    ):
        by_element.setdefault(element, []).append(ShownValue(value, language))
    chosen = {}
    for element, values in by_element.items():
        groups = [
            [v for v in values if _language_matches(v.language, languages[0])] if languages else [],
            [v for v in values if not v.language],
            *([v for v in values if _language_matches(v.language, code)] for code in languages[1:]),
        ]
        chosen[element] = next((group for group in groups if group), values)
    return chosen


def archive_places_of_item(*, item: ArchiveItem) -> list[Place]:
    """The public places of the item's municipality that it is linked to (EPSG:4326 points), by Greek name."""
    return list(item.places.public().filter(municipality=item.municipality_id).order_by("name_el", "pk"))


def archive_items_of_place(*, place: Place, language: str, limit: int) -> tuple[list[ArchiveRow], int]:
    """The published items of the place's municipality linked to ``place``, oldest first (undated last), at most
    ``limit``, and how many there are in all."""
    if place.municipality is None:
        return [], 0
    where = ArchiveFilter(municipality=place.municipality, language=language, places=[str(place.uid)])
    return archive_page(where=where, sort="date", limit=limit), archive_count(where=where)
