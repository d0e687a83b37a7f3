"""Two council officers with the cabinet paper's words open (issue 19, item 7): the second save is
refused with what the first changed, and what the second typed is kept for a deliberate save."""

import datetime

import pytest
from django.test import Client

from reviews.services import reports
from tests.reviews.reports.test_reports import direction, review  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
MEETING = {"meeting_date_0": "21", "meeting_date_1": "12", "meeting_date_2": "2023"}


def opened(client: Client, url: str) -> dict:
    form = client.get(url).context["form"]
    return {name: value for name, value in form.initial.items() if isinstance(value, str)} | MEETING


def test_the_second_officer_is_told_and_nothing_is_overwritten(alice, hereford_case, review):  # noqa: F811
    report = reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=alice)
    url = f"/reports/{report.pk}/council-words/"
    first, second = Client(), Client()
    first.force_login(alice)
    second.force_login(alice)
    first_form, second_form = opened(first, url), opened(second, url)

    assert first.post(url, first_form | {"meeting": "Cabinet, 21 December"}).status_code == 302
    refused = second.post(url, second_form | {"meeting": "Scrutiny committee"})
    assert refused.status_code == 200
    assert "Someone else changed this record after you opened it" in refused.text
    assert "Scrutiny committee" in refused.text
    report.cabinet_paper.refresh_from_db()
    assert report.cabinet_paper.meeting == "Cabinet, 21 December"

    current = refused.context["form"].data["seen_version"]
    assert second.post(url, second_form | {"meeting": "Scrutiny committee", "seen_version": current}).status_code == 302
    report.cabinet_paper.refresh_from_db()
    assert report.cabinet_paper.meeting == "Scrutiny committee"
    assert report.cabinet_paper.history.first().history_date.date() <= datetime.date.today()
