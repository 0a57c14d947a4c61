"""A municipality's elevation model (DEM), from which the profiles of the routes it keeps are read
(gis.elevation), and the permission to set it, given to the moderators' groups that exist (those that publish
pages in a municipality's tree; content.services.municipality_site_ensure gives it to new ones)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def grant(apps, schema_editor):
    # permissions are made after the last migration (post_migrate): make this app's now, so it can be granted
    config = apps.get_app_config("xgis")
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    set_dem = Permission.objects.filter(content_type__app_label="xgis", codename="set_dem").first()
    if set_dem is None:
        return
    moderators = Group.objects.filter(
        municipalities__isnull=False, page_permissions__permission__codename="publish_page"
    ).distinct()
    for group in moderators:
        group.permissions.add(set_dem)


class Migration(migrations.Migration):
    dependencies = [
        ("xgis", "0012_record_base"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="municipality",
            options={
                "ordering": ["name_el"],
                "permissions": [("set_dem", "Can set the municipality's elevation model")],
                "verbose_name": "municipality",
                "verbose_name_plural": "municipalities",
            },
        ),
        migrations.AddField(
            model_name="municipality",
            name="dem",
            field=models.FileField(
                blank=True,
                help_text="A GeoTIFF of elevations in metres, in any coordinate system.",
                max_length=255,
                upload_to="elevation/",
                verbose_name="elevation model (DEM)",
            ),
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
