"""Drop the foreign-key indexes Django adds by default where a composite index already leads with the column
(place_municipality_live, place_unique_source_key, placetext_place_language): fewer index writes per imported place."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("xgis", "0003_place_feature_cache"),
    ]

    operations = [
        migrations.AlterField(
            model_name="place",
            name="dataset",
            field=models.ForeignKey(
                blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, to="xgis.dataset"
            ),
        ),
        migrations.AlterField(
            model_name="place",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="places",
                to="xgis.municipality",
            ),
        ),
        migrations.AlterField(
            model_name="placetext",
            name="place",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="texts", to="xgis.place"
            ),
        ),
    ]
