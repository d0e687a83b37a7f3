"""A council's standing legal implications no longer carry one paper's sentence about its review meeting
and "(Appendix 1)": a paragraph that says so becomes "[review meeting]", which each paper fills from its
own review and appendix (reviews.reports.cabinet.review_meeting_sentence)."""

import re

from django.db import migrations

MEETING = re.compile(
    r"^A meeting to review progress was held on [^\n]*?following which the Commissioner submitted a progress "
    r"report to the Minister of State \(Appendix 1\)\.[ \t]*$",
    re.MULTILINE,
)


def to_placeholder(apps, schema_editor):
    CouncilSections = apps.get_model("reviews", "CouncilSections")
    for sections in CouncilSections.objects.all():
        words = MEETING.sub("[review meeting]", sections.legal_implications)
        if words != sections.legal_implications:
            sections.legal_implications = words
            sections.save(update_fields=["legal_implications"])


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0020_plan_sent_back_reason"),
    ]

    operations = [
        migrations.RunPython(to_placeholder, migrations.RunPython.noop),
    ]
