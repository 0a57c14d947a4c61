"""Place and Route share gis.models.Record: the municipality link is declared once (related_name "%(class)ss" still
gives "places" and "routes"), a change of state only, no SQL."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("xgis", "0011_route_permissions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="place",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(class)ss",
                to="xgis.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.AlterField(
            model_name="route",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(class)ss",
                to="xgis.municipality",
                verbose_name="municipality",
            ),
        ),
    ]
