"""Archive items' audio and video (wagtailmedia). Each municipality's groups may add and change media in their own
collection, as they may images and documents (content.services.COLLECTION_PERMISSIONS): every group that may choose
images in a collection is given the media rights there. wagtailmedia's own migrations gave Wagtail's default
"Editors" and "Moderators" groups media rights on the root collection (every municipality's media) and as model
permissions: taken back, as content 0003 did for images and documents."""

import django.db.models.deletion
import modelcluster.fields
from django.db import migrations, models

MEDIA_RIGHTS = ["add_media", "change_media"]
WAGTAIL_DEFAULT_GROUPS = ["Editors", "Moderators"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    media_rights = Permission.objects.filter(content_type__app_label="wagtailmedia", content_type__model="media")
    GroupCollectionPermission.objects.filter(
        group__name__in=WAGTAIL_DEFAULT_GROUPS, collection__depth=1, permission__in=media_rights
    ).delete()
    for group in Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS):
        group.permissions.remove(*media_rights)
    rights = list(media_rights.filter(codename__in=MEDIA_RIGHTS))
    chooses_images = GroupCollectionPermission.objects.filter(
        permission__content_type__app_label="wagtailimages", permission__codename="choose_image"
    )
    for group_id, collection_id in chooses_images.values_list("group_id", "collection_id").distinct():
        for permission in rights:
            GroupCollectionPermission.objects.get_or_create(
                group_id=group_id, collection_id=collection_id, permission=permission
            )


class Migration(migrations.Migration):

    dependencies = [
        ('wagtailmedia', '0005_alter_media_options'),
        ('xgis', '0017_archive_media'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.CreateModel(
            name='ArchiveItemMedia',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('label_el', models.CharField(blank=True, max_length=300, verbose_name='label (Greek)')),
                ('label_en', models.CharField(blank=True, max_length=300, verbose_name='label (English)')),
                ('transcript_el', models.TextField(blank=True, verbose_name='transcript (Greek)')),
                ('transcript_en', models.TextField(blank=True, verbose_name='transcript (English)')),
                ('item', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='media_files', to='xgis.archiveitem')),
                ('media', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='wagtailmedia.media', verbose_name='audio or video')),
            ],
            options={
                'verbose_name': 'archive audio or video',
                'verbose_name_plural': 'archive audio and video',
                'ordering': ['sort_order'],
                'abstract': False,
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
