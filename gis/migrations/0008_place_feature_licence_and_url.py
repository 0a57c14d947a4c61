"""A place's feature now shows its source dataset's licence (before, always the municipality's) and its page's
absolute address on its municipality's website (before, a path): a change of a dataset's licence makes its places'
stored features stale too, and every feature stored before this migration is stale."""

from django.db import migrations

CACHE = "xgis_placefeature"


def _forget_dataset(columns: str) -> str:
    return f"""
        CREATE OR REPLACE FUNCTION xgis_placefeature_forget_dataset() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            LOCK TABLE {CACHE} IN ROW EXCLUSIVE MODE;
            DELETE FROM {CACHE} c USING xgis_place r, new_rows n JOIN old_rows o ON o.id = n.id
            WHERE c.place_id = r.id AND r.dataset_id = n.id
            AND ({columns.replace("?", "n")}) IS DISTINCT FROM ({columns.replace("?", "o")});
            RETURN NULL;
        END $$"""


class Migration(migrations.Migration):
    dependencies = [
        ("xgis", "0007_place_field_labels"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[_forget_dataset("?.slug, ?.attribution, ?.licence"), f"DELETE FROM {CACHE}"],
            reverse_sql=[_forget_dataset("?.slug, ?.attribution"), f"DELETE FROM {CACHE}"],
        ),
    ]
