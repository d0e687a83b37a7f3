"""A realistic national dataset, for measuring the service at the scale DfE works at.

At scale 1: 60 interventions across England's local authorities in a realistic mix of stages,
each with 2 to 4 instruments (30+ clauses), 7 service priorities with 10 indicators of 60 monthly
values, 150 instructions with their responses, 3,000 progress updates, an 80-action improvement
plan, 8 reviews, about 35 reports with their versions, deadlines for 18 months, and 2,000 users
(1,980 with appointments, 20 DfE staff who see every case). Every statutory record is written with
its history, as editing would have made it: an instruction has a row for each status it passed
through, a plan action one for each review of its rating. Deterministic for a given seed.
Bulk-created: scale 1 loads in about three minutes."""

from __future__ import annotations

import calendar
import datetime
import itertools
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from directions.enums import Part
from directions.models import Clause, Instruction, InstructionResponse, Instrument, ReportingObligation, ServicePriority
from intervention.enums import Organisation, Role
from intervention.models import Appointment, Intervention, LocalAuthority, Person
from intervention.services import note_for_history
from reviews.enums import DeadlineStatus
from reviews.models import (
    Deadline,
    ImprovementPlan,
    Indicator,
    Measurement,
    PlanAction,
    PlanObjective,
    ProgressUpdate,
)
from reviews.models.reports import (
    DEFAULT_CLASSIFICATION,
    CabinetPaper,
    CouncilSections,
    Report,
    ReportKind,
    ReportVersion,
    VersionStatus,
)
from reviews.models.reviewing import Assessment, Review

GENERATED_MARKER = "Generated national data"
# Raised when the generator's output changes shape, so that `make bench` knows an old dataset.
DATASET_VERSION = 2
DATASET_LABEL = f"dataset version {DATASET_VERSION}"
GENERATED_EMAIL_DOMAIN = "generated.example"
REFUSED = (
    "This database holds {count} interventions that were not generated (for example real or demo cases). "
    "Generating national data here would mix fake cases in with them. Use an empty database, or pass --force."
)
D = datetime.date
BATCH = 5000

PRIORITIES = [
    "Reducing the number of agency social workers and increasing the numbers of permanent social workers",
    "Increasing the number of permanent front-line team managers",
    "Increasing the number of child protection case conferences and reviews held face to face",
    "Reducing the proportion of assessments that conclude no further action",
    "Children experiencing fewer changes in social worker",
    "Improving the quality of practice seen in audits",
    "Timely and effective multi-agency arrangements to ensure children are protected",
]
STAGES = ["improvement_notice"] * 18 + ["direction"] * 30 + ["revoked"] * 12
# The statuses an instruction passes through on its way to each status, after "issued".
INSTRUCTION_PATHS = {
    "issued": [],
    "acknowledged": ["acknowledged"],
    "in_progress": ["acknowledged", "in_progress"],
    "submitted": ["acknowledged", "in_progress", "submitted"],
    "complied": ["acknowledged", "in_progress", "submitted", "complied"],
    "withdrawn": ["acknowledged", "withdrawn"],
}
PER_CASE_PEOPLE = 33  # 2 overseers, 2 DfE staff, 29 council staff
NATIONAL_DFE_STAFF = 20


