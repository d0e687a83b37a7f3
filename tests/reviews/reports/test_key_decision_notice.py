"""Issue 13, loose ends: a key decision needs 28 clear days' public notice before the cabinet meets.
A cabinet report whose decision type is "Key" gets that deadline beside its publication deadline;
it follows the meeting, and is cancelled (kept) when the decision stops being a key one."""

import datetime

import pytest

from reviews.enums import DeadlineStatus
from reviews.models import Deadline
from reviews.services import reports
from tests.reviews.reports.test_reports import direction, review  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
D = datetime.date


def council_words(client, report, day: D, decision_type: str):
    form = client.get(f"/reports/{report.pk}/council-words/")
    data = {name: value for name, value in form.context["form"].initial.items() if isinstance(value, str)}
    data |= {"meeting_date_0": str(day.day), "meeting_date_1": str(day.month), "meeting_date_2": str(day.year)}
    data["decision_type"] = decision_type
    response = client.post(f"/reports/{report.pk}/council-words/", data)
    assert response.status_code == 302


def test_a_key_decision_schedules_its_notice_28_clear_days_before_the_meeting(client, alice, hereford_case, review):  # noqa: F811
    report = reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=alice)
    client.force_login(alice)
    council_words(client, report, D(2023, 12, 21), "Key")

    deadlines = Deadline.objects.filter(cabinet_paper=report.cabinet_paper).order_by("computed_on")
    assert [(d.cabinet_requirement, d.computed_on, d.status) for d in deadlines] == [
        ("key_decision", D(2023, 11, 22), DeadlineStatus.OPEN),  # 23 November to 20 December: 28 clear days
        ("publish", D(2023, 12, 15), DeadlineStatus.OPEN),
    ]
    page = client.get(f"/interventions/{hereford_case.pk}/deadlines/").text
    assert "Give notice of the key decision in the cabinet report" in page
    assert "28 clear days before Cabinet on 21 December 2023" in page and "22 November 2023" in page

    council_words(client, report, D(2024, 1, 11), "Key")  # the meeting moved
    notice = deadlines.get(cabinet_requirement="key_decision")
    assert notice.computed_on == D(2023, 12, 13)
    assert notice.history.first().history_change_reason == "The meeting moved to 11 January 2024"

    council_words(client, report, D(2024, 1, 11), "Non-key")  # no longer a key decision
    notice.refresh_from_db()
    assert (notice.status, notice.cancelled_reason) == ("cancelled", "The decision is no longer a key decision")
    assert deadlines.get(cabinet_requirement="publish").status == DeadlineStatus.OPEN

    council_words(client, report, D(2024, 1, 11), "Key decision")  # a key one again
    notice.refresh_from_db()
    assert (notice.status, notice.computed_on) == ("open", D(2023, 12, 13))
    assert Deadline.objects.filter(cabinet_paper=report.cabinet_paper).count() == 2


def test_a_non_key_decision_has_only_its_publication_deadline(client, alice, hereford_case, review):  # noqa: F811
    report = reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=alice)
    client.force_login(alice)
    council_words(client, report, D(2023, 12, 21), "Non-key")
    assert list(Deadline.objects.filter(cabinet_paper=report.cabinet_paper).values_list("cabinet_requirement")) == [
        ("publish",)
    ]
