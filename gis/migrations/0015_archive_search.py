"""The public archive's text search (gis.archive_selectors) served by indexes: GIN indexes on the expressions it
matches, over the values of the elements it searches (title, description, subject, creator), so a search reads the
index instead of computing every value's vector at query time (20,000 generated items: bench/archive_list.py).

The expressions and the elements are written here as the selectors write them (``_word_sql``); PostgreSQL uses an
index only when they are the same. ``xenagos_elot743`` is migration 0006's (IMMUTABLE)."""

from django.db import migrations

ELEMENTS = "element IN ('title', 'description', 'subject', 'creator')"
INDEXES = {
    "archivevalue_search_el": "to_tsvector('xenagos_el'::regconfig, value)",
    "archivevalue_search_en": "to_tsvector('xenagos_en'::regconfig, value)",
    "archivevalue_search_latin": "to_tsvector('xenagos_en'::regconfig, xenagos_elot743(value))",
}


class Migration(migrations.Migration):
    dependencies = [
        ("xgis", "0014_archive_item"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX {name} ON xgis_archivevalue USING gin ({expression}) WHERE {ELEMENTS}",
            reverse_sql=f"DROP INDEX {name}",
        )
        for name, expression in INDEXES.items()
    ]
