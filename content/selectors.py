"""Reads of the content app that go beyond ``objects.get``: what a municipality's home page features."""

from dataclasses import dataclass

from django.db import connection
from psycopg import sql

from gis.languages import collate_sql
from gis.models import Municipality
from gis.selectors import PlaceFilter

FEATURED_FALLBACK_COUNT = 6


@dataclass(frozen=True)
class FeaturedPlace:
    """A public place as a home page card shows it: name, summary and photo in one language, position in WGS 84
    degrees (EPSG:4326)."""

    place_id: int
    uid: str
    name: str
    summary: str
    url: str
    image_url: str
    image_alt: str
    lon: float
    lat: float


def places_featured(
    *, municipality: Municipality, language: str, chosen: list[int], fallback: int = FEATURED_FALLBACK_COUNT
) -> list[FeaturedPlace]:
    """The places a home page features, in ``language``: those an editor ``chosen`` (place ids, in that order) that
    are public, or, when none is, up to ``fallback`` public places of ``municipality`` (those with an editor's page
    and photo first, then with a page, then by name in the language's collation).

    Public is whatever the map shows (``gis.selectors.PlaceFilter``), so a withdrawn or unpublished place is never
    featured, even when chosen.
    """
    source = PlaceFilter(municipality=municipality, language=language).sql(texts=True)
    columns = sql.SQL(
        "SELECT r.id, r.uid::text, t.name, t.summary, t.url, t.image_url, t.image_alt, "
        "ST_X(r.location), ST_Y(r.location) {}"
    ).format(source.sql)
    with connection.cursor() as cursor:
        rows = []
        if chosen:
            cursor.execute(
                sql.SQL("{} AND r.id = ANY(%(chosen)s) ORDER BY array_position(%(chosen)s, r.id)").format(columns),
                {**source.params, "chosen": chosen},
            )
            rows = cursor.fetchall()
        if not rows and fallback:
            cursor.execute(
                sql.SQL(
                    "{} ORDER BY t.from_page AND t.image_url <> '' DESC, t.from_page DESC, "
                    "r.wikidata <> '' DESC, t.name {} LIMIT %(fallback)s"
                ).format(columns, sql.SQL(collate_sql(language))),
                {**source.params, "fallback": fallback},
            )
            rows = cursor.fetchall()
    return [FeaturedPlace(*row) for row in rows]
