"""Calendar feeds keep only the SHA-256 of their token. Existing tokens are hashed in place, so every
address already handed out goes on working."""

import hashlib
import secrets

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    CalendarFeed = apps.get_model("reviews", "CalendarFeed")
    for feed in CalendarFeed.objects.only("pk", "token_hash").iterator():
        # A token is 43 characters and a hash 64, so a hash never meets a token not yet hashed.
        feed.token_hash = hashlib.sha256(feed.token_hash.encode()).hexdigest()
        feed.save(update_fields=["token_hash"])


def new_tokens(apps, schema_editor):
    """Going back, a hash cannot be turned back into its token: each feed gets a new token, which the
    older code shows on the person's calendar page. The addresses handed out stop working."""
    CalendarFeed = apps.get_model("reviews", "CalendarFeed")
    for feed in CalendarFeed.objects.only("pk", "token_hash").iterator():
        feed.token_hash = secrets.token_urlsafe(32)
        feed.save(update_fields=["token_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0004_open_deadline_due_on"),
    ]

    # The schema changes come first: on PostgreSQL a table cannot be altered after its rows were updated
    # in the same transaction while constraint checks are pending.
    operations = [
        migrations.RenameField(model_name="calendarfeed", old_name="token", new_name="token_hash"),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True, verbose_name="token's SHA-256"),
        ),
        migrations.RunPython(hash_tokens, new_tokens, elidable=False),
    ]
