"""Issue 13 item 8: a dated paragraph that a reporting obligation covers links to it and makes no
second deadline; an uncovered one takes who delivers it and who receives it from what DfE says
when dating it. The demo's five paragraph-and-obligation pairs show one deadline each."""

import datetime

import pytest
from django.core.management import call_command

from directions.enums import Cadence, Deliverer, InstrumentKind, LegalBasis, Part, Recipient
from directions.models import SAY_WHO_DELIVERS, Clause, Instrument, ReportingObligation
from reviews import services
from reviews.enums import DeadlineStatus
from reviews.models import Deadline
from tests.directions.test_admin import form_values
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def issued_with_a_dated_paragraph_and_its_report(case) -> tuple[Instrument, Clause, ReportingObligation]:
    """A direction whose paragraph 7 asks for an options analysis by 31 December 2023, and the
    obligation recorded for the same report; issued before anyone linked them."""
    from directions import services as direction_services

    instrument = Instrument.objects.create(
        intervention=case,
        kind=InstrumentKind.STATUTORY_DIRECTION,
        legal_basis=LegalBasis.SECTION_497A_4B,
        title="Statutory direction",
        addressed_to=case.local_authority.council_name,
        issued_on=D(2023, 3, 1),
        signed_by_name="Dawn Dandy",
    )
    clause = Clause.objects.create(
        instrument=instrument,
        part=Part.OPERATIVE,
        label="7",
        position=7,
        text="Provide an options analysis by 31 December 2023.",
        due_on=D(2023, 12, 31),
        deliverer=Deliverer.COUNCIL,
        recipient=Recipient.SECRETARY_OF_STATE,
    )
    obligation = ReportingObligation.objects.create(
        instrument=instrument,
        clause=clause,
        what="Options analysis",
        deliverer=Deliverer.COUNCIL,
        recipient=Recipient.MINISTER,
        cadence=Cadence.FIXED_DATE,
        due_on=D(2023, 12, 31),
    )
    issuer = UserFactory(is_superuser=True, username="issuer@casework.example")
    return direction_services.issue_instrument(instrument=instrument, by=issuer), clause, obligation


def open_on(case, day):
    return list(
        Deadline.objects.filter(intervention=case, status=DeadlineStatus.OPEN)
        .with_due_on()
        .filter(effective_due_on=day)
    )


def test_dfe_link_a_dated_paragraph_to_its_obligation_in_the_admin_and_one_deadline_is_left(
    client, dora, hereford_case, time_machine
):
    time_machine.move_to(datetime.datetime(2023, 6, 1, 12, tzinfo=datetime.UTC))
    instrument, clause, obligation = issued_with_a_dated_paragraph_and_its_report(hereford_case)
    services.materialise_deadlines(today=D(2023, 6, 1))
    assert len(open_on(hereford_case, D(2023, 12, 31))) == 2  # the same report twice

    client.force_login(dora)
    url = f"/admin/directions/instrument/{instrument.pk}/change/"
    page = client.get(url).text
    assert f'<option value="{obligation.pk}">' in page  # the paragraph's row offers the instrument's obligations
    values = form_values(page)
    values["clauses-0-covered_by"] = str(obligation.pk)
    assert client.post(url, values).status_code == 302

    clause.refresh_from_db()
    assert clause.covered_by == obligation
    (left,) = open_on(hereford_case, D(2023, 12, 31))
    assert left.obligation == obligation
    own = Deadline.objects.get(clause=clause)
    assert (own.status, own.cancelled_reason) == (
        DeadlineStatus.CANCELLED,
        "Covered by the reporting obligation “Options analysis”: one deadline for the report",
    )
    services.materialise_deadlines(today=D(2023, 6, 2))  # the nightly sweep makes no second one again
    assert len(open_on(hereford_case, D(2023, 12, 31))) == 1


def test_dating_a_paragraph_asks_who_delivers_it_and_its_deadline_says_so(client, dora, hereford_case):
    instrument = Instrument.objects.create(
        intervention=hereford_case,
        kind=InstrumentKind.STATUTORY_DIRECTION,
        legal_basis=LegalBasis.SECTION_497A_4B,
        title="Statutory direction",
        addressed_to="Herefordshire Council",
        issued_on=D(2023, 3, 1),
        signed_by_name="Dawn Dandy",
    )
    client.force_login(dora)
    url = f"/admin/directions/instrument/{instrument.pk}/change/"
    values = form_values(client.get(url).text)
    row = {
        "clauses-TOTAL_FORMS": "1",
        "clauses-0-part": Part.OPERATIVE,
        "clauses-0-label": "8",
        "clauses-0-position": "8",
        "clauses-0-text": "The improvement board chair to report to the Secretary of State by 30 September 2023.",
        "clauses-0-due_on": "2023-09-30",
        "clauses-0-compliance": "not_due",
    }
    refused = client.post(url, {**values, **row})
    assert refused.status_code == 200
    assert SAY_WHO_DELIVERS in refused.text
    assert "The improvement board chair to report" in refused.text  # what was typed is kept

    row |= {"clauses-0-deliverer": Deliverer.BOARD_CHAIR, "clauses-0-recipient": Recipient.SECRETARY_OF_STATE}
    assert client.post(url, {**values, **row}).status_code == 302
    from directions import services as direction_services

    direction_services.issue_instrument(instrument=instrument, by=dora)
    deadline = Deadline.objects.get(clause__label="8", clause__instrument=instrument)
    assert (deadline.deliverer, deadline.delivered_by, deadline.recipient) == (
        "board_chair",
        "The improvement board chair",
        "the Secretary of State",
    )


@pytest.fixture
def demo(settings, time_machine):
    time_machine.move_to(datetime.datetime(2024, 1, 15, 12, tzinfo=datetime.UTC))
    settings.DEBUG = True
    call_command("setup_demo")


def test_the_demos_five_paragraph_and_obligation_pairs_show_one_deadline_each(demo):
    covered = Clause.objects.filter(covered_by__isnull=False).select_related("covered_by")
    assert sorted((c.due_on, c.covered_by.what) for c in covered) == [
        (D(2017, 12, 31), "High level plan of support and challenge"),
        (D(2017, 12, 31), "Report on the Council's recommended model (options analysis)"),
        (D(2018, 3, 31), "Full business case and implementation plan for the alternative delivery model"),
        (D(2022, 4, 30), "Actions in the improvement plan delivered"),
        (D(2022, 12, 12), "Commissioner's report to the Minister of State for Children and Families"),
    ]
    assert not Deadline.objects.filter(clause__covered_by__isnull=False).exists()  # no second deadline
    for clause in covered:
        made = Deadline.objects.filter(obligation=clause.covered_by, computed_on=clause.due_on)
        assert made.count() == 1
    # Every other dated paragraph keeps its own deadline, from whoever it says delivers it.
    uncovered = Clause.objects.filter(due_on__isnull=False, covered_by__isnull=True)
    assert Deadline.objects.filter(clause__isnull=False).count() == uncovered.count() > 0
    assert set(Deadline.objects.filter(clause__isnull=False).values_list("delivered_by", "recipient")) <= {
        ("The council", "the Secretary of State"),
        ("The commissioner", "the Department for Education"),
    }
