"""Issue 13, smaller defects: an inspection of a council with no intervention open still gets its
Ofsted 30 and 70 working-day deadlines, shown on the council's case page; adding a bank holiday says
what moved a deadline, and only administrators add one."""

import datetime

import pytest

from intervention.enums import Framework, InspectionKind
from intervention.models import ExtraBankHoliday
from intervention.services import record_inspection
from reviews import services
from reviews.enums import DeadlineStatus
from reviews.models import Deadline
from reviews.services.closing import close_case

pytestmark = pytest.mark.django_db
D = datetime.date


def inspected(authority, received_on, dora):
    return record_inspection(
        local_authority=authority,
        kind=InspectionKind.STANDARD_ILACS,
        framework=Framework.ILACS_2023,
        fieldwork_starts_on=received_on - datetime.timedelta(days=40),
        fieldwork_ends_on=received_on - datetime.timedelta(days=30),
        report_received_on=received_on,
        by=dora,
    )


def test_an_inspection_after_the_intervention_closed_gets_its_deadlines_on_the_councils_case_page(
    client, dora, worcester_case, worcestershire, time_machine
):
    time_machine.move_to(datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.UTC))
    close_case(intervention=worcester_case, closed_on=D(2020, 3, 31), reason="Trust in place", by=dora)
    inspection = inspected(worcestershire, D(2024, 4, 2), dora)
    services.materialise_deadlines(today=D(2024, 5, 1))

    deadlines = Deadline.objects.filter(inspection=inspection).order_by("computed_on")
    assert [(d.intervention, d.status, d.computed_on) for d in deadlines] == [
        (None, DeadlineStatus.OPEN, D(2024, 5, 15)),  # publish: 30 working days (6 May a bank holiday)
        (None, DeadlineStatus.OPEN, D(2024, 7, 11)),  # action plan: 70 working days
    ]
    client.force_login(dora)
    page = client.get(f"/interventions/{worcester_case.pk}/deadlines/").text
    assert "Ofsted deadlines of the council outside any intervention" in page
    assert "15 May 2024" in page and "11 July 2024" in page


def test_adding_a_bank_holiday_says_what_moved_the_deadline(client, administrator, dora, hereford_case, herefordshire):
    inspection = inspected(herefordshire, D(2024, 4, 2), dora)
    services.materialise_deadlines(today=D(2024, 4, 3))
    publish = Deadline.objects.get(inspection=inspection, computed_on=D(2024, 5, 15))

    client.force_login(administrator)
    response = client.post(
        "/admin/intervention/extrabankholiday/add/", {"date": "2024-04-22", "name": "A proclaimed holiday"}
    )
    assert response.status_code == 302
    services.materialise_deadlines(today=D(2024, 4, 23))  # the run the new holiday enqueues

    publish.refresh_from_db()
    assert publish.computed_on == D(2024, 5, 16)
    assert publish.history.first().history_change_reason == (
        "Bank holiday 22 April 2024 counted: 30 working days from 2 April 2024 end on 16 May 2024"
    )


def test_a_corrected_date_of_receipt_says_so(dora, hereford_case, herefordshire):
    inspection = inspected(herefordshire, D(2024, 4, 2), dora)
    services.materialise_deadlines(today=D(2024, 4, 3))
    inspection.report_received_on = D(2024, 4, 3)
    inspection.save()
    services.materialise_deadlines(today=D(2024, 4, 4))
    publish = Deadline.objects.get(inspection=inspection, ofsted_requirement="publish_report")
    assert publish.history.first().history_change_reason == (
        "The report's date of receipt changed from 2 April 2024 to 3 April 2024"
    )


def test_only_administrators_add_bank_holidays(client, dora):
    client.force_login(dora)
    assert client.get("/admin/intervention/extrabankholiday/add/").status_code == 403
    response = client.post("/admin/intervention/extrabankholiday/add/", {"date": "2024-04-22", "name": "Not mine"})
    assert response.status_code == 403
    assert not ExtraBankHoliday.objects.exists()
