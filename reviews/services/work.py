"""What is waiting for each person ("Your work"), and what changed on a case since they last opened it.

The work comes from the person's access (intervention.permissions.access_for): the roles they hold on each
case today, and, for council staff, their council's cases. Each kind of work is one query, whatever the
number of cases or records; the header's count (`work_count`) is one query of counts.

- plans to agree, due-date moves to decide, instructions to accept or return: the commissioner and the
  advisers (ISSUE_INSTRUCTIONS) of the case;
- instructions to respond to: the council (its staff, and council roles appointed to the case);
- reports to sign off: the person appointed in the report's signatory role, once its latest version is ready;
- deadlines they deliver, overdue or due in the next 30 days: the people holding the deadline's delivering role;
- notices not yet read (intervention.notices).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from directions.enums import Deliverer, InstructionStatus
from directions.models import Instruction
from intervention.enums import COUNCIL_ROLES, DFE_ROLES, OVERSEEING_ROLES, Role
from intervention.models import CaseVisit, Intervention, Notice, Person
from intervention.permissions import Access, access_for
from reviews.enums import MoveStatus, PlanStatus
from reviews.models import Deadline, DueDateMove, ImprovementPlan, Report, ReportVersion, VersionStatus

DEADLINE_WINDOW = datetime.timedelta(days=30)
RESPOND_STATUSES = (InstructionStatus.ISSUED, InstructionStatus.ACKNOWLEDGED, InstructionStatus.IN_PROGRESS)

# The role that delivers a deadline, by the roles a person holds (reviews.services.deadlines.DELIVERER_ROLES
# read the other way).
DELIVERERS_BY_ROLE: dict[str, str] = {
    **dict.fromkeys(COUNCIL_ROLES, Deliverer.COUNCIL),
    Role.COMMISSIONER: Deliverer.COMMISSIONER,
    Role.IMPROVEMENT_ADVISER: Deliverer.ADVISER,
    Role.INTERVENTION_ADVISER: Deliverer.ADVISER,
    Role.IMPROVEMENT_BOARD_CHAIR: Deliverer.BOARD_CHAIR,
    **dict.fromkeys(DFE_ROLES, Deliverer.DFE),
}


class SubqueryCount(Subquery):
    """COUNT(*) of a queryset, as a column of another query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


@dataclass(frozen=True)
class Scope:
    """The cases on which a person does each kind of work, as filters on a case id."""

    person_id: int | None
    overseen: tuple[int, ...]  # cases where they agree, accept and return (commissioner, adviser)
    council: Q  # cases where they respond for the council, as a filter on an Intervention
    roles: dict[int, frozenset[str]]  # roles by case, for signatories and deadlines
    local_authority_id: int | None

    @property
    def empty(self) -> bool:
        return self.person_id is None and not self.roles


def scope_for(user: Any) -> Scope:
    access: Access = access_for(user)
    roles = {pk: frozenset(r) for pk, r in access.roles.items()}
    council_cases = sorted(pk for pk, r in roles.items() if r & COUNCIL_ROLES)
    council = Q(pk__in=council_cases)
    if access.local_authority_id is not None:
        council |= Q(local_authority_id=access.local_authority_id)
    elif not council_cases:
        council = Q(pk__in=[])
    return Scope(
        person_id=access.person_id,
        overseen=tuple(sorted(pk for pk, r in roles.items() if r & OVERSEEING_ROLES)),
        council=council,
        roles=roles,
        local_authority_id=access.local_authority_id,
    )


def _open_cases(condition: Q) -> QuerySet[Intervention]:
    return Intervention.objects.filter(condition, closed_on__isnull=True)


def plans_to_agree(scope: Scope) -> QuerySet[ImprovementPlan]:
    submitted_at = ImprovementPlan.history.model.objects.filter(id=OuterRef("pk")).order_by("-history_date")
    return (
        ImprovementPlan.objects.filter(
            status=PlanStatus.SUBMITTED, intervention__in=_open_cases(Q(pk__in=scope.overseen))
        )
        .annotate(since=Subquery(submitted_at.values("history_date")[:1]))
        .order_by("since", "pk")
    )


