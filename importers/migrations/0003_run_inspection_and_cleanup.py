"""The upload is inspected once in the background (its preview kept on the run); a cancelled status; the last
activity, from which abandoned uploads are purged."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("importers", "0002_run_options_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True,
                default=django.utils.timezone.now,
                help_text="the last activity (abandoned uploads are purged)",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="importrun",
            name="source_preview",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="rows and GeoJSON features (EPSG:4326) of the first features, for the admin",
            ),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="file_path",
            field=models.CharField(
                blank=True,
                help_text="the upload (or the folder it was unpacked into); empty once deleted",
                max_length=500,
            ),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="status",
            field=models.CharField(
                choices=[
                    ("inspecting", "reading the upload"),
                    ("uploaded", "uploaded"),
                    ("checking", "dry run running"),
                    ("checked", "dry run ready"),
                    ("queued", "queued"),
                    ("running", "importing"),
                    ("succeeded", "imported"),
                    ("failed", "failed"),
                    ("cancelled", "cancelled"),
                ],
                default="uploaded",
                max_length=12,
            ),
        ),
    ]
