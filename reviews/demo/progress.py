"""Demo progress for Herefordshire: indicator series for the seven service priorities of the
March 2023 direction, an improvement plan, commissioner instructions and progress updates.

The series, plan and instructions are illustrative (the seeds give no figures); they are shaped by
what the December 2023 cabinet report says: agency reliance falling, more permanent managers, more
face-to-face conferences. Idempotent: nothing is added if the indicators already exist."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from simple_history.utils import bulk_create_with_history

from directions import services as directions_services
from directions.models import ServicePriority
from intervention.models import Intervention, Person
from intervention.services import save_with_history
from reviews.models import ImprovementPlan, Indicator, Measurement, PlanAction, PlanObjective
from reviews.services import progress

D = datetime.date

# (priority label, indicator name, unit, direction, target, start value, end value)
INDICATORS = [
    ("i", "Agency social workers", "percent", "lower", Decimal(25), 52, 24),
    ("i", "Permanent social workers (full-time equivalent)", "count", "higher", Decimal(130), 78, 126),
    ("ii", "Permanent front-line team managers", "count", "higher", Decimal(20), 7, 18),
    ("iii", "Child protection conferences held face to face", "percent", "higher", Decimal(80), 12, 83),
    ("iv", "Assessments ending in no further action", "percent", "lower", Decimal(30), 58, 33),
    ("v", "Average changes of social worker in the last 12 months", "average", "lower", Decimal("1.5"), 3.4, 1.7),
    ("vi", "Audited cases rated good or better", "percent", "higher", Decimal(60), 14, 52),
    ("vii", "Education, health and care plans issued within 20 weeks", "percent", "higher", Decimal(60), 21, 57),
]

PLAN = [
    (
        "1",
        "A stable, permanent workforce",
        [
            (
                "1",
                "Run a national recruitment campaign for experienced social workers",
                "Head of workforce development",
                D(2023, 9, 30),
                "complete",
                "green",
            ),
            (
                "2",
                "Convert agency team managers to permanent posts",
                "Service director, safeguarding",
                D(2024, 3, 31),
                "complete",
                "green",
            ),
            (
                "3",
                "Keep caseloads below 18 children per social worker",
                "Heads of service",
                D(2026, 12, 31),
                "in_progress",
                "amber",
            ),
        ],
    ),
    (
        "2",
        "Children protected at the right time",
        [
            (
                "1",
                "Hold initial child protection conferences face to face",
                "Head of safeguarding and review",
                D(2023, 12, 31),
                "complete",
                "green",
            ),
            (
                "2",
                "Review every child in pre-proceedings monthly",
                "Head of legal practice",
                D(2026, 9, 30),
                "in_progress",
                "red",
            ),
        ],
    ),
    (
        "3",
        "Good practice, checked",
        [
            (
                "1",
                "Monthly practice audits with moderation",
                "Principal social worker",
                D(2026, 3, 31),
                "in_progress",
                "amber",
            ),
            (
                "2",
                "Practice standards and management oversight guidance",
                "Principal social worker",
                D(2023, 10, 31),
                "complete",
                "green",
            ),
        ],
    ),
    (
        "4",
        "SEND services that meet children's needs",
        [
            (
                "1",
                "Finalise the SEND strategy with an up-to-date self-evaluation",
                "Service director, education",
                D(2024, 1, 31),
                "complete",
                "green",
            ),
            (
                "2",
                "Clear the backlog of education, health and care assessments",
                "Head of SEND",
                D(2026, 11, 30),
                "blocked",
                "red",
            ),
        ],
    ),
]


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    import calendar

    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(D(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _series(start_value: float, end_value: float, months: list[datetime.date], unit: str) -> list[Decimal]:
    """A steady trend with a small seasonal wobble: deterministic, so the demo is the same every time."""
    values = []
    for index in range(len(months)):
        share = index / max(len(months) - 1, 1)
        wobble = math.sin(index * 1.3) * abs(end_value - start_value) * 0.04
        value = start_value + (end_value - start_value) * share + wobble
        places = Decimal("1") if unit == "count" else Decimal("0.1")
        values.append(Decimal(str(value)).quantize(places))
    return values


def load_demo_progress(*, by: Any) -> None:
    case = Intervention.objects.filter(local_authority__dfe_code="884", opened_on=D(2021, 5, 18)).first()
    if case is None:
        return
    priorities = {
        p.label: p
        for p in ServicePriority.objects.filter(instrument__intervention=case, instrument__issued_on=D(2023, 3, 1))
    }
    if not priorities or Indicator.objects.filter(service_priority__in=priorities.values()).exists():
        return
    User = get_user_model()
    officer = User.objects.get(username="alice@herefordshire.example")
    commissioner = User.objects.get(username="eleanor.brazil@commissioner.example")
    today = datetime.date.today()
    months = _months(D(2023, 3, 1), today.replace(day=1) - datetime.timedelta(days=1))

    for position, (label, name, unit, direction, target, start, end) in enumerate(INDICATORS):
        indicator = Indicator(
            service_priority=priorities[label],
            name=name,
            unit=unit,
            direction=direction,
            target=target,
            position=position,
        )
        save_with_history(indicator, by=by, reason="Demo data")
        measurements = [
            Measurement(
                indicator=indicator,
                period_end=month,
                value=value,
                source_note="Monthly performance report",
                recorded_by=officer,
            )
            for month, value in zip(months, _series(start, end, months, unit), strict=True)
        ]
        bulk_create_with_history(measurements, Measurement, default_user=officer, default_change_reason="Demo data")

    plan = ImprovementPlan(
        intervention=case, title="Children's services improvement plan 2023 to 2026", approved_on=D(2023, 4, 27)
    )
    save_with_history(plan, by=officer, reason="Demo data")
    for objective_position, (objective_label, title, actions) in enumerate(PLAN):
        objective = PlanObjective(plan=plan, label=objective_label, title=title, position=objective_position)
        save_with_history(objective, by=officer, reason="Demo data")
        for label, description, owner, due_on, status, rag in actions:
            save_with_history(
                PlanAction(
                    objective=objective,
                    label=label,
                    description=description,
                    owner=owner,
                    due_on=due_on,
                    status=status,
                    rag=rag,
                ),
                by=officer,
                reason="Demo data",
            )

    brazil = Person.objects.get(name="Eleanor Brazil")
    first = directions_services.issue_instruction(
        intervention=case,
        issued_by=brazil,
        by=commissioner,
        title="Present a workforce recruitment and retention plan",
        text="Present to the improvement board a plan to reduce the use of agency social workers and to recruit and keep permanent social workers and team managers.",
        issued_on=D(2023, 3, 20),
        due_on=D(2023, 5, 31),
        service_priority=priorities["i"],
    )
    for kind, text, user in [
        ("acknowledged", "The head of workforce development leads the council's response.", officer),
        ("submitted", "The plan was presented to the improvement board on 25 May 2023 and approved.", officer),
        ("accepted", "The plan meets the instruction. Progress will be tracked through the agency rate.", commissioner),
    ]:
        directions_services.respond_to_instruction(instruction=first, kind=kind, text=text, by=user)
    second = directions_services.issue_instruction(
        intervention=case,
        issued_by=brazil,
        by=commissioner,
        title="Hold child protection conferences face to face",
        text="Hold every initial and review child protection conference face to face unless the reason it cannot be is recorded.",
        issued_on=D(2023, 6, 5),
        due_on=D(2023, 9, 30),
        service_priority=priorities["iii"],
    )
    directions_services.respond_to_instruction(
        instruction=second, kind="acknowledged", text="The head of safeguarding and review leads.", by=officer
    )
    directions_services.respond_to_instruction(
        instruction=second,
        kind="submitted",
        text="Since September 2023 all conferences are face to face unless a reason is recorded.",
        by=officer,
    )
    third = directions_services.issue_instruction(
        intervention=case,
        issued_by=brazil,
        by=commissioner,
        title="Review every child in pre-proceedings",
        text="Review every child in the pre-proceedings stage of the Public Law Outline and report on drift and delay to the improvement board.",
        issued_on=today - datetime.timedelta(days=45),
        due_on=today + datetime.timedelta(days=20),
        service_priority=priorities["iv"],
    )
    directions_services.respond_to_instruction(
        instruction=third, kind="acknowledged", text="The head of legal practice leads.", by=officer
    )

    last_quarter_end = months[-1]
    quarter_start = (last_quarter_end.replace(day=1) - datetime.timedelta(days=62)).replace(day=1)
    for label, narrative, rag in [
        (
            "i",
            "Agency use is down to about a quarter of social workers; 14 permanent appointments this quarter.",
            "green",
        ),
        ("ii", "18 of 20 front-line team manager posts are permanent.", "amber"),
        ("iii", "Conferences are face to face unless a reason is recorded: 83% this quarter.", "green"),
        ("iv", "Fewer assessments end in no further action, but the rate is above target.", "amber"),
        ("v", "Children have fewer changes of social worker as the workforce stabilises.", "amber"),
        ("vi", "Half of audited cases are good or better; moderation shows grading is reliable.", "amber"),
        ("vii", "The SEND strategy is agreed; assessment timeliness is improving from a low base.", "red"),
    ]:
        progress.log_progress(
            intervention=case,
            by=officer,
            narrative=narrative,
            rag=rag,
            period_start=quarter_start,
            period_end=last_quarter_end,
            service_priority=priorities[label],
        )