def moves_to_decide(scope: Scope) -> QuerySet[DueDateMove]:
    return DueDateMove.objects.filter(
        status=MoveStatus.PENDING,
        action__objective__plan__intervention__in=_open_cases(Q(pk__in=scope.overseen)),
    ).order_by("requested_at", "pk")


def instructions_to_answer(scope: Scope) -> QuerySet[Instruction]:
    """Submitted as complied: for the commissioner or adviser to accept or return."""
    return Instruction.objects.filter(
        status=InstructionStatus.SUBMITTED, intervention__in=_open_cases(Q(pk__in=scope.overseen))
    ).order_by("due_on", "pk")


def instructions_to_respond_to(scope: Scope) -> QuerySet[Instruction]:
    return Instruction.objects.filter(
        status__in=RESPOND_STATUSES, intervention__in=_open_cases(scope.council)
    ).order_by("due_on", "pk")


def reports_to_sign(scope: Scope) -> QuerySet[Report]:
    signatory = Q(pk__in=[])
    for case_id, roles in sorted(scope.roles.items()):
        signatory |= Q(intervention_id=case_id, signatory_role__in=sorted(roles))
    latest = ReportVersion.objects.filter(report=OuterRef("pk")).order_by("-number")
    return (
        Report.objects.filter(signatory, intervention__closed_on__isnull=True)
        .exclude(versions__is_final=True)
        .annotate(
            latest_status=Subquery(latest.values("status")[:1]),
            latest_number=Subquery(latest.values("number")[:1]),
            since=Subquery(latest.values("finished_at")[:1]),
        )
        .filter(latest_status=VersionStatus.READY)
        .order_by("since", "pk")
    )


def deadlines_to_deliver(scope: Scope, *, today: datetime.date | None = None) -> QuerySet[Deadline]:
    """Open deadlines the person's roles deliver, overdue or due within 30 days, soonest (most overdue) first."""
    today = today or timezone.localdate()
    delivers = Q(pk__in=[])
    for case_id, roles in sorted(scope.roles.items()):
        deliverers = sorted({DELIVERERS_BY_ROLE[role] for role in roles if role in DELIVERERS_BY_ROLE})
        delivers |= Q(intervention_id=case_id, deliverer__in=deliverers)
    if scope.local_authority_id is not None:
        delivers |= Q(intervention__local_authority_id=scope.local_authority_id, deliverer=Deliverer.COUNCIL)
    return (
        Deadline.objects.open()
        .with_due_on()
        .filter(delivers, intervention__closed_on__isnull=True, effective_due_on__lte=today + DEADLINE_WINDOW)
        .order_by("effective_due_on", "pk")
    )


def unread_notices(scope: Scope) -> QuerySet[Notice]:
    """Notices for information not yet read (a notice asking for an act is answered by the act, which the
    other lists show while it waits)."""
    return Notice.objects.filter(person_id=scope.person_id or -1, read_at__isnull=True, asks=False).order_by(
        "created_at", "pk"
    )


