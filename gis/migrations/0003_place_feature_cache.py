"""The open-data downloads' feature cache (gis.PlaceFeature) and the triggers that keep it true.

Every statement that changes what a place's feature shows deletes that place's cached rows, in the same
transaction, whoever runs it (the admin, the importers' SQL, a shell). Each trigger first takes ROW EXCLUSIVE on
the cache, so it waits for a fill in progress (which holds SHARE ROW EXCLUSIVE) and its DELETE, a later statement
with a newer snapshot, also sees the rows that fill wrote. The triggers are per statement, with transition
tables, so a bulk import pays one DELETE per statement, not one per row.
"""

import django.db.models.deletion
from django.db import migrations, models

CACHE = "xgis_placefeature"
LOCK = f"LOCK TABLE {CACHE} IN ROW EXCLUSIVE MODE;"


def _function(name: str, body: str) -> str:
    return f"""
        CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {LOCK}
            {body}
            RETURN NULL;
        END $$"""


# function name -> body
BODIES = {
    # rows named by a transition table (TG_ARGV[0]) through one of its columns (TG_ARGV[1]): the place's id
    "xgis_placefeature_forget": f"EXECUTE format('DELETE FROM {CACHE} c USING (SELECT DISTINCT %2$I AS id FROM %1$I) t "
    "WHERE c.place_id = t.id', TG_ARGV[0], TG_ARGV[1]);",
    # a category or period shows its slug and (per language, through translation_key) its name
    "xgis_placefeature_forget_category": f"DELETE FROM {CACHE} c USING xgis_place r WHERE c.place_id = r.id "
    f"""AND r.category_id IN (
            SELECT k.id FROM xgis_category k JOIN new_rows n ON n.translation_key = k.translation_key
            JOIN old_rows o ON o.id = n.id
            WHERE (n.slug, n.name, n.translation_key) IS DISTINCT FROM (o.slug, o.name, o.translation_key));""",
    "xgis_placefeature_forget_period": f"DELETE FROM {CACHE} c USING xgis_place_periods pp "
    f"""WHERE c.place_id = pp.place_id AND pp.period_id IN (
            SELECT k.id FROM xgis_period k JOIN new_rows n ON n.translation_key = k.translation_key
            JOIN old_rows o ON o.id = n.id
            WHERE (n.slug, n.name, n.sort_order, n.translation_key)
                IS DISTINCT FROM (o.slug, o.name, o.sort_order, o.translation_key));""",
    "xgis_placefeature_forget_municipality": f"""DELETE FROM {CACHE} c USING new_rows n JOIN old_rows o ON o.id = n.id
            WHERE c.municipality_id = n.id
            AND (n.slug, n.code, n.name_el, n.name_en, n.licence)
                IS DISTINCT FROM (o.slug, o.code, o.name_el, o.name_en, o.licence);""",
    "xgis_placefeature_forget_dataset": f"DELETE FROM {CACHE} c "
    f"""USING xgis_place r, new_rows n JOIN old_rows o ON o.id = n.id
            WHERE c.place_id = r.id AND r.dataset_id = n.id
            AND (n.slug, n.attribution) IS DISTINCT FROM (o.slug, o.attribution);""",
}
# A place's own rows: (trigger prefix, table, column holding the place's id, events)
PLACE_ROWS = [
    ("place", "xgis_place", "id", ["UPDATE", "DELETE"]),
    ("text", "xgis_placetext", "place_id", ["INSERT", "UPDATE", "DELETE"]),
    ("periods", "xgis_place_periods", "place_id", ["INSERT", "DELETE"]),
]
# What a place's feature shows of other records: (trigger prefix, table); their UPDATEs compare old and new rows
SHOWN = [
    ("category", "xgis_category"),
    ("period", "xgis_period"),
    ("municipality", "xgis_municipality"),
    ("dataset", "xgis_dataset"),
]


def _transition(event: str) -> str:
    return "old_rows" if event == "DELETE" else "new_rows"


# (trigger name, table, event, transition tables, function and arguments)
TRIGGERS = [
    (
        f"{prefix}_{event.lower()}",
        table,
        event,
        f"{_transition(event).split('_')[0].upper()} TABLE AS {_transition(event)}",
        f"xgis_placefeature_forget('{_transition(event)}', '{column}')",
    )
    for prefix, table, column, events in PLACE_ROWS
    for event in events
] + [
    (
        f"{prefix}_update",
        table,
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        f"xgis_placefeature_forget_{prefix}()",
    )
    for prefix, table in SHOWN
]


class Migration(migrations.Migration):
    dependencies = [
        ("xgis", "0002_place_revisions"),
    ]

    operations = [
        migrations.CreateModel(
            name="PlaceFeature",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "place_id", "language", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("language", models.CharField(max_length=10)),
                ("feature", models.TextField()),
                (
                    "municipality",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="xgis.municipality",
                    ),
                ),
                (
                    "place",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="xgis.place",
                    ),
                ),
            ],
        ),
        migrations.RunSQL(
            sql=[
                # a cache: not worth writing to the WAL; after a crash PostgreSQL empties it and downloads refill it
                f"ALTER TABLE {CACHE} SET UNLOGGED",
                *(_function(name, body) for name, body in BODIES.items()),
            ]
            + [
                f"CREATE TRIGGER placefeature_{name} AFTER {event} ON {table} "
                f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {call}"
                for name, table, event, transition, call in TRIGGERS
            ],
            reverse_sql=[f"DROP TRIGGER placefeature_{name} ON {table}" for name, table, *_ in TRIGGERS]
            + [f"DROP FUNCTION {name}()" for name in BODIES]
            + [f"ALTER TABLE {CACHE} SET LOGGED"],
        ),
    ]
