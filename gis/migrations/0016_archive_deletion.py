"""The OAI-PMH provider (gis.oai): what is left of a deleted archive item (deletedRecord persistent), and the keyset
order its lists are read by."""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("xgis", "0015_archive_search")]

    operations = [
        migrations.CreateModel(
            name="ArchiveItemDeletion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("uid", models.UUIDField()),
                (
                    "set_specs",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=200), blank=True, default=list, size=None
                    ),
                ),
                ("deleted_at", models.DateTimeField(auto_now_add=True, verbose_name="deleted at")),
                (
                    "municipality",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="xgis.municipality",
                    ),
                ),
            ],
            options={
                "verbose_name": "deleted archive item",
                "verbose_name_plural": "deleted archive items",
                "indexes": [
                    models.Index(fields=["municipality", "deleted_at", "id"], name="archivedeletion_oai_order")
                ],
            },
        ),
        migrations.AddIndex(
            model_name="archiveitem",
            index=models.Index(fields=["municipality", "updated_at", "id"], name="archiveitem_oai_order"),
        ),
    ]
