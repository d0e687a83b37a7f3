"""Loads the 153 English local authorities with children's social care duties, with a history row
for each so the reference data's history starts with where it came from."""

from django.db import migrations
from django.utils import timezone

from intervention.reference_data import read_local_authorities


def load(apps, schema_editor):
    LocalAuthority = apps.get_model("intervention", "LocalAuthority")
    HistoricalLocalAuthority = apps.get_model("intervention", "HistoricalLocalAuthority")
    now = timezone.now()
    for row in read_local_authorities():
        authority, created = LocalAuthority.objects.get_or_create(dfe_code=row["dfe_code"], defaults=row)
        if created:
            HistoricalLocalAuthority.objects.create(
                id=authority.pk,
                **row,
                history_date=now,
                history_type="+",
                history_change_reason="Loaded from the reference file",
            )


class Migration(migrations.Migration):
    dependencies = [("intervention", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
