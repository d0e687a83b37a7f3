"""Issue 13, loose ends: Ofsted's 30 and 70 working-day deadlines of a council with no intervention
belong to its inspection, and are the council's all the same. Its people are reminded of them (DfE
is told when nobody is there), DfE marks them met from the council's own page, and they are in the
national overview. A reminder nobody could be sent is emailed to the DfE case lead, or to DfE's
shared mailbox when the case has none."""

import datetime

import pytest
from django.core import mail

from directions.enums import Deliverer, Recipient
from reviews import calendar, services
from reviews.models import Deadline
from tests.reviews.deadlines.test_ofsted_and_bank_holidays import inspected
from tests.reviews.deadlines.test_roles import add_obligation, direction_with_rows

pytestmark = pytest.mark.django_db
D = datetime.date


def at(time_machine, day: D) -> None:
    time_machine.move_to(datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC))


def sweep(today: D) -> None:
    for notification in services.plan_notifications(today=today):
        services.send_notification(notification_id=notification.pk, today=today)


def test_a_council_with_no_case_is_reminded_of_its_ofsted_deadline_and_dfe_marks_it_met_on_its_page(
    client, alice, bob, dora, herefordshire, time_machine
):
    at(time_machine, D(2024, 4, 3))
    inspection = inspected(herefordshire, D(2024, 4, 2), dora)  # Herefordshire has no intervention
    services.materialise_deadlines(today=D(2024, 4, 3))
    publish = Deadline.objects.get(inspection=inspection, ofsted_requirement="publish_report")
    assert (publish.intervention, publish.computed_on) == (None, D(2024, 5, 15))

    sweep(D(2024, 5, 1))  # 14 days before
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["alice@herefordshire.example"],
            "Due in 14 days (15 May 2024): Publish the Ofsted inspection report (30 working days after receiving it), "
            "Herefordshire Council",
        )
    ]
    assert "/authorities/884/" in mail.outbox[0].body

    at(time_machine, D(2024, 5, 16))
    client.force_login(alice)  # the council's own people see their page, but do not mark it met
    page = client.get("/authorities/884/").text
    assert "Herefordshire Council" in page and "15 May 2024" in page
    assert "No intervention was open when the report arrived" in page
    assert "Mark as met" not in page
    assert client.post(f"/deadlines/{publish.pk}/met/", {"note": "Published"}).status_code == 403

    feed = client.get(f"/calendar/{calendar.make_feed_token(user=alice)}.ics").content.decode()
    assert "Herefordshire: Publish the Ofsted inspection report" in feed and "/authorities/884/" in feed

    client.force_login(bob)  # another council's officer: as if the page did not exist
    assert client.get("/authorities/884/").status_code == 404

    client.force_login(dora)
    overview = client.get("/deadlines/").text
    assert "Overdue" in overview and "No intervention open" in overview
    assert "Publish the Ofsted inspection report (30 working days after receiving it)" in overview
    page = client.get("/authorities/884/").text
    assert f'href="/deadlines/{publish.pk}/met/"' in page
    response = client.post(
        f"/deadlines/{publish.pk}/met/",
        {"met_on_0": "14", "met_on_1": "5", "met_on_2": "2024", "note": "Published on the council's website"},
    )
    assert response.status_code == 302 and response["Location"] == "/authorities/884/"
    publish.refresh_from_db()
    assert (publish.status, publish.met_on, publish.history.latest().history_user) == ("met", D(2024, 5, 14), dora)


def test_with_nobody_at_the_council_dfes_mailbox_is_told_and_the_page_flags_it(
    client, dora, herefordshire, settings, time_machine
):
    settings.DFE_MAILBOX = "interventions.mailbox@education.example"
    at(time_machine, D(2024, 4, 3))
    inspected(herefordshire, D(2024, 4, 2), dora)
    services.materialise_deadlines(today=D(2024, 4, 3))

    sweep(D(2024, 5, 1))
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["interventions.mailbox@education.example"],
            "Nobody was sent the reminder: Publish the Ofsted inspection report (30 working days after receiving it), "
            "Herefordshire Council",
        )
    ]
    assert "Not sent: nobody at the council has an account with an email address." in mail.outbox[0].body
    sweep(D(2024, 5, 1))  # a second sweep decides nothing again
    assert len(mail.outbox) == 1

    client.force_login(dora)
    page = client.get("/authorities/884/").text
    assert "Reminders nobody was sent" in page
    assert "Not sent: nobody at the council has an account with an email address" in page


def test_a_case_with_no_dfe_case_lead_tells_dfes_mailbox_of_a_reminder_nobody_was_sent(
    client, dora, hereford_case, settings, time_machine
):
    settings.DFE_MAILBOX = "interventions.mailbox@education.example"
    at(time_machine, D(2024, 1, 10))
    direction = direction_with_rows(hereford_case)
    client.force_login(dora)
    add_obligation(client, direction, Deliverer.ADVISER, Recipient.DFE, "Adviser's note")  # no adviser, no lead

    sweep(D(2024, 3, 26))
    mailbox = "interventions.mailbox@education.example"
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([mailbox], "Nobody was sent the reminder: Adviser's note, Herefordshire Council")
    ]
    assert f"/interventions/{hereford_case.pk}/deadlines/" in mail.outbox[0].body
