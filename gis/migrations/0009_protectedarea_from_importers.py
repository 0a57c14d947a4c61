"""ProtectedArea moves from importers to gis, with every row and id: the model enters xgis' state on the existing
table (importers_protectedarea), which is then renamed xgis_protectedarea (ALTER TABLE ... RENAME keeps ids,
constraints, indexes and the id sequence). Its indexes, constraints and sequence get the names Django gives them on
a new xgis_protectedarea (a later migration that drops the spatial index asks for it by that name). Its content type
moves with it, so the permissions that groups hold on protected areas and the history that refers to them stay
attached. importers.0004 removes it from importers' state."""

import django.contrib.gis.db.models.fields
import django.db.models.deletion
from django.db import migrations, models

OLD, NEW = "importers", "xgis"


def _names(schema_editor, table: str) -> dict[str, str]:
    """{kind: name} of the table's primary key, indexes, foreign key and id sequence, as Django and PostgreSQL name
    them on a table created with that name."""
    index_name = schema_editor._create_index_name
    return {
        "pkey": f"{table}_pkey",
        "dataset": index_name(table, ["dataset_id"], suffix=""),
        "geometry": index_name(table, ["geometry"], suffix="_id"),
        "fk": index_name(table, ["dataset_id"], suffix="_fk_xgis_dataset_id"),
        "sequence": f"{table}_id_seq",
    }


def _rename(schema_editor, *, source: str, target: str) -> None:
    """On the table xgis_protectedarea, rename what ``_names`` lists for a table called ``source`` to its names for
    a table called ``target``; a name that is not there (a database made otherwise) is left as it is."""
    table = f"{NEW}_protectedarea"
    old, new = _names(schema_editor, source), _names(schema_editor, target)
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        present = set(schema_editor.connection.introspection.get_constraints(cursor, table))
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
    for kind in ("pkey", "fk"):
        if old[kind] in present:
            schema_editor.execute(
                f"ALTER TABLE {quote(table)} RENAME CONSTRAINT {quote(old[kind])} TO {quote(new[kind])}"
            )
    for kind in ("dataset", "geometry"):
        if old[kind] in present:
            schema_editor.execute(f"ALTER INDEX {quote(old[kind])} RENAME TO {quote(new[kind])}")
    if sequence and sequence.split(".")[-1].strip('"') == old["sequence"]:
        schema_editor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {quote(new['sequence'])}")


def _content_type_move(apps, *, source: str, target: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType")
    if not content_types.objects.filter(app_label=target, model="protectedarea").exists():
        content_types.objects.filter(app_label=source, model="protectedarea").update(app_label=target)


def forwards(apps, schema_editor):
    _rename(schema_editor, source=f"{OLD}_protectedarea", target=f"{NEW}_protectedarea")
    _content_type_move(apps, source=OLD, target=NEW)


def backwards(apps, schema_editor):
    # runs before the table is renamed back: it is still xgis_protectedarea
    _rename(schema_editor, source=f"{NEW}_protectedarea", target=f"{OLD}_protectedarea")
    _content_type_move(apps, source=NEW, target=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("importers", "0003_run_inspection_and_cleanup"),
        ("xgis", "0008_place_feature_licence_and_url"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProtectedArea",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("source_id", models.CharField(max_length=200)),
                        ("name_el", models.CharField(max_length=300, verbose_name="name (Greek)")),
                        ("name_en", models.CharField(blank=True, max_length=300, verbose_name="name (English)")),
                        (
                            "kind",
                            models.CharField(
                                blank=True, help_text="e.g. zone A, zone B", max_length=100, verbose_name="kind"
                            ),
                        ),
                        (
                            "geometry",
                            django.contrib.gis.db.models.fields.MultiPolygonField(srid=4326, verbose_name="area"),
                        ),
                        ("source_attributes", models.JSONField(blank=True, default=dict)),
                        ("withdrawn", models.BooleanField(default=False, help_text="missing from the latest import")),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "dataset",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="protected_areas",
                                to="xgis.dataset",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "protected area",
                        "verbose_name_plural": "protected areas",
                        "db_table": "importers_protectedarea",
                        "constraints": [
                            models.UniqueConstraint(fields=("dataset", "source_id"), name="protectedarea_source_key")
                        ],
                    },
                ),
            ],
        ),
        # a real rename: from the table importers made to the one Django names for xgis.ProtectedArea
        migrations.AlterModelTable(name="protectedarea", table=None),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
