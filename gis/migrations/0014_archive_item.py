"""Archive items (Dublin Core records, their values, collections). Groups that edit places (each municipality's
editors and moderators) may add, change, delete and view archive items and collections: the admin lists and opens
only their own municipalities' (gis.archive_admin)."""

import django.contrib.gis.db.models.fields
import django.db.models.deletion
import django.db.models.lookups
import gis.models
import modelcluster.fields
import uuid
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ARCHIVE_RIGHTS = [
    f"{action}_{model}" for model in ("archiveitem", "archivecollection") for action in ("add", "change", "delete", "view")
]


def grant(apps, schema_editor):
    # permissions are made after the last migration (post_migrate): make this app's now, so they can be granted
    config = apps.get_app_config("xgis")
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    rights = list(Permission.objects.filter(content_type__app_label="xgis", codename__in=ARCHIVE_RIGHTS))
    for group in Group.objects.filter(permissions__content_type__app_label="xgis", permissions__codename="change_place"):
        group.permissions.add(*rights)


class Migration(migrations.Migration):

    dependencies = [
        ('xgis', '0013_municipality_dem'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='ArchiveCollection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(help_text='stable identifier used in URLs and as the OAI-PMH set', verbose_name='slug')),
                ('name_el', models.CharField(max_length=300, verbose_name='name (Greek)')),
                ('name_en', models.CharField(blank=True, max_length=300, verbose_name='name (English)')),
                ('description_el', models.TextField(blank=True, verbose_name='description (Greek)')),
                ('description_en', models.TextField(blank=True, verbose_name='description (English)')),
                ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='archive_collections', to='xgis.municipality', verbose_name='municipality')),
            ],
            options={
                'verbose_name': 'archive collection',
                'verbose_name_plural': 'archive collections',
                'ordering': ['name_el'],
            },
        ),
        migrations.CreateModel(
            name='ArchiveItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('name_el', models.CharField(max_length=300, verbose_name='name (Greek)')),
                ('name_en', models.CharField(blank=True, max_length=300, verbose_name='name (English)')),
                ('source_id', models.CharField(blank=True, max_length=200, verbose_name='source id')),
                ('source_attributes', models.JSONField(blank=True, default=dict)),
                ('withdrawn', models.BooleanField(default=False, help_text='missing from the latest import', verbose_name='withdrawn from the source')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='date created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='last updated')),
                ('date_text', models.CharField(blank=True, max_length=200, verbose_name='date (as written)')),
                ('date_from', models.DateField(blank=True, null=True, verbose_name='date from')),
                ('date_to', models.DateField(blank=True, null=True, verbose_name='date to')),
                ('dc_type', models.CharField(blank=True, choices=[('Collection', 'collection'), ('Dataset', 'dataset'), ('Event', 'event'), ('Image', 'image'), ('InteractiveResource', 'interactive resource'), ('MovingImage', 'moving image'), ('PhysicalObject', 'physical object'), ('Service', 'service'), ('Software', 'software'), ('Sound', 'sound'), ('StillImage', 'still image'), ('Text', 'text')], max_length=20, verbose_name='type (DCMI)')),
                ('rights', models.CharField(blank=True, max_length=200, validators=[gis.models.rights_validate], verbose_name='rights (URI)')),
                ('location', django.contrib.gis.db.models.fields.GeometryField(blank=True, null=True, srid=4326, verbose_name='location (point or area)')),
                ('harvested_at', models.DateTimeField(blank=True, null=True, verbose_name='source datestamp')),
                ('collections', models.ManyToManyField(blank=True, related_name='items', to='xgis.archivecollection', verbose_name='collections')),
                ('dataset', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, to='xgis.dataset', verbose_name='dataset')),
                ('municipality', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='%(class)ss', to='xgis.municipality', verbose_name='municipality')),
                ('places', models.ManyToManyField(blank=True, related_name='archive_items', to='xgis.place', verbose_name='places')),
                ('routes', models.ManyToManyField(blank=True, related_name='archive_items', to='xgis.route', verbose_name='routes')),
            ],
            options={
                'verbose_name': 'archive item',
                'verbose_name_plural': 'archive items',
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='ArchiveValue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('element', models.CharField(choices=[('title', 'title'), ('creator', 'creator'), ('subject', 'subject'), ('description', 'description'), ('publisher', 'publisher'), ('contributor', 'contributor'), ('date', 'date'), ('type', 'type'), ('format', 'format'), ('identifier', 'identifier'), ('source', 'source'), ('language', 'language'), ('relation', 'relation'), ('coverage', 'coverage'), ('rights', 'rights')], max_length=12, verbose_name='element')),
                ('value', models.TextField(verbose_name='value')),
                ('language', models.CharField(blank=True, max_length=35, verbose_name='language')),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('item', modelcluster.fields.ParentalKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='dc_values', to='xgis.archiveitem')),
            ],
            options={
                'verbose_name': 'Dublin Core value',
                'verbose_name_plural': 'Dublin Core values',
                'ordering': ['item', 'element', 'position'],
            },
        ),
        migrations.AddConstraint(
            model_name='archivecollection',
            constraint=models.UniqueConstraint(fields=('municipality', 'slug'), name='archivecollection_municipality_slug'),
        ),
        migrations.AddIndex(
            model_name='archiveitem',
            index=models.Index(fields=['municipality', 'withdrawn'], name='archiveitem_municipality_live'),
        ),
        migrations.AddIndex(
            model_name='archiveitem',
            index=models.Index(fields=['date_from', 'date_to'], name='archiveitem_dates'),
        ),
        migrations.AddConstraint(
            model_name='archiveitem',
            constraint=models.UniqueConstraint(condition=models.Q(('dataset__isnull', False)), fields=('dataset', 'source_id'), name='archiveitem_unique_source_key'),
        ),
        migrations.AddConstraint(
            model_name='archiveitem',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('date_from__isnull', True), ('date_to__isnull', True)), models.Q(('date_from__isnull', False), ('date_to__gte', models.F('date_from'))), _connector='OR'), name='archiveitem_date_interval'),
        ),
        migrations.AddConstraint(
            model_name='archiveitem',
            constraint=models.CheckConstraint(condition=models.Q(('location__isnull', True), django.db.models.lookups.In(models.Func(models.F('location'), function='GeometryType', output_field=models.CharField()), ['POINT', 'POLYGON', 'MULTIPOLYGON']), _connector='OR'), name='archiveitem_location_point_or_area'),
        ),
        migrations.AddIndex(
            model_name='archivevalue',
            index=models.Index(fields=['element', 'language'], name='archivevalue_element_language'),
        ),
        migrations.AddIndex(
            model_name='archivevalue',
            index=models.Index(fields=['item', 'element', 'position'], name='archivevalue_item_order'),
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
