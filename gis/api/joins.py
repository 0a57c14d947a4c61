"""Lists of related rows per record (a place's periods), joined to a read in the way that suits how many records it
takes: a page, a whole table, a block of ids. Composed with psycopg.sql from the many-to-many field's own tables and
columns (``Model._meta``), so no declaration names a through table by hand.
"""

from dataclasses import dataclass
from typing import Literal

from django.db.models import ManyToManyField
from psycopg import sql
from wagtail.models import Locale

from ..languages import translated_name_sql
from .filters import record_column, related_table, through_table

# how many records a read takes: one page (aggregate each record's rows as it is read, by index look-ups), a whole
# table (one hash aggregate), a block of ids from ``b.lo`` (queries.features_stream), or a range of ids from the
# parameter ``lo`` (feature_cache.feature_cache_fill); blocks and ranges are ``block`` ids long (a parameter)
Reach = Literal["page", "table", "block", "range"]


@dataclass(frozen=True)
class VocabularyList:
    """The vocabulary terms of each record through a many-to-many ``field`` (a place's periods), in editorial order:
    ``<alias>.slugs`` and ``<alias>.names`` (names in the read's language by its fallback order, gis.languages, else
    the source's)."""

    field: ManyToManyField
    alias: str

    def _rows(self) -> sql.Composed:
        return sql.SQL(
            "SELECT x.{record}, array_agg(pe.slug ORDER BY pe.sort_order, pe.slug) AS slugs,"
            " array_agg(COALESCE({name}, pe.name) ORDER BY pe.sort_order, pe.slug) AS names"
            " FROM {through} x JOIN {term} pe ON pe.id = x.{term_id}"
        ).format(
            record=self._key(),
            name=sql.SQL(
                translated_name_sql(
                    table=self.field.related_model._meta.db_table,
                    locale_table=Locale._meta.db_table,
                    key_sql="pe.translation_key",
                )
            ),
            through=through_table(self.field),
            term=related_table(self.field),
            term_id=sql.Identifier(self.field.m2m_reverse_name()),
        )

    def _key(self) -> sql.Identifier:
        return sql.Identifier(self.field.m2m_column_name())

    def join(self, reach: Reach) -> sql.Composed:
        """The LEFT JOIN of these lists for a read of ``reach``."""
        key, alias, record_id = self._key(), sql.Identifier(self.alias), record_column("id")
        on = sql.SQL("{alias}.{key} = {id}").format(alias=alias, key=key, id=record_id)
        if reach == "page":
            template = "LEFT JOIN LATERAL ({rows} WHERE x.{key} = {id} GROUP BY x.{key}) {alias} ON true"
        elif reach == "table":
            template = "LEFT JOIN ({rows} GROUP BY x.{key}) {alias} ON {on}"
        else:
            low = sql.SQL("b.lo" if reach == "block" else "%(lo)s")
            template = (
                "LEFT JOIN ({rows} WHERE x.{key} >= {low} AND x.{key} < {low} + %(block)s GROUP BY x.{key})"
                " {alias} ON {on}"
            )
            return sql.SQL(template).format(rows=self._rows(), key=key, low=low, alias=alias, on=on)
        return sql.SQL(template).format(rows=self._rows(), key=key, id=record_id, alias=alias, on=on)
