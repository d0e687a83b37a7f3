"""Reports say what was true at the end of their period (issue 14, items 1 and 3): records changed
after the period do not change the report for it, and the printed instrument says how it stood on
its date and whether it has been revoked since."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directions.enums import Cadence, Deliverer, InstructionStatus, Part, Recipient
from directions.models import Clause, Instruction, Instrument, ReportingObligation
from intervention.enums import Role
from reviews.enums import DeadlineStatus
from reviews.models import (
    Deadline,
    ImprovementPlan,
    Indicator,
    Measurement,
    PlanAction,
    PlanObjective,
    ProgressUpdate,
    Report,
)
from reviews.reports import renderer_for
from reviews.services import reports
from tests.factories import issued_direction
from tests.reviews.reports_support import (
    agency_indicator,
    appoint,
    direction_with_priorities,
    generated,
    held_review,
    pdf_text,
)

pytestmark = pytest.mark.django_db

D = datetime.date
IN_2023 = datetime.datetime(2023, 11, 10, 12, 0)
IN_2026 = datetime.datetime(2026, 6, 1, 12, 0)
PERIOD = (D(2023, 9, 20), D(2023, 10, 31))


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def body(report: Report) -> str:
    return renderer_for(report.kind).render_body(Report.objects.get(pk=report.pk))


@pytest.fixture
def case_in_2023(time_machine, hereford_case, charlie, alice, dora):
    """A case as it was recorded during 2023: a direction, a plan, ratings, figures, instructions and
    deadlines, a held review, and one report of each kind."""
    time_machine.move_to(datetime.datetime(2023, 3, 1, 12, 0), tick=False)
    direction = direction_with_priorities(hereford_case)
    appoint(dora, hereford_case, Role.DFE_CASE_LEAD)
    time_machine.move_to(IN_2023, tick=False)
    obligation = ReportingObligation.objects.create(
        instrument=direction,
        what="Next review of progress",
        deliverer=Deliverer.COMMISSIONER,
        recipient=Recipient.MINISTER,
        cadence=Cadence.MONTHS_AFTER_EVENT,
        interval=6,
        event="publication of the commissioner's progress report",
    )
    plan = ImprovementPlan.objects.create(
        intervention=hereford_case, title="Improvement plan", approved_on=D(2023, 4, 1)
    )
    objective = PlanObjective.objects.create(plan=plan, label="1", title="A stable workforce")
    action = PlanAction.objects.create(
        objective=objective,
        label="1",
        description="Recruit twelve permanent social workers",
        owner="Head of workforce",
        due_on=D(2023, 9, 30),
        status="in_progress",
        rag="amber",
    )
    priority = direction.service_priorities.get(label="i")
    update = ProgressUpdate.objects.create(
        intervention=hereford_case,
        service_priority=priority,
        narrative="Still many agency staff",
        rag="red",
        period_start=D(2023, 10, 1),
        period_end=D(2023, 10, 31),
        author=alice,
    )
    indicator = agency_indicator(direction, by=alice)
    overdue = Instruction.objects.create(
        intervention=hereford_case,
        number=1,
        issued_by=charlie.person,
        title="Recruit permanent managers",
        text="Recruit",
        issued_on=D(2023, 9, 25),
        due_on=D(2023, 10, 15),
    )
    not_yet_due = Instruction.objects.create(
        intervention=hereford_case,
        number=2,
        issued_by=charlie.person,
        title="Publish the workforce strategy",
        text="Publish it",
        issued_on=D(2023, 10, 2),
        due_on=D(2023, 12, 31),
    )
    missed = Deadline.objects.create(
        intervention=hereford_case, what="Evidence of progress", computed_on=D(2023, 10, 1)
    )
    upcoming = Deadline.objects.create(intervention=hereford_case, what="Highlight report", computed_on=D(2023, 11, 30))
    review = held_review(hereford_case, by=charlie)
    made = {
        kind: reports.create_report(
            intervention=hereford_case, kind=kind, period_start=PERIOD[0], period_end=PERIOD[1], by=dora
        )
        for kind in ("highlight", "ministerial_update")
    }
    made["progress"] = reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora)
    made["cabinet"] = reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=alice)
    made["instrument"] = reports.create_report(
        intervention=hereford_case, kind="instrument", instrument=direction, period_end=PERIOD[1], by=dora
    )
    return {
        "direction": direction,
        "objective": objective,
        "action": action,
        "update": update,
        "indicator": indicator,
        "overdue": overdue,
        "not_yet_due": not_yet_due,
        "missed": missed,
        "upcoming": upcoming,
        "reports": made,
        "obligation": obligation,
    }


def change_everything_in_2026(time_machine, world, *, by) -> None:
    """What happens to the records after the period: every one of them is changed or added to."""
    time_machine.move_to(IN_2026, tick=False)
    action = world["action"]
    action.rag, action.status, action.due_on = "green", "complete", D(2026, 12, 31)
    action.save()
    PlanAction.objects.create(
        objective=world["objective"],
        label="2",
        description="Open a social work academy",
        owner="Director",
        due_on=D(2026, 9, 30),
        rag="red",
    )
    update = world["update"]
    update.rag = "green"
    update.save()
    indicator = world["indicator"]
    indicator.target = Decimal(40)
    indicator.save()
    for measurement in Measurement.objects.filter(indicator=indicator):
        measurement.value += Decimal(10)
        measurement.save()
    for instruction in (world["overdue"], world["not_yet_due"]):
        instruction.status = InstructionStatus.COMPLIED
        instruction.save()
    met = world["missed"]
    met.status, met.met_on, met.met_note = DeadlineStatus.MET, D(2026, 5, 30), "Sent at last"
    met.save()
    moved = world["upcoming"]
    moved.override_on, moved.override_reason = D(2023, 11, 2), "Brought forward"
    moved.save()
    obligation = world["obligation"]
    obligation.event_on = D(2026, 1, 10)
    obligation.save()
    issued_direction(world["direction"].intervention, issued_on=D(2026, 5, 1), revokes=world["direction"], by=by)


@pytest.mark.parametrize("kind", ["highlight", "ministerial_update", "progress", "cabinet", "instrument"])
def test_changing_the_records_after_the_period_leaves_its_report_unchanged(
    kind, time_machine, case_in_2023, administrator
):
    report = case_in_2023["reports"][kind]
    time_machine.move_to(IN_2026 - datetime.timedelta(days=1), tick=False)
    before = body(report)
    change_everything_in_2026(time_machine, case_in_2023, by=administrator)
    assert body(report) == before


def test_a_highlight_report_for_2023_is_built_from_2023_not_from_today(time_machine, case_in_2023, administrator):
    change_everything_in_2026(time_machine, case_in_2023, by=administrator)
    text = words(body(case_in_2023["reports"]["highlight"]))
    # The plan as it stood: the action amber and due in 2023, not complete; not the 2026 action.
    assert "1.1 Recruit twelve permanent social workers Head of workforce 30 Sep 2023 Amber" in text
    assert "Open a social work academy" not in text
    assert "2026" not in text
    # The rating and the instructions as they stood at 31 October 2023.
    assert "(i) Permanent social workers Not rated Red First rating Progress update to 31 October 2023" in text
    assert "Complied with in the period 0" in text
    assert "Open at 31 October 2023 2" in text
    # Overdue then: instruction 1 (due 15 October); instruction 2 was not yet due.
    assert "Open past their due date at 31 October 2023 1" in text
    assert "Instruction 1: Recruit permanent managers" in text
    assert "Instruction 2" not in text
    assert "1 instruction open past its due date." in text
    # The deadline missed then (met only in 2026), and the other due on its date as it stood then.
    assert "Missed in the period What By Due Met Evidence of progress 1 Oct 2023 Not yet" in text
    assert "Due in the next six weeks What By Due Met Highlight report 30 Nov 2023 Not yet" in text


def test_a_ministerial_update_still_waits_for_an_event_recorded_after_its_period(
    time_machine, case_in_2023, administrator
):
    report = case_in_2023["reports"]["ministerial_update"]
    change_everything_in_2026(time_machine, case_in_2023, by=administrator)
    assert "Next review of progress" in words(body(report))


def test_an_instruction_open_at_the_end_of_the_period_is_not_no_data(time_machine, hereford_case, charlie, dora):
    """An open instruction that is neither new nor overdue in the period still shows, as open."""
    time_machine.move_to(IN_2023, tick=False)
    direction_with_priorities(hereford_case)
    Instruction.objects.create(
        intervention=hereford_case,
        number=1,
        issued_by=charlie.person,
        title="Publish the workforce strategy",
        text="Publish it",
        issued_on=D(2023, 8, 1),
        due_on=D(2023, 12, 31),
    )
    report = reports.create_report(
        intervention=hereford_case, kind="highlight", period_start=PERIOD[0], period_end=PERIOD[1], by=dora
    )
    text = words(body(report))
    assert "no data for this period" not in text.split("2. Instructions")[1].split("3. Deadlines")[0]
    assert "Issued in the period 0" in text
    assert "Open at 31 October 2023 1" in text
    assert "Open past their due date at 31 October 2023 0" in text


def test_the_records_entered_after_the_period_stand_as_first_recorded(time_machine, hereford_case, alice, dora):
    """The demo and most cases are entered long after the fact: a value for a 2023 month entered in
    2026 is in the 2023 report as first recorded, and a correction after that is not."""
    time_machine.move_to(datetime.datetime(2026, 1, 5, 12, 0), tick=False)
    direction = direction_with_priorities(hereford_case, issued_on=D(2023, 3, 1))
    indicator = Indicator.objects.create(
        service_priority=direction.service_priorities.get(label="i"),
        name="Agency social workers",
        unit="percent",
        direction="lower",
        target=Decimal(25),
    )
    measurement = Measurement.objects.create(
        indicator=indicator, period_end=D(2023, 10, 31), value=Decimal("47.8"), recorded_by=alice
    )
    report = reports.create_report(
        intervention=hereford_case, kind="highlight", period_start=PERIOD[0], period_end=PERIOD[1], by=dora
    )
    first = words(body(report))
    assert "47.8%" in first
    time_machine.move_to(IN_2026, tick=False)
    measurement.value = Decimal("12")
    measurement.save()
    assert words(body(report)) == first


def test_the_instrument_says_how_it_stood_on_its_date_and_that_it_was_revoked_since(
    time_machine, hereford_case, dora, administrator
):
    time_machine.move_to(IN_2023, tick=False)
    direction = direction_with_priorities(hereford_case)
    dated = reports.create_report(
        intervention=hereford_case, kind="instrument", instrument=direction, period_end=D(2023, 10, 31), by=dora
    )
    assert "Status As issued, as at 31 October 2023." in words(pdf_text(generated(dated, by=dora)))

    time_machine.move_to(IN_2026, tick=False)
    issued_direction(hereford_case, issued_on=D(2026, 5, 1), revokes=direction, by=administrator)
    revoked = "on 1 May 2026 by the statutory direction of 1 May 2026"
    text = words(pdf_text(generated(dated, by=dora)))
    assert f"Status As issued, as at 31 October 2023. Revoked since, {revoked}." in text
    undated = reports.create_report(intervention=hereford_case, kind="instrument", instrument=direction, by=dora)
    text = words(pdf_text(generated(undated, by=dora)))
    assert f"Status Revoked {revoked}." in text
    assert "As issued" not in text


def test_the_printed_instrument_has_no_due_boxes_and_keeps_its_lines(time_machine, hereford_case, dora):
    """The app's "Due …" tags are not the instrument's words; a hyphenated word is not split, since
    WeasyPrint then overfills the next line and leaves a word alone on its own line."""
    time_machine.move_to(IN_2023, tick=False)
    direction = direction_with_priorities(hereford_case)
    Instrument.objects.filter(pk=direction.pk).update(status="draft")  # to add paragraphs after issue
    three = Clause.objects.create(
        instrument=direction, part=Part.RECITAL, label="3", position=3, text="The Secretary of State has considered:"
    )
    Clause.objects.create(
        instrument=direction,
        part=Part.RECITAL,
        parent=three,
        label="a",
        position=1,
        due_on=D(2023, 12, 31),
        text=(
            "The 2017 Ofsted report, which found that children's services are 'inadequate'. The sub-judgements "
            "for children who need help and protection, children looked after and achieving permanence, and "
            "leadership, management and governance were all rated as 'inadequate';"
        ),
    )
    Instrument.objects.filter(pk=direction.pk).update(status="issued")
    report = reports.create_report(intervention=hereford_case, kind="instrument", instrument=direction, by=dora)
    text = pdf_text(generated(report, by=dora))
    assert "Due 31 December 2023" not in text
    lines = [line.strip() for line in text.splitlines()]
    assert "permanence," not in lines  # not alone on a line
    assert "sub-" not in " ".join(line[-4:] for line in lines)  # never broken at its hyphen
    assert "3. The Secretary of State has considered:" in re.sub(r"\s+", " ", text)


def test_a_highlight_report_costs_the_same_queries_however_many_records(
    time_machine, case_in_2023, alice, django_assert_max_num_queries
):
    report = Report.objects.get(pk=case_in_2023["reports"]["highlight"].pk)
    renderer = renderer_for(report.kind)
    with CaptureQueriesContext(connection) as few:
        renderer.render_body(report)
    direction = case_in_2023["direction"]
    for priority in direction.service_priorities.all():
        for number in range(4):
            indicator = Indicator.objects.create(
                service_priority=priority, name=f"Measure {number}", unit="count", direction="higher"
            )
            for month in range(5, 11):
                Measurement.objects.create(
                    indicator=indicator, period_end=D(2023, month, 28), value=Decimal(month), recorded_by=alice
                )
    for number in range(2, 12):
        PlanAction.objects.create(
            objective=case_in_2023["objective"],
            label=str(number),
            description="More",
            owner="Someone",
            due_on=D(2023, 8, 1),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        text = renderer.render_body(report)
    assert "Measure 3" in text
