"""Issue 13 item 7: who delivers a deadline and who receives it are chosen from the case's roles;
reminders go to the people holding the delivering role on the case today, DfE is copied on overdue,
and a reminder with nobody to go to is recorded, not sent, and flagged to the DfE case lead."""

import datetime

import pytest
from django.core import mail

from directions.enums import Cadence, Deliverer, Recipient
from intervention.enums import Organisation, Role
from reviews import services
from reviews.models import Deadline, Notification
from tests.directions.test_instrument_rows_admin import direction_with_rows, save_checked
from tests.factories import AppointmentFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def dfe_lead(hereford_case, dora):
    AppointmentFactory(
        person=dora.person, intervention=hereford_case, role=Role.DFE_CASE_LEAD, starts_on=D(2021, 5, 18)
    )
    return dora


@pytest.fixture
def board_chair(hereford_case):
    user = UserFactory(username="bea@board.example")
    PersonFactory(user=user, name="Bea Chair", organisation=Organisation.INDEPENDENT, email="bea@board.example")
    AppointmentFactory(
        person=user.person, intervention=hereford_case, role=Role.IMPROVEMENT_BOARD_CHAIR, starts_on=D(2021, 6, 1)
    )
    return user


def add_obligation(client, direction, deliverer, recipient, what):
    """DfE records the obligation in the admin, choosing who delivers it and who receives it."""
    save_checked(
        client,
        f"/admin/directions/reportingobligation/add/?instrument={direction.pk}",
        {
            "instrument": direction.pk,
            "what": what,
            "deliverer": deliverer,
            "recipient": recipient,
            "cadence": Cadence.FIXED_DATE,
            "due_on": "2024-03-29",
        },
    )
    services.materialise_deadlines(today=D(2024, 1, 10))
    return Deadline.objects.get(obligation__what=what)


def sweep(today):
    for notification in services.plan_notifications(today=today):
        services.send_notification(notification_id=notification.pk, today=today)


def test_the_obligation_form_offers_the_case_roles_as_deliverer_and_recipient(client, dora, hereford_case):
    direction = direction_with_rows(hereford_case)
    client.force_login(dora)
    page = client.get(f"/admin/directions/reportingobligation/add/?instrument={direction.pk}").text
    for choice in Deliverer:
        assert f'<option value="{choice.value}">{choice.label}</option>' in page
    assert '<option value="secretary_of_state">the Secretary of State</option>' in page
    assert '<option value="board_chair">the improvement board chair</option>' in page


def test_the_board_chair_is_reminded_of_the_board_chairs_report_and_dfe_copied_when_overdue(
    client, dora, dfe_lead, board_chair, alice, charlie, hereford_case, time_machine
):
    time_machine.move_to(datetime.datetime(2024, 1, 10, 12, tzinfo=datetime.UTC))
    direction = direction_with_rows(hereford_case)
    client.force_login(dora)
    deadline = add_obligation(
        client, direction, Deliverer.BOARD_CHAIR, Recipient.SECRETARY_OF_STATE, "Board chair's report"
    )
    assert (deadline.delivered_by, deadline.recipient) == ("The improvement board chair", "the Secretary of State")

    sweep(D(2024, 3, 26))
    sweep(D(2024, 3, 30))
    assert [(m.subject.split(":")[0], m.to, m.cc) for m in mail.outbox] == [
        ("Due in 3 days (29 March 2024)", ["bea@board.example"], []),
        ("Overdue since 29 March 2024", ["bea@board.example"], ["dora@education.example"]),
    ]


def test_a_reminder_with_nobody_to_go_to_is_not_sent_and_is_flagged_to_the_dfe_case_lead(
    client, dora, dfe_lead, alice, hereford_case, time_machine
):
    time_machine.move_to(datetime.datetime(2024, 1, 10, 12, tzinfo=datetime.UTC))
    direction = direction_with_rows(hereford_case)
    client.force_login(dora)
    add_obligation(client, direction, Deliverer.ADVISER, Recipient.DFE, "Adviser's note")  # no adviser appointed

    time_machine.move_to(datetime.datetime(2024, 3, 26, 12, tzinfo=datetime.UTC))
    sweep(D(2024, 3, 26))
    # Nobody is the adviser: the reminder goes to nobody, and the DfE case lead is emailed instead.
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["dora@education.example"], "Nobody was sent the reminder: Adviser's note, Herefordshire Council")
    ]
    assert "Not sent: nobody is the adviser on this case today." in mail.outbox[0].body
    reminder = Notification.objects.get(deadline__what="Adviser's note", skipped=False, kind="reminder")
    assert (reminder.unaddressed, reminder.sent_at) == (True, None)
    assert services.requeue_stalled_notifications(older_than=datetime.timedelta(0)) == []

    client.force_login(dora)  # a new session: the clock moved on
    page = client.get(f"/interventions/{hereford_case.pk}/deadlines/").text
    assert "Reminders nobody was sent" in page
    assert "Adviser&#x27;s note, due 29 March 2024: Not sent: nobody is the adviser on this case today" in page

    client.force_login(alice)  # the council does not manage the case: not shown to them
    assert "Reminders nobody was sent" not in client.get(f"/interventions/{hereford_case.pk}/deadlines/").text


def test_changing_who_delivers_moves_the_open_deadlines_reminders_to_them(
    client, dora, dfe_lead, board_chair, hereford_case, time_machine
):
    time_machine.move_to(datetime.datetime(2024, 1, 10, 12, tzinfo=datetime.UTC))
    direction = direction_with_rows(hereford_case)
    client.force_login(dora)
    deadline = add_obligation(client, direction, Deliverer.ADVISER, Recipient.DFE, "Quarterly note")
    obligation = deadline.obligation
    obligation.deliverer = Deliverer.BOARD_CHAIR
    obligation.save()
    services.materialise_obligation(obligation, today=D(2024, 1, 10))
    deadline.refresh_from_db()
    assert (deadline.deliverer, deadline.delivered_by) == ("board_chair", "The improvement board chair")
    sweep(D(2024, 3, 26))
    assert [m.to for m in mail.outbox] == [["bea@board.example"]]
