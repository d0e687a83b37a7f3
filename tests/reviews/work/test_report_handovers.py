"""A report's hand-overs: a draft version ready asks its signatory to sign it off (and it waits in their
work until they do); signing it off tells the DfE case lead."""

import pytest
from django.test import Client
from django.urls import reverse

from intervention.enums import Role
from intervention.models import Notice
from reviews.services import reports
from tests.reviews.reports_support import D, appoint, direction_with_priorities, generated, write_ministerial_words

pytestmark = pytest.mark.django_db


def test_a_ready_version_waits_for_its_signatory_and_sign_off_tells_the_case_lead(charlie, dora, hereford_case):
    direction_with_priorities(hereford_case)
    appoint(dora, hereford_case, Role.DFE_CASE_LEAD)
    update = reports.create_report(
        intervention=hereford_case,
        kind="ministerial_update",
        period_start=D(2023, 10, 1),
        period_end=D(2023, 12, 31),
        by=charlie,
    )
    reports.update_commentary(
        report=update, by=charlie, commentary="Steady progress.", seen=reports.last_change(update)
    )
    write_ministerial_words(update, by=charlie)
    draft = generated(update, by=charlie)

    asked = Notice.objects.get(person=charlie.person)
    assert asked.what == f"Report to sign off (version 1): {update.title}" and asked.asks
    client = Client()
    client.force_login(charlie)
    page = client.get(reverse("your_work")).content.decode()
    assert "Reports to sign off (1)" in page and reverse("report_sign_off", args=[update.pk, 1]) in page

    reports.sign_off(version=draft, by=charlie, declared=True)
    told = Notice.objects.get(person=dora.person)
    assert told.what == f"Report signed off: {update.title}" and told.email == "dora@education.example"
    page = client.get(reverse("your_work")).content.decode()
    assert "Reports to sign off" not in page
