"""TRUNCATE fires no row or DELETE trigger: truncating places, their texts or their periods empties the downloads'
feature cache too (its completeness check counts rows, so rows of vanished places must not survive)."""

from django.db import migrations

TABLES = ["xgis_place", "xgis_placetext", "xgis_place_periods"]
FUNCTION = """
    CREATE FUNCTION xgis_placefeature_forget_all() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        LOCK TABLE xgis_placefeature IN ROW EXCLUSIVE MODE;
        DELETE FROM xgis_placefeature;
        RETURN NULL;
    END $$"""


class Migration(migrations.Migration):
    dependencies = [
        ("xgis", "0004_drop_redundant_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[FUNCTION]
            + [
                f"CREATE TRIGGER placefeature_truncate AFTER TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION xgis_placefeature_forget_all()"
                for table in TABLES
            ],
            reverse_sql=[f"DROP TRIGGER placefeature_truncate ON {table}" for table in TABLES]
            + ["DROP FUNCTION xgis_placefeature_forget_all()"],
        ),
    ]
