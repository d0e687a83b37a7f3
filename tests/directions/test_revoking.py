"""Issue 13, items 1 and 2: DfE revokes a direction with no successor from the admin (date, the revoking
letter's reference, reason); the pages show it revoked from that date; the appointments it made end
that day unless its successor carries them over; its deadlines from that day are cancelled at once."""

import datetime

import pytest

from directions.enums import InstrumentKind, LegalBasis, Part
from directions.models import Clause, Instrument, ReportingObligation
from intervention.enums import Role
from intervention.models import Appointment
from reviews.models import Deadline
from reviews.services import deadlines
from tests.factories import AppointmentFactory, issued_direction

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = datetime.datetime(2025, 6, 2, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return TODAY.date()


@pytest.fixture
def direction(today, hereford_case, charlie):
    """The 2022 direction, which appointed Charlie as commissioner, with a quarterly report."""
    direction = issued_direction(hereford_case, D(2022, 9, 21))
    direction.appointments.add(charlie.person.appointments.get())
    ReportingObligation.objects.create(
        instrument=direction,
        what="Commissioner's progress report",
        deliverer="commissioner",
        recipient="dfe",
        cadence="every_n_months",
        interval=3,
        anchor_on=D(2022, 9, 21),
    )
    deadlines.materialise_deadlines()
    return direction


def revoke_page(direction):
    return f"/admin/directions/instrument/{direction.pk}/revoke/"


def test_dfe_revokes_a_direction_alone_and_the_pages_show_it_from_that_date(client, dora, direction, hereford_case):
    client.force_login(dora)
    change = client.get(f"/admin/directions/instrument/{direction.pk}/change/").content.decode()
    assert revoke_page(direction) in change
    page = client.get(revoke_page(direction)).content.decode()
    assert "Charlie Brazil, commissioner" in page  # the appointment that will end, said before revoking

    response = client.post(
        revoke_page(direction),
        {"revoked_on": "2025-03-31", "reference": "DfE/2025/017", "reason": "Sufficient progress: intervention lifted"},
    )

    assert response.status_code == 302
    direction.refresh_from_db()
    assert (direction.revoked_on, direction.revocation_reference) == (D(2025, 3, 31), "DfE/2025/017")
    assert direction.history.latest().history_user == dora
    instrument_page = client.get(direction.get_absolute_url()).content.decode()
    assert "Revoked on 31 March 2025" in instrument_page
    assert "From 31 March 2025, by the letter DfE/2025/017: Sufficient progress: intervention lifted" in instrument_page
    assert "Revoked on 31 March 2025" in client.get(hereford_case.get_absolute_url()).content.decode()
    assert (
        "Revoke with no successor"
        not in client.get(f"/admin/directions/instrument/{direction.pk}/change/").content.decode()
    )


def test_the_form_keeps_what_was_typed_and_refuses_a_date_before_issue(client, dora, direction):
    client.force_login(dora)
    response = client.post(revoke_page(direction), {"revoked_on": "2021-01-01", "reference": "DfE/9", "reason": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Give a reason" in page
    assert 'value="DfE/9"' in page
    response = client.post(revoke_page(direction), {"revoked_on": "2021-01-01", "reference": "DfE/9", "reason": "x"})
    assert (
        "The revocation date must be on or after the date it was issued (21 September 2022)"
        in response.content.decode()
    )
    direction.refresh_from_db()
    assert direction.revoked_on is None


def test_a_commissioner_may_not_revoke(client, charlie, direction):
    client.force_login(charlie)
    response = client.post(revoke_page(direction), {"revoked_on": "2025-03-31", "reference": "x", "reason": "x"})
    assert response.status_code == 403
    direction.refresh_from_db()
    assert direction.revoked_on is None


def test_a_commissioner_of_a_revoked_direction_can_no_longer_instruct_the_council(client, dora, charlie, direction):
    client.force_login(dora)
    client.post(revoke_page(direction), {"revoked_on": "2025-03-31", "reference": "DfE/1", "reason": "Lifted"})
    appointment = charlie.person.appointments.get()
    assert appointment.ends_on == D(2025, 3, 31)
    assert appointment.history.order_by("-history_id").first().history_change_reason == (
        "Ended: the statutory direction of 21 September 2022 that made it was revoked on 31 March 2025"
    )
    client.force_login(charlie)
    response = client.get("/admin/directions/instruction/add/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")  # no current appointment: no admin


def test_revoking_alone_cancels_the_deadlines_from_that_day_and_a_sweep_changes_nothing(client, dora, direction):
    client.force_login(dora)
    client.post(revoke_page(direction), {"revoked_on": "2025-03-31", "reference": "DfE/1", "reason": "Lifted"})
    open_after = Deadline.objects.filter(
        obligation__instrument=direction, status="open", computed_on__gte=D(2025, 3, 31)
    )
    assert open_after.count() == 0
    assert Deadline.objects.filter(status="cancelled").first().cancelled_reason == (
        "The statutory direction was revoked on 31 March 2025"
    )
    report = deadlines.materialise_deadlines()
    assert (report.created, report.moved, report.cancelled, report.reopened) == (0, 0, 0, 0)


def test_a_successor_keeps_the_appointments_it_carries_over_and_ends_the_others(client, dora, charlie, direction):
    adviser = AppointmentFactory(intervention=direction.intervention, role=Role.IMPROVEMENT_ADVISER)
    direction.appointments.add(adviser)
    revised = Instrument.objects.create(
        intervention=direction.intervention,
        kind=InstrumentKind.STATUTORY_DIRECTION,
        legal_basis=LegalBasis.SECTION_497A_4B,
        title="Revised direction",
        addressed_to="Herefordshire Council",
        issued_on=D(2025, 4, 1),
        signed_by_name="Dawn Dandy",
        revokes=direction,
    )
    Clause.objects.create(instrument=revised, part=Part.OPERATIVE, label="1", text="To comply")
    revised.appointments.add(charlie.person.appointments.get())  # carried over on the revised direction's page
    client.force_login(dora)

    client.post("/admin/directions/instrument/", {"action": "issue_selected", "_selected_action": [revised.pk]})

    revised.refresh_from_db()
    assert revised.is_issued
    assert Appointment.objects.get(pk=charlie.person.appointments.get().pk).ends_on is None
    assert Appointment.objects.get(pk=adviser.pk).ends_on == D(2025, 4, 1)
