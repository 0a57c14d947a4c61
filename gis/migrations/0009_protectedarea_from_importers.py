"""ProtectedArea moves from importers to gis, with every row and id: the model enters xgis' state on the existing
table (importers_protectedarea), which is then renamed xgis_protectedarea (ALTER TABLE ... RENAME keeps ids,
constraints, indexes and the id sequence). Its content type moves with it, so the permissions that groups hold on
protected areas and the history that refers to them stay attached. importers.0004 removes it from importers'
state."""

import django.contrib.gis.db.models.fields
import django.db.models.deletion
from django.db import migrations, models

OLD, NEW = "importers", "xgis"


def _content_type_move(apps, *, source: str, target: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType")
    if not content_types.objects.filter(app_label=target, model="protectedarea").exists():
        content_types.objects.filter(app_label=source, model="protectedarea").update(app_label=target)


def forwards(apps, schema_editor):
    _content_type_move(apps, source=OLD, target=NEW)


def backwards(apps, schema_editor):
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
