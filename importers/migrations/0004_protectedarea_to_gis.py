"""ProtectedArea now lives in gis (xgis.0009 took over its table, rows and ids): removed from importers' state
only; nothing in the database changes here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("importers", "0003_run_inspection_and_cleanup"),
        ("xgis", "0009_protectedarea_from_importers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="ProtectedArea")]),
    ]
