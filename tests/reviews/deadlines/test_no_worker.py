"""Issue 13, item 4: what DfE sees never depends on whether the worker ran between two acts. A
direction is issued, revised and the revision revoked through the admin with no worker at all; the
deadlines are those a worker running after every act would have left, and a later sweep changes nothing."""

import datetime

import pytest

from directions.enums import InstrumentKind, LegalBasis, Part
from directions.models import Clause, Instrument, ReportingObligation
from reviews.models import Deadline
from reviews.services import deadlines

pytestmark = pytest.mark.django_db
D = datetime.date
NOW = datetime.datetime(2025, 6, 2, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW.date()


def draft(case, issued_on, *, revokes=None, dated=None, anchor):
    instrument = Instrument.objects.create(
        intervention=case,
        kind=InstrumentKind.STATUTORY_DIRECTION,
        legal_basis=LegalBasis.SECTION_497A_4B,
        title="Statutory direction",
        addressed_to=case.local_authority.council_name,
        issued_on=issued_on,
        signed_by_name="Dawn Dandy",
        revokes=revokes,
    )
    Clause.objects.create(instrument=instrument, part=Part.OPERATIVE, label="7", text="To comply", due_on=dated)
    ReportingObligation.objects.create(
        instrument=instrument,
        what="Commissioner's report",
        deliverer="commissioner",
        recipient="dfe",
        cadence="every_n_months",
        interval=3,
        anchor_on=anchor,
    )
    return instrument


def life_of(client, case, *, worker):
    """Issue a direction, revise it, revoke the revision alone: through the admin, as DfE would."""

    def act(response):
        assert response.status_code == 302
        if worker:
            deadlines.materialise_deadlines(intervention_id=case.pk)

    first = draft(case, D(2023, 3, 1), dated=D(2025, 9, 30), anchor=D(2023, 3, 1))
    act(client.post("/admin/directions/instrument/", {"action": "issue_selected", "_selected_action": [first.pk]}))
    revised = draft(case, D(2025, 5, 1), revokes=first, dated=D(2025, 12, 31), anchor=D(2025, 5, 1))
    act(client.post("/admin/directions/instrument/", {"action": "issue_selected", "_selected_action": [revised.pk]}))
    act(
        client.post(
            f"/admin/directions/instrument/{revised.pk}/revoke/",
            {"revoked_on": "2025-11-01", "reference": "DfE/2025/077", "reason": "Intervention lifted"},
        )
    )
    return first, revised


def state(case):
    return sorted(
        (d.what[:30], d.computed_on, d.status, d.cancelled_reason) for d in Deadline.objects.filter(intervention=case)
    )


def test_issue_revise_and_revoke_with_no_worker_equals_the_same_with_a_worker(
    client, dora, today, hereford_case, worcester_case, django_capture_on_commit_callbacks
):
    client.force_login(dora)
    with django_capture_on_commit_callbacks(execute=False):  # the worker's runs are queued, never run
        first, revised = life_of(client, hereford_case, worker=False)
    life_of(client, worcester_case, worker=True)

    assert state(hereford_case) == state(worcester_case)
    first_clause = Deadline.objects.get(clause__instrument=first)
    assert (first_clause.status, first_clause.cancelled_reason) == (
        "cancelled",
        "The statutory direction was revoked on 1 May 2025",
    )
    revised_open = Deadline.objects.filter(obligation__instrument=revised, status="open")
    assert [d.computed_on for d in revised_open] == [D(2025, 8, 1)]
    assert Deadline.objects.get(clause__instrument=revised).status == "cancelled"  # 31 December, after revocation
    before = state(hereford_case)
    report = deadlines.materialise_deadlines(intervention_id=hereford_case.pk)
    assert (report.created, report.moved, report.cancelled, report.reopened) == (0, 0, 0, 0)
    assert state(hereford_case) == before
