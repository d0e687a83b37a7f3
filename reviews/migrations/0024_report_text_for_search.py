"""Search finds words in a report's generated text (issue 16): the report keeps its latest generated
version's words as plain text (`Report.text`, filled here from each report's newest ready version), and
on PostgreSQL its search vector is made again to read them too (weight C, after title and commentary)."""

from django.db import migrations, models

OLD_COLUMNS = ("title", "commentary")
NEW_COLUMNS = ("title", "commentary", "text")


def _vector(columns):
    weights = "ABCD"
    return " || ".join(
        f"setweight(to_tsvector('english', coalesce({column}, '')), '{weights[min(i, 3)]}')"
        for i, column in enumerate(columns)
    )


def _remake(schema_editor, columns):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE reviews_report DROP COLUMN IF EXISTS search_vector")
    schema_editor.execute(
        f"ALTER TABLE reviews_report ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({_vector(columns)}) STORED"
    )
    schema_editor.execute("CREATE INDEX reviews_report_search ON reviews_report USING GIN (search_vector)")


def plain_text(html):  # reviews.services.search.plain_text, as it was when this was written
    from html import unescape

    from django.utils.html import strip_tags

    return " ".join(unescape(strip_tags(html.replace("<", " <"))).split())


def fill(apps, schema_editor):
    Report = apps.get_model("reviews", "Report")
    ReportVersion = apps.get_model("reviews", "ReportVersion")
    for report_id in Report.objects.values_list("pk", flat=True).iterator():
        body = (
            ReportVersion.objects.filter(report_id=report_id, status="ready")
            .order_by("-number")
            .values_list("body_html", flat=True)
            .first()
        )
        if body:
            Report.objects.filter(pk=report_id).update(text=plain_text(body))
    _remake(schema_editor, NEW_COLUMNS)


def unfill(apps, schema_editor):
    _remake(schema_editor, OLD_COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0023_deadline_updated_at_for_calendar_feed"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="text",
            field=models.TextField(blank=True, editable=False, verbose_name="text of the latest version"),
        ),
        migrations.RunPython(fill, unfill, elidable=False),
    ]
