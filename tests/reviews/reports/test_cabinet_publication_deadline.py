"""Issue 13, smaller defects: the clear-days rule is scheduled where the design says. Dating a cabinet
report's meeting makes a deadline on the last day it can be published: five clear days before the
meeting, neither the day of publication nor the meeting day counting. It follows the meeting."""

import datetime

import pytest

from reviews.enums import DeadlineStatus
from reviews.models import Deadline
from reviews.services import reports
from tests.reviews.reports.test_reports import direction, review  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
D = datetime.date


def council_words(client, report, day: D):
    form = client.get(f"/reports/{report.pk}/council-words/")
    data = {name: value for name, value in form.context["form"].initial.items() if isinstance(value, str)}
    data |= {"meeting_date_0": str(day.day), "meeting_date_1": str(day.month), "meeting_date_2": str(day.year)}
    response = client.post(f"/reports/{report.pk}/council-words/", data)
    assert response.status_code == 302


def test_dating_the_cabinet_meeting_schedules_the_latest_publication_date(client, alice, hereford_case, review):  # noqa: F811
    report = reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=alice)
    client.force_login(alice)
    council_words(client, report, D(2023, 12, 21))  # a Thursday meeting

    deadline = Deadline.objects.get(cabinet_paper=report.cabinet_paper)
    assert (deadline.computed_on, deadline.status, deadline.delivered_by) == (
        D(2023, 12, 15),  # 16 to 20 December are the five clear days
        DeadlineStatus.OPEN,
        "The council",
    )
    page = client.get(f"/interventions/{hereford_case.pk}/deadlines/").text
    assert "5 clear days before Cabinet on 21 December 2023" in page
    assert "15 December 2023" in page

    council_words(client, report, D(2024, 1, 11))  # the meeting moved
    deadline.refresh_from_db()
    assert deadline.computed_on == D(2024, 1, 5)
    assert deadline.history.first().history_change_reason == "The meeting moved to 11 January 2024"
    assert Deadline.objects.filter(cabinet_paper=report.cabinet_paper).count() == 1
