from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="branding",
            name="privacy_contact",
            field=models.EmailField(
                blank=True,
                help_text="e-mail address of the municipality's Data Protection Officer, shown on the privacy page",
                max_length=254,
                verbose_name="data protection contact",
            ),
        ),
    ]