@dataclass(frozen=True)
class Volume:
    """How much each case holds: `of(1)` is the national dataset's; tests take a small share of it."""

    indicators_per_priority: int = 10
    months: int = 60
    instructions: int = 150
    actions_per_objective: int = 10
    progress_updates: int = 3000
    reviews: int = 8

    @classmethod
    def of(cls, share: float) -> Volume:
        months = max(12, round(60 * share))
        return cls(
            indicators_per_priority=max(1, round(10 * share)),
            months=months,
            instructions=max(8, round(150 * share)),
            actions_per_objective=max(1, round(10 * share)),
            progress_updates=max(10, round(3000 * share)),
            reviews=min(months // 3, max(2, round(8 * share))),
        )


@dataclass
class Counts:
    interventions: int = 0
    users: int = 0
    instruments: int = 0
    clauses: int = 0
    instructions: int = 0
    responses: int = 0
    progress_updates: int = 0
    measurements: int = 0
    actions: int = 0
    reviews: int = 0
    reports: int = 0
    report_versions: int = 0
    history_rows: int = 0


def real_case_count() -> int:
    return Intervention.objects.exclude(summary__startswith=GENERATED_MARKER).count()


def _bulk(model: type, objects: list, user: Any) -> list:
    """Create with a history row each (simple-history's bulk helper), in batches."""
    created = []
    for start in range(0, len(objects), BATCH):
        created += bulk_create_with_history(
            objects[start : start + BATCH], model, default_user=user, default_change_reason="Generated"
        )
    return created


def _record_changes(model: Any, objects: list, user: Any, reason: str, when: datetime.datetime | None = None) -> int:
    """One "changed" history row per object, with each object's fields as they are now. (`model` is
    Any: its `history` manager is simple-history's, which the stubs do not know.)"""
    for start in range(0, len(objects), BATCH):
        model.history.bulk_history_create(
            objects[start : start + BATCH],
            update=True,
            default_user=user,
            default_change_reason=reason,
            default_date=when,
        )
    return len(objects)


def _month_end(year: int, month: int) -> datetime.date:
    return D(year, month, calendar.monthrange(year, month)[1])


def _months_back(today: datetime.date, count: int) -> list[datetime.date]:
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(_month_end(year, month))
    return months[::-1]


def generate(
    *,
    scale: float = 1.0,
    seed: int = 1,
    today: datetime.date | None = None,
    by: Any = None,
    volume: float | Volume = 1.0,
) -> Counts:
    """Generate the dataset: `scale` sets how many cases (60 at 1), `volume` how much each holds (the
    figures above at 1). The caller checks `real_case_count()` first."""
    rng = random.Random(seed)  # noqa: S311 - the data need be repeatable, not secret
    today = today or datetime.date.today()
    per_case = volume if isinstance(volume, Volume) else Volume.of(volume)
    counts = Counts()
    cases_wanted = max(1, round(60 * scale))
    taken = set(Intervention.objects.values_list("local_authority_id", flat=True))
    authorities = [la for la in LocalAuthority.objects.order_by("dfe_code") if la.pk not in taken]
    rng.shuffle(authorities)
    # Beyond one case an authority (153), authorities take a second and later intervention: a
    # national service accumulates them over the years.
    authorities = (authorities * -(-cases_wanted // max(1, len(authorities))))[:cases_wanted]
    password = make_password(None)  # unusable: generated people cannot sign in until given a password

    with transaction.atomic():
        User = get_user_model()
        per_case_people = PER_CASE_PEOPLE
        users = [
            User(
                username=f"user{case}-{n}@{GENERATED_EMAIL_DOMAIN}",
                email=f"user{case}-{n}@{GENERATED_EMAIL_DOMAIN}",
                first_name=f"Person{n}",
                last_name=f"Case{case}",
                password=password,
                # Commissioners, advisers and DfE staff work in the admin screens.
                is_staff=n < 4,
            )
            for case in range(len(authorities))
            for n in range(per_case_people)
        ]
        national = [
            User(
                username=f"dfe{n}@{GENERATED_EMAIL_DOMAIN}",
                email=f"dfe{n}@{GENERATED_EMAIL_DOMAIN}",
                first_name=f"Staff{n}",
                last_name="DfE",
                password=password,
                is_staff=True,
            )
            for n in range(max(1, round(NATIONAL_DFE_STAFF * scale)))
        ]
        users = User.objects.bulk_create(users, batch_size=BATCH)  # no history: auth users keep none
        national = User.objects.bulk_create(national, batch_size=BATCH)  # no history: auth users keep none
        counts.users = len(users) + len(national)

        cases = []
        for index, authority in enumerate(authorities):
            stage = STAGES[index % len(STAGES)]
            opened = D(rng.randint(2016, 2023), rng.randint(1, 12), rng.randint(1, 28))
            closed = (opened + datetime.timedelta(days=rng.randint(700, 1500))) if stage == "revoked" else None
            if closed and closed >= today:
                closed = today - datetime.timedelta(days=30)
            cases.append(
                Intervention(
                    local_authority=authority,
                    opened_on=opened,
                    closed_on=closed,
                    summary=f"{GENERATED_MARKER} (seed {seed}, {DATASET_LABEL}): {stage.replace('_', ' ')}",
                )
            )
        cases = _bulk(Intervention, cases, by)
        counts.interventions = len(cases)

        people, appointments = [], []
        roles = [
            Role.COMMISSIONER,
            Role.IMPROVEMENT_ADVISER,
            Role.DFE_CASE_LEAD,
            Role.DFE_CONTRACT_MANAGER,
            Role.DIRECTOR_OF_CHILDRENS_SERVICES,
        ]
        for case_index, case in enumerate(cases):
            case_users = users[case_index * per_case_people : (case_index + 1) * per_case_people]
            for n, user in enumerate(case_users):
                local_authority: LocalAuthority | None  # a council's own people only
                if n < 2:
                    organisation, local_authority = Organisation.INDEPENDENT, None
                elif n < 4:
                    organisation, local_authority = Organisation.DFE, None
                else:
                    organisation, local_authority = Organisation.COUNCIL, case.local_authority
                people.append(
                    Person(
                        name=f"{user.first_name} {user.last_name}",
                        organisation=organisation,
                        local_authority=local_authority,
                        email=user.email,
                        user=user,
                    )
                )
        people = _bulk(Person, people, by)
        _bulk(
            Person,
            [
                Person(
                    name=f"{user.first_name} {user.last_name}",
                    organisation=Organisation.DFE,
                    email=user.email,
                    user=user,
                )
                for user in national
            ],
            by,
        )
        for case_index, case in enumerate(cases):
            case_people = people[case_index * per_case_people : (case_index + 1) * per_case_people]
            for role, person in zip(roles, [*case_people[:4], case_people[4]], strict=True):
                appointments.append(Appointment(person=person, intervention=case, role=role, starts_on=case.opened_on))
            for person in case_people[5:]:
                appointments.append(
                    Appointment(person=person, intervention=case, role=Role.COUNCIL_OFFICER, starts_on=case.opened_on)
                )
        _bulk(Appointment, appointments, by)

        for case_index, case in enumerate(cases):
            case_people = people[case_index * per_case_people : (case_index + 1) * per_case_people]
            commissioner, officer = case_people[0], case_people[5]
            _generate_case(rng, case, commissioner, officer, today, counts, by, per_case)
    return counts


def _generate_case(
    rng: random.Random,
    case: Intervention,
    commissioner: Person,
    officer: Person,
    today: datetime.date,
    counts: Counts,
    by: Any,
    volume: Volume,
) -> None:
    stage = case.summary.rsplit(": ", 1)[-1]
    instrument_count = rng.randint(2, 4)
    issued = [case.opened_on + datetime.timedelta(days=200 * n) for n in range(instrument_count)]
    issued = [day for day in issued if day < (case.closed_on or today)] or [case.opened_on]
    instruments = []
    for n, issued_on in enumerate(issued):
        notice = stage == "improvement_notice" or n == 0
        instruments.append(
            Instrument(
                intervention=case,
                kind="improvement_notice" if notice else "statutory_direction",
                legal_basis="non_statutory" if notice else "497A(4B)",
                title=("Improvement notice" if notice else "Statutory direction")
                + f" to {case.local_authority.council_name}",
                addressed_to=case.local_authority.council_name,
                issued_on=issued_on,
                signed_by_name="A Senior Civil Servant",
                signed_by_title="A Senior Civil Servant in the Department for Education",
                status="issued",
            )
        )
    instruments = _bulk(Instrument, instruments, by)
    # Each revised instrument revokes the one before; a closed case's last one is revoked at closure.
    for earlier, later in itertools.pairwise(instruments):
        earlier.revoked_on = later.issued_on
        earlier.revocation_note = f"Revoked by the instrument of {later.issued_on:%-d %B %Y}"
    if case.closed_on:
        instruments[-1].revoked_on = case.closed_on
        instruments[-1].revocation_note = "Intervention ended"
    Instrument.objects.bulk_update(
        instruments, ["revoked_on", "revocation_note"]
    )  # no history: generated rows, history written at creation
    counts.instruments += len(instruments)

    for instrument in instruments:
        assert instrument.issued_on is not None  # generated as issued
        top = _bulk(
            Clause,
            [
                Clause(instrument=instrument, part=Part.RECITAL, label=str(n), position=n, text=f"Recital {n}.")
                for n in range(1, 7)
            ]
            + [
                Clause(instrument=instrument, part=Part.OPERATIVE, label=str(n), position=n, text=f"Direction {n}.")
                for n in range(7, 11)
            ]
            + [
                Clause(
                    instrument=instrument,
                    part=Part.TERMS_OF_REFERENCE,
                    label=str(n),
                    position=n,
                    text=f"Step {n} of the terms of reference.",
                )
                for n in range(1, 13)
            ],
            by,
        )
        seven = next(c for c in top if c.part == Part.OPERATIVE and c.label == "7")
        subs = _bulk(
            Clause,
            [
                Clause(instrument=instrument, parent=seven, label=letter, position=i, text=f"To {letter}.")
                for i, letter in enumerate("abcde")
            ],
            by,
        )
        _bulk(
            Clause,
            [
                Clause(instrument=instrument, parent=subs[1], label=roman, position=i, text=f"access {roman}.")
                for i, roman in enumerate(["i", "ii", "iii"])
            ],
            by,
        )
        counts.clauses += len(top) + 8
        obligations = [
            ReportingObligation(
                instrument=instrument,
                what="Evidence of progress",
                deliverer="commissioner",
                recipient="dfe",
                cadence="every_n_months",
                interval=3,
                anchor_on=instrument.issued_on,
            ),
            ReportingObligation(
                instrument=instrument,
                what="Highlight report",
                deliverer="commissioner",
                recipient="dfe_contract_manager",
                report_kind="highlight",
                cadence="every_n_weeks",
                interval=6,
                anchor_on=instrument.issued_on,
            ),
            ReportingObligation(
                instrument=instrument,
                what="Formal review",
                deliverer="commissioner",
                recipient="minister",
                report_kind="progress",
                cadence="once_then_every",
                first_after=6,
                interval=6,
                anchor_on=instrument.issued_on,
            ),
            ReportingObligation(
                instrument=instrument,
                what="Options analysis",
                deliverer="council",
                recipient="dfe",
                cadence="fixed_date",
                due_on=instrument.issued_on + datetime.timedelta(days=100),
            ),
        ]
        _bulk(ReportingObligation, obligations, by)

    latest = instruments[-1]
    priorities = _bulk(
        ServicePriority,
        [
            ServicePriority(instrument=latest, label=r, position=i, title=t, short_name=t[:60])
            for i, (r, t) in enumerate(zip(["i", "ii", "iii", "iv", "v", "vi", "vii"], PRIORITIES, strict=True))
        ],
        by,
    )
    indicators = _bulk(
        Indicator,
        [
            Indicator(
                service_priority=p,
                name=f"Indicator {n + 1} of priority {p.label}",
                unit="percent",
                direction=rng.choice(["higher", "lower"]),
                target=Decimal(rng.randint(20, 80)),
                position=n,
            )
            for p in priorities
            for n in range(volume.indicators_per_priority)
        ],
        by,
    )
    months = _months_back(today, volume.months)
    recorder = officer.user
    measurements = [
        Measurement(
            indicator=indicator,
            period_end=month,
            value=Decimal(rng.randint(0, 1000)) / 10,
            source_note="Monthly return",
            recorded_by=recorder,
        )
        for indicator in indicators
        for month in months
    ]
    _bulk(Measurement, measurements, recorder)
    counts.measurements += len(measurements)

    commissioner_user = commissioner.user
    statuses = ["issued", "acknowledged", "in_progress", "submitted", "complied", "complied", "complied", "withdrawn"]
    instructions, final_statuses = [], []
    for n in range(volume.instructions):
        issued_on = case.opened_on + datetime.timedelta(
            days=rng.randint(0, max(1, ((case.closed_on or today) - case.opened_on).days))
        )
        final_statuses.append(rng.choice(statuses))
        instruction = Instruction(
            intervention=case,
            number=n + 1,
            issued_by=commissioner,
            title=f"Instruction {n + 1}",
            text="Do what is needed for children.",
            issued_on=issued_on,
            due_on=issued_on + datetime.timedelta(days=rng.randint(14, 120)),
            service_priority=rng.choice(priorities),
            priority=rng.choice(["high", "medium", "low"]),
            status="issued",
        )
        note_for_history(instruction, at=_moment(issued_on))
        instructions.append(instruction)
    instructions = _bulk(Instruction, instructions, commissioner_user)
    # Each status the instruction passed through is a change in its history, by the council or
    # (accepting or withdrawing) the commissioner, a week or two apart.
    for step in range(max(len(path) for path in INSTRUCTION_PATHS.values())):
        moving = []
        for instruction, final in zip(instructions, final_statuses, strict=True):
            path = INSTRUCTION_PATHS[final]
            if step < len(path):
                instruction.status = path[step]
                note_for_history(
                    instruction,
                    by=commissioner_user if path[step] in ("complied", "withdrawn") else recorder,
                    at=_moment(instruction.issued_on + datetime.timedelta(days=10 * (step + 1))),
                )
                moving.append(instruction)
        counts.history_rows += _record_changes(Instruction, moving, recorder, "Status changed")
    Instruction.objects.bulk_update(instructions, ["status"])  # no history: each step was written above
    responses = []
    for instruction in instructions:
        if instruction.status != "issued":
            responses.append(
                InstructionResponse(instruction=instruction, kind="acknowledged", text="Acknowledged.", by=recorder)
            )
        if instruction.status in ("submitted", "complied"):
            responses.append(
                InstructionResponse(instruction=instruction, kind="submitted", text="Done, with evidence.", by=recorder)
            )
        if instruction.status == "complied":
            responses.append(
                InstructionResponse(instruction=instruction, kind="accepted", text="Accepted.", by=commissioner_user)
            )
    _bulk(InstructionResponse, responses, recorder)
    counts.instructions += len(instructions)
    counts.responses += len(responses)

    plan = _bulk(
        ImprovementPlan,
        [ImprovementPlan(intervention=case, title="Improvement plan", approved_on=case.opened_on)],
        recorder,
    )[0]
    objectives = _bulk(
        PlanObjective,
        [PlanObjective(plan=plan, label=str(n), title=f"Objective {n}", position=n) for n in range(1, 9)],
        recorder,
    )
    actions = _bulk(
        PlanAction,
        [
            PlanAction(
                objective=objective,
                label=str(n),
                description=f"Action {n} of objective {objective.label}",
                owner="Head of service",
                due_on=today + datetime.timedelta(days=rng.randint(-400, 400)),
                status=rng.choice(["not_started", "in_progress", "complete", "blocked"]),
                rag=rng.choice(["red", "amber", "green"]),
            )
            for objective in objectives
            for n in range(1, volume.actions_per_objective + 1)
        ],
        recorder,
    )
    counts.actions += len(actions)
    # Each action's rating was reviewed twice since the plan was approved: two changes in its history.
    finals = [(action.status, action.rag) for action in actions]
    for action in actions:
        action.rag = rng.choice(["red", "amber", "green"])
        action.version = 2
    counts.history_rows += _record_changes(PlanAction, actions, recorder, "Rating reviewed")
    for action, (status, rag) in zip(actions, finals, strict=True):
        action.status, action.rag, action.version = status, rag, 3
    counts.history_rows += _record_changes(PlanAction, actions, recorder, "Rating reviewed")
    PlanAction.objects.bulk_update(actions, ["rag", "version"])  # no history: each change was written above

    subjects: list[dict[str, Any]] = [{"service_priority": p} for p in priorities] + [
        {"plan_action": a} for a in actions[:20]
    ]
    updates = []
    for n in range(volume.progress_updates):
        end = months[n % len(months)]
        updates.append(
            ProgressUpdate(
                intervention=case,
                narrative=f"Progress update {n}.",
                rag=rng.choice(["red", "amber", "green"]),
                period_start=end.replace(day=1),
                period_end=end,
                author=recorder,
                **subjects[n % len(subjects)],
            )
        )
    _bulk(ProgressUpdate, updates, recorder)
    counts.progress_updates += len(updates)

    reviews = _bulk(
        Review,
        [
            Review(
                intervention=case,
                kind="quarterly_evidence",
                period_start=months[-(n + 1) * 3],
                period_end=months[-n * 3 - 1],
                held_on=months[-n * 3 - 1] + datetime.timedelta(days=10)
                if months[-n * 3 - 1] + datetime.timedelta(days=10) <= today
                else today,
                summary="Progress reviewed.",
                sufficient_progress=rng.choice([True, False]),
                status="held",
                created_by=commissioner_user,
            )
            for n in range(volume.reviews)
        ],
        commissioner_user,
    )
    _bulk(
        Assessment,
        [
            Assessment(
                review=review,
                service_priority=p,
                position=i,
                rag=rng.choice(["red", "amber", "green"]),
                narrative="Assessed.",
            )
            for review in reviews
            for i, p in enumerate(priorities)
        ],
        commissioner_user,
    )
    counts.reviews += len(reviews)
    _generate_reports(rng, case, instruments, reviews, commissioner_user, today, counts)


def _moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)


def _generate_reports(
    rng: random.Random, case: Intervention, instruments: list, reviews: list, author: Any, today, counts: Counts
) -> None:
    """The reports of the last two years, as a case produces them: six-weekly highlight reports,
    quarterly updates to the Minister, a progress report per review, two cabinet reports, and a
    copy of each instrument; each with one or two generated versions."""
    end = case.closed_on or today
    start = max(case.opened_on, end - datetime.timedelta(days=730))
    council = case.local_authority.council_name
    reports: list[Report] = []

    def add(kind: str, title: str, period_start=None, period_end=None, **fields: Any) -> None:
        report = Report(
            intervention=case,
            kind=kind,
            title=title,
            period_start=period_start,
            period_end=period_end,
            classification=DEFAULT_CLASSIFICATION[kind],
            created_by=author,
            created_at=_moment(min((period_end or start) + datetime.timedelta(days=7), today)),
            **fields,
        )
        note_for_history(report, at=report.created_at)
        reports.append(report)

    day = start
    while day + datetime.timedelta(weeks=6) <= end:
        add(ReportKind.HIGHLIGHT, f"Highlight report: {council}", day, day + datetime.timedelta(weeks=6, days=-1))
        day += datetime.timedelta(weeks=6)
    day = start
    while day + datetime.timedelta(days=91) <= end:
        add(ReportKind.MINISTERIAL_UPDATE, f"Update to the Minister: {council}", day, day + datetime.timedelta(days=90))
        day += datetime.timedelta(days=91)
    for review in reviews:
        add(ReportKind.PROGRESS, f"Progress report: {council}", review.period_start, review.period_end, review=review)
    for review in reviews[:2]:
        add(ReportKind.CABINET, f"Cabinet report: {council}", review.period_start, review.period_end, review=review)
    for instrument in instruments:
        add(ReportKind.INSTRUMENT, instrument.title, instrument=instrument)
    reports = _bulk(Report, reports, author)
    _bulk(
        CabinetPaper,
        [
            CabinetPaper(
                report=report,
                meeting_date=report.period_end + datetime.timedelta(days=30),
                report_by="Cabinet member children and young people",
                report_author="Director of children's services",
                purpose="To update cabinet on the progress of the intervention.",
                recommendations="Cabinet notes the progress made.\nCabinet notes the commissioner's findings.",
                alternative_options="None: the report is for information.",
                community_impact="Better services for children and families.",
                environmental_impact="None.",
                equality_duty="No adverse effect on people with protected characteristics.",
                risk_management="Risks are in the improvement plan's register.",
                consultees="None.",
            )
            for report in reports
            if report.kind == ReportKind.CABINET and report.period_end is not None  # always: its review's
        ],
        author,
    )
    if any(report.kind == ReportKind.CABINET for report in reports):
        CouncilSections.objects.get_or_create(
            local_authority=case.local_authority,
            defaults={
                "resource_implications": "Within the agreed budget.",
                "legal_implications": "The council must comply with the statutory direction.",
            },
        )
    versions = []
    for report in reports:
        for number in range(1, rng.randint(1, 2) + 1):
            requested = report.created_at + datetime.timedelta(days=number - 1)
            versions.append(
                ReportVersion(
                    report=report,
                    number=number,
                    status=VersionStatus.READY,
                    requested_by=author,
                    requested_at=requested,
                    started_at=requested,
                    finished_at=requested + datetime.timedelta(seconds=4),
                    attempts=1,
                    body_html=f"<h2>{report.title}</h2><p>Generated national data.</p>",
                    filename=f"report-{report.pk}-v{number}.pdf",
                    content_type="application/pdf",
                    size=rng.randint(60_000, 400_000),
                    sha256=f"{rng.getrandbits(256):064x}",
                )
            )
    _bulk(ReportVersion, versions, author)
    counts.reports += len(reports)
    counts.report_versions += len(versions)


def meet_past_deadlines(*, seed: int = 1, today: datetime.date | None = None, share: float = 0.9) -> int:
    """Most of a real case's past deadlines were met, a few days either side of the date; the rest
    stay overdue. Run after the deadlines are materialised. Returns how many were marked met."""
    rng = random.Random(seed)  # noqa: S311 - the data need be repeatable, not secret
    today = today or datetime.date.today()
    past = Deadline.objects.filter(
        intervention__summary__startswith=GENERATED_MARKER,
        status=DeadlineStatus.OPEN,
        computed_on__lt=today - datetime.timedelta(days=14),
    ).order_by("pk")
    met = []
    for deadline in past:
        if rng.random() < share:
            deadline.status = DeadlineStatus.MET
            deadline.met_on = min(deadline.computed_on + datetime.timedelta(days=rng.randint(-5, 5)), today)
            deadline.met_note = "Delivered."
            note_for_history(deadline, at=_moment(deadline.met_on))
            met.append(deadline)
    with transaction.atomic():
        Deadline.objects.bulk_update(
            met, ["status", "met_on", "met_note"], batch_size=BATCH
        )  # no history: written just below
        _record_changes(Deadline, met, None, "Met: Delivered.")
    return len(met)
