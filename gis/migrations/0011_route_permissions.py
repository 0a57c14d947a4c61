"""Groups that edit places (each municipality's editors and moderators) may add, change and view routes too: the
admin lists and opens only their own municipalities' routes (gis.wagtail_hooks.routes_for_user)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROUTE_RIGHTS = ["add_route", "change_route", "view_route"]


def grant(apps, schema_editor):
    # permissions are made after the last migration (post_migrate): make this app's now, so they can be granted
    config = apps.get_app_config("xgis")
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    rights = list(Permission.objects.filter(content_type__app_label="xgis", codename__in=ROUTE_RIGHTS))
    for group in Group.objects.filter(permissions__content_type__app_label="xgis", permissions__codename="change_place"):
        group.permissions.add(*rights)


class Migration(migrations.Migration):
    dependencies = [("xgis", "0010_routes"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
