"""Issue 13, item 3: DfE closes a case from its admin page, with a date and a reason. Its instruments
are revoked (or closing is refused until they are), its appointments end, every open deadline from the
closing date is cancelled and kept, no reminder goes out, and the case is read-only for all but DfE;
reopening is a recorded act."""

import datetime

import pytest

from directions.models import ReportingObligation
from reviews.models import Deadline
from reviews.services import deadlines
from tests.factories import issued_direction

pytestmark = pytest.mark.django_db
D = datetime.date
NOW = datetime.datetime(2025, 6, 2, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW.date()


@pytest.fixture
def direction(today, hereford_case, charlie, alice):
    direction = issued_direction(hereford_case, D(2022, 9, 21))
    direction.appointments.add(charlie.person.appointments.get())
    ReportingObligation.objects.create(
        instrument=direction,
        what="Improvement plan update",
        deliverer="council",
        recipient="dfe",
        cadence="every_n_months",
        interval=1,
        anchor_on=D(2022, 9, 30),
    )
    deadlines.materialise_deadlines()
    return direction


def close_page(case):
    return f"/admin/intervention/intervention/{case.pk}/close/"


def reopen_page(case):
    return f"/admin/intervention/intervention/{case.pk}/reopen/"


def close(client, case, **fields):
    data = {"closed_on": "2025-06-02", "reason": "Direction lifted: services now good", "reference": ""} | fields
    return client.post(close_page(case), data)


def test_closing_with_a_direction_in_force_asks_to_revoke_it_and_keeps_what_was_typed(client, dora, direction):
    client.force_login(dora)
    response = close(client, direction.intervention)
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "The statutory direction of 21 September 2022 is still in force on 2 June 2025: revoke it first, "
        "or choose to revoke it on the closing date"
    ) in page
    assert "Direction lifted: services now good" in page
    direction.intervention.refresh_from_db()
    assert direction.intervention.closed_on is None
    response = close(client, direction.intervention, revoke="on")
    assert "Give the revoking letter&#x27;s reference" in response.content.decode()


def test_closing_revokes_ends_cancels_and_a_later_sweep_opens_nothing(client, dora, charlie, direction, today):
    case = direction.intervention
    client.force_login(dora)
    assert close_page(case) in client.get(f"/admin/intervention/intervention/{case.pk}/change/").content.decode()

    response = close(client, case, revoke="on", reference="DfE/2025/040")

    assert response.status_code == 302
    case.refresh_from_db()
    direction.refresh_from_db()
    assert (case.closed_on, case.closure_reason) == (D(2025, 6, 2), "Direction lifted: services now good")
    assert (direction.revoked_on, direction.revocation_reference) == (D(2025, 6, 2), "DfE/2025/040")
    assert charlie.person.appointments.get().ends_on == D(2025, 6, 2)
    assert not Deadline.objects.filter(intervention=case, status="open", computed_on__gte=D(2025, 6, 2)).exists()
    cancelled = Deadline.objects.filter(intervention=case, status="cancelled")
    assert cancelled.exists()
    assert {d.cancelled_reason for d in cancelled} <= {
        "The statutory direction was revoked on 2 June 2025",
        "The intervention was closed on 2 June 2025",
    }
    # The nightly sweep, now and months later, opens nothing after the closing date and sends nothing.
    for later in (today, D(2025, 12, 1)):
        deadlines.materialise_deadlines(today=later)
        assert not Deadline.objects.filter(intervention=case, status="open", computed_on__gte=D(2025, 6, 2)).exists()
    assert deadlines.plan_notifications(today=D(2025, 6, 2)) == []
    page = client.get(case.get_absolute_url()).content.decode()
    assert "2 June 2025: Direction lifted: services now good" in page
    assert "Closed" in page
    history = case.history.order_by("-history_id").first()
    assert (history.history_user, history.history_change_reason) == (
        dora,
        "Closed on 2 June 2025: Direction lifted: services now good",
    )


def test_a_closed_case_is_read_only_for_all_but_dfe(client, dora, alice, direction):
    client.force_login(dora)
    close(client, direction.intervention, revoke="on", reference="DfE/1")
    client.force_login(alice)
    case = direction.intervention
    assert client.get(case.get_absolute_url()).status_code == 200
    assert client.get(f"/interventions/{case.pk}/progress/new/").status_code in (403, 404)


def test_a_commissioner_may_not_close_a_case(client, charlie, direction):
    client.force_login(charlie)
    response = close(client, direction.intervention, revoke="on", reference="x")
    assert response.status_code == 403
    direction.intervention.refresh_from_db()
    assert direction.intervention.closed_on is None


def test_reopening_is_a_recorded_act(client, dora, direction):
    case = direction.intervention
    client.force_login(dora)
    close(client, case, revoke="on", reference="DfE/1")
    assert reopen_page(case) in client.get(f"/admin/intervention/intervention/{case.pk}/change/").content.decode()
    refused = client.post(reopen_page(case), {"reason": ""})
    assert "Say why the intervention is reopened" in refused.content.decode()

    response = client.post(reopen_page(case), {"reason": "Closed on the wrong case"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.closed_on is None
    assert case.history.order_by("-history_id").first().history_change_reason == (
        "Reopened (closed on 2 June 2025): Closed on the wrong case"
    )