def work_count(user: Any) -> int:
    """How many things wait for the person: one query (after the access the page has already worked out)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    scope = scope_for(user)
    if scope.empty:
        return 0
    parts = {
        "plans": plans_to_agree(scope),
        "moves": moves_to_decide(scope),
        "answer": instructions_to_answer(scope),
        "respond": instructions_to_respond_to(scope),
        "reports": reports_to_sign(scope),
        "deadlines": deadlines_to_deliver(scope),
        "notices": unread_notices(scope),
    }
    counts = (
        Person.objects.filter(pk=scope.person_id or -1)
        .annotate(**{f"count_{name}": SubqueryCount(qs.order_by().values("pk")) for name, qs in parts.items()})
        .values(*(f"count_{name}" for name in parts))
        .first()
    )
    return sum(value or 0 for value in counts.values()) if counts else 0  # an empty scope counts as NULL


@dataclass
class Item:
    case: Intervention
    what: str
    link: str
    when: str  # in words: "submitted 3 March 2026", "due 1 April 2026 (overdue)"
    overdue: bool = False
    notice: Notice | None = None


@dataclass
class Group:
    key: str
    heading: str
    items: list[Item] = field(default_factory=list)


def _on(moment: datetime.datetime | datetime.date | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment).date()
    return f"{moment:%-d %B %Y}"


def work_for(user: Any, *, today: datetime.date | None = None) -> list[Group]:
    """Everything waiting for the person, in groups, oldest first within each. A query a group."""
    today = today or timezone.localdate()
    scope = scope_for(user)
    groups = [
        Group("notices", "Notices"),
        Group("plans", "Improvement plans to agree"),
        Group("moves", "Due-date moves to agree or refuse"),
        Group("answer", "Instructions to accept or return"),
        Group("respond", "Instructions to respond to"),
        Group("reports", "Reports to sign off"),
        Group("deadlines", "Deadlines you deliver: overdue or due in the next 30 days"),
    ]
    if scope.empty:
        return groups
    by_key = {group.key: group for group in groups}
    for notice in unread_notices(scope).select_related("intervention__local_authority"):
        by_key["notices"].items.append(
            Item(notice.intervention, notice.what, notice.link, f"sent {_on(notice.created_at)}", notice=notice)
        )
    for plan in plans_to_agree(scope).select_related("intervention__local_authority"):
        link = reverse("plan_agree", args=[plan.intervention_id, plan.pk])
        by_key["plans"].items.append(
            Item(plan.intervention, plan.title, link, f"submitted {_on(getattr(plan, 'since', None))}")
        )
    for move in moves_to_decide(scope).select_related(
        "action__objective__plan__intervention__local_authority", "requested_by"
    ):
        case = move.action.objective.plan.intervention
        what = f"Action {move.action.label}: {move.from_on:%-d %B %Y} to {move.to_on:%-d %B %Y}"
        link = reverse("move_decide", args=[case.pk, move.pk])
        by_key["moves"].items.append(Item(case, what, link, f"asked {_on(move.requested_at)}"))
    for key, instructions in (
        ("answer", instructions_to_answer(scope)),
        ("respond", instructions_to_respond_to(scope)),
    ):
        for instruction in instructions.select_related("intervention__local_authority"):
            link = reverse("instruction_detail", args=[instruction.intervention_id, instruction.pk])
            overdue = instruction.due_on < today
            when = f"due {_on(instruction.due_on)}" + (" (overdue)" if overdue else "")
            what = f"{instruction.reference}: {instruction.title}"
            by_key[key].items.append(Item(instruction.intervention, what, link, when, overdue=overdue))
    for report in reports_to_sign(scope).select_related("intervention__local_authority"):
        number = getattr(report, "latest_number", 0)
        link = reverse("report_sign_off", kwargs={"pk": report.pk, "number": number})
        what = f"{report.title} (version {number})"
        by_key["reports"].items.append(
            Item(report.intervention, what, link, f"ready {_on(getattr(report, 'since', None))}")
        )
    for deadline in deadlines_to_deliver(scope, today=today).select_related("intervention__local_authority"):
        assert deadline.intervention is not None  # filtered on the case
        overdue = deadline.due_on < today
        when = f"due {_on(deadline.due_on)}" + (" (overdue)" if overdue else "")
        by_key["deadlines"].items.append(
            Item(deadline.intervention, deadline.what, deadline.get_absolute_url(), when, overdue=overdue)
        )
    return groups


# --- What changed since the person's last visit ------------------------------------------------------


@dataclass
class Change:
    what: str
    who: str
    when: datetime.datetime
    link: str


@dataclass
class SinceLastVisit:
    since: datetime.datetime | None  # None: the person's first visit
    changes: list[Change] = field(default_factory=list)
    more: int = 0  # changes beyond those listed


SHOWN_CHANGES = 20


def _who(record: Any) -> str:
    user = record.history_user
    if user is None:
        return "The service"
    person = getattr(user, "person", None)
    return (person.name if person else "") or user.get_full_name() or user.username


def _history_sources(case: Intervention) -> Iterable[tuple[Any, Q, Any]]:
    """Each history table read for "what changed", the filter to this case, and how a record reads."""
    from directions.models import Instruction, InstructionResponse
    from reviews.models import Measurement, PlanAction, ProgressUpdate, Review

    def instruction_link(instruction_id: int) -> str:
        return reverse("instruction_detail", args=[case.pk, instruction_id])

    yield (
        ProgressUpdate,
        Q(service_priority__instrument__intervention=case),
        lambda r: (
            f"Progress update: {r.get_rag_display()} ({r.history_change_reason or 'recorded'})"
            if r.history_type == "+"
            else f"Progress update changed: {r.history_change_reason or 'corrected'}",
            reverse("update_detail", args=[case.pk, r.id]),
        ),
    )
    yield (
        Instruction,
        Q(intervention=case),
        lambda r: (
            f"Instruction {r.number}: {r.history_change_reason or r.get_status_display()}"[:200],
            instruction_link(r.id),
        ),
    )
    yield (
        InstructionResponse,
        Q(instruction__intervention=case),
        lambda r: (f"Instruction answered: {r.get_kind_display()}", instruction_link(r.instruction_id)),
    )
    yield (
        Review,
        Q(intervention=case),
        lambda r: (
            f"Review: {r.history_change_reason or r.get_status_display()}",
            reverse("review_detail", args=[r.id]),
        ),
    )
    yield (
        ReportVersion,
        Q(report__intervention=case),
        lambda r: (
            f"Report version {r.number}: {r.history_change_reason or r.get_status_display()}",
            reverse("report_detail", args=[r.report_id]),
        ),
    )
    yield (
        ImprovementPlan,
        Q(intervention=case),
        lambda r: (
            f"Improvement plan: {r.history_change_reason or 'changed'}",
            reverse("plan_detail", args=[case.pk, r.id]),
        ),
    )
    yield (
        PlanAction,
        Q(objective__plan__intervention=case),
        lambda r: (
            f"Plan action {r.label}: {r.history_change_reason or 'changed'}"[:200],
            reverse("plan_action", args=[case.pk, r.id]),
        ),
    )
    yield (
        Measurement,
        Q(indicator__service_priority__instrument__intervention=case),
        lambda r: (
            f"Indicator value for {r.period_end:%B %Y}: {r.history_change_reason or 'recorded'}",
            reverse("indicator_detail", args=[case.pk, r.indicator_id]),
        ),
    )
    yield (
        Deadline,
        Q(intervention=case),
        lambda r: (
            f"Deadline: {r.what[:80]}: {r.history_change_reason or r.get_status_display()}"[:200],
            reverse("case_deadlines", args=[case.pk]),
        ),
    )


def changes_since(case: Intervention, user: Any, since: datetime.datetime | None) -> SinceLastVisit:
    """What other people changed on the case since `since`, newest first, from the history tables: a
    query per table (each bounded), whatever the number of records."""
    result = SinceLastVisit(since=since)
    if since is None:
        return result
    found: list[Change] = []
    total = 0
    for model, to_case, reads in _history_sources(case):
        history = model.history.model.objects
        live_ids = model.objects.filter(to_case).values("pk")
        records = (
            history.filter(history_date__gt=since, id__in=live_ids)
            .exclude(history_user=user)
            .select_related("history_user__person")
            .order_by("-history_date")
        )
        rows = list(records[: SHOWN_CHANGES + 1])
        total += len(rows)
        for record in rows:
            what, link = reads(record)
            found.append(Change(what=what, who=_who(record), when=record.history_date, link=link))
    found.sort(key=lambda change: change.when, reverse=True)
    result.changes = found[:SHOWN_CHANGES]
    result.more = max(0, total - SHOWN_CHANGES)
    return result


def record_visit(case: Intervention, user: Any) -> datetime.datetime | None:
    """Note that the person opened the case now; returns when they last did (None: never). One query to
    read, one to write."""
    if not getattr(user, "is_authenticated", False):
        return None
    now = timezone.now()
    visit = CaseVisit.objects.filter(user=user, intervention=case).only("seen_at").first()
    if visit is None:
        CaseVisit.objects.get_or_create(user=user, intervention=case, defaults={"seen_at": now})
        return None
    CaseVisit.objects.filter(pk=visit.pk).update(seen_at=now)  # no history: a visit is operational
    return visit.seen_at
