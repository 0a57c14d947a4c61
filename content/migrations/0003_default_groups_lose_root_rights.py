"""Wagtail's own "Editors" and "Moderators" groups (made by its first migrations) lose their rights on the root of
the page tree and the root collection: those rights reach every municipality's pages, images and documents.

The groups themselves are kept, with their members and their "access the admin" permission, so that nothing an
operator set up disappears; a municipality's editors get their rights from its own groups ("<Name>: editors",
"<Name>: moderators", made by ``content.services.municipality_site_ensure``). Not reversed: giving root-wide rights
back is a decision for a superuser in the admin, not a migration.
"""

from django.db import migrations

WAGTAIL_DEFAULT_GROUPS = ["Editors", "Moderators"]


def remove_root_rights(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupPagePermission.objects.filter(group__name__in=WAGTAIL_DEFAULT_GROUPS, page__depth=1).delete()
    GroupCollectionPermission.objects.filter(group__name__in=WAGTAIL_DEFAULT_GROUPS, collection__depth=1).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0002_branding_privacy_contact"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(remove_root_rights, migrations.RunPython.noop)]
