"""A deadline's last change, for the calendar feed's cheap conditional GET (issue 20)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reviews", "0022_indicator_tolerance_for_trends")]

    operations = [
        migrations.AddField(
            model_name="deadline",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicaldeadline",
            name="updated_at",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, editable=False),
            preserve_default=False,
        ),
    ]
