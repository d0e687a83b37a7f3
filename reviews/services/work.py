"""What is waiting for each person ("Your work"), and what changed on a case since they last opened it.

The work comes from the person's access (intervention.permissions.access_for): the roles they hold on each
case today, and, for council staff, their council's cases. Each kind of work is one query, whatever the
number of cases or records; the header's count (`work_count`) is one query of counts.

- plans to agree, due-date moves to decide, instructions to accept or return: the commissioner and the
  advisers (ISSUE_INSTRUCTIONS) of the case;
- instructions to respond to: the council (its staff, and council roles appointed to the case);
- reports to sign off: the person appointed in the report's signatory role, once its latest version is ready;
- deadlines they deliver, overdue or due in the next 30 days: the people holding the deadline's delivering role;
- deadlines in the same window that nobody would be reminded of (no delivering role, or nobody holds it on the
  case today): the DfE roles of the case, who can appoint someone or deliver it;
- notices not yet read (intervention.notices);
- promises given up on (a failed `OutboxItem`: the council's email, a report version, a notice), not since
  promised again: the commissioner, the advisers and the DfE roles of the case, who can send it again.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from directions.enums import Deliverer, InstructionStatus
from directions.models import Instruction
from intervention.compiled import CompiledQuery
from intervention.enums import COUNCIL_ROLES, DFE_ROLES, OVERSEEING_ROLES, Organisation, Role
from intervention.models import Appointment, CaseVisit, Intervention, Notice, OutboxItem, OutboxState, Person
from intervention.permissions import Access, access_for
from reviews.enums import MoveStatus, PlanStatus
from reviews.models import Deadline, DueDateMove, ImprovementPlan, ProgressUpdate, Report, ReportVersion, VersionStatus

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
    resending: tuple[int, ...]  # cases where they send a failed email again (commissioner, adviser, DfE)
    dfe: tuple[int, ...]  # cases where they hold a DfE role: deadlines nobody else would be told of
    council: Q  # cases where they respond for the council, as a filter on an Intervention
    roles: dict[int, frozenset[str]]  # roles by case, for signatories and deadlines
    local_authority_id: int | None

    @property
    def empty(self) -> bool:
        return self.person_id is None and not self.roles


ScopeKey = tuple[int | None, tuple[tuple[int, frozenset[str]], ...], int | None]


def _scope_key(user: Any) -> ScopeKey:
    """The parts of the person's access their scope is made of (hashable: queries are kept by them)."""
    access: Access = access_for(user)
    return (access.person_id, _roles_key(access.roles), access.local_authority_id)


def _roles_key(roles: Any) -> tuple[tuple[int, frozenset[str]], ...]:
    return tuple(sorted((pk, frozenset(r)) for pk, r in roles.items()))


def _scope(
    person_id: int | None, roles_key: tuple[tuple[int, frozenset[str]], ...], local_authority_id: int | None
) -> Scope:
    """The scope of a person's access (its parts: hashable, so that the count's SQL can be kept by them)."""
    roles = dict(roles_key)
    council_cases = sorted(pk for pk, r in roles.items() if r & COUNCIL_ROLES)
    council = Q(pk__in=council_cases)
    if local_authority_id is not None:
        council |= Q(local_authority_id=local_authority_id)
    elif not council_cases:
        council = Q(pk__in=[])
    return Scope(
        person_id=person_id,
        overseen=tuple(sorted(pk for pk, r in roles.items() if r & OVERSEEING_ROLES)),
        resending=tuple(sorted(pk for pk, r in roles.items() if r & (OVERSEEING_ROLES | DFE_ROLES))),
        dfe=tuple(sorted(pk for pk, r in roles.items() if r & DFE_ROLES)),
        council=council,
        roles=roles,
        local_authority_id=local_authority_id,
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
    cases = Q(pk__in=sorted(scope.roles))
    if scope.local_authority_id is not None:
        delivers |= Q(intervention__local_authority_id=scope.local_authority_id, deliverer=Deliverer.COUNCIL)
        cases |= Q(local_authority_id=scope.local_authority_id)
    # The person's cases named on their own, beside the roles: the database reads each case's open
    # deadlines by due date (an index per case) rather than every open deadline of every case.
    return (
        Deadline.objects.open()
        .with_due_on()
        .filter(delivers, intervention__in=_open_cases(cases), effective_due_on__lte=today + DEADLINE_WINDOW)
        .order_by("effective_due_on", "pk")
    )


def deadlines_nobody_holds(scope: Scope, *, today: datetime.date | None = None) -> QuerySet[Deadline]:
    """Open deadlines on the person's DfE cases, overdue or due within 30 days, that no one would be
    reminded of: no delivering role, or nobody holds it on the case today (for the council: no appointment
    and no staff). Soonest first."""
    from reviews.services.deadlines import DELIVERER_ROLES

    today = today or timezone.localdate()
    nobody: Any = Q(deliverer="")  # Q & ~Exists(...) is an expression to the stubs
    for deliverer, roles in DELIVERER_ROLES.items():
        held = Exists(
            Appointment.objects.active_on(today).filter(intervention=OuterRef("intervention"), role__in=sorted(roles))
        )
        if deliverer == Deliverer.COUNCIL:
            staff = Person.objects.filter(
                organisation=Organisation.COUNCIL, local_authority_id=OuterRef("intervention__local_authority_id")
            )
            nobody |= Q(deliverer=deliverer) & ~held & ~Exists(staff)
        else:
            nobody |= Q(deliverer=deliverer) & ~held
    return (
        Deadline.objects.open()
        .with_due_on()
        .filter(
            nobody,
            intervention__in=_open_cases(Q(pk__in=scope.dfe)),
            effective_due_on__lte=today + DEADLINE_WINDOW,
        )
        .order_by("effective_due_on", "pk")
    )


def unread_notices(scope: Scope) -> QuerySet[Notice]:
    """Notices for information not yet read (a notice asking for an act is answered by the act, which the
    other lists show while it waits)."""
    return Notice.objects.filter(person_id=scope.person_id or -1, read_at__isnull=True, asks=False).order_by(
        "created_at", "pk"
    )


def failed_promises(scope: Scope) -> QuerySet[OutboxItem]:
    """Promises given up on, on the cases where the person can send them again, leaving out those
    promised again since (a "send again", a report's retry: a later row about the same thing)."""
    again = OutboxItem.objects.filter(
        task_name=OuterRef("task_name"),
        intervention_id=OuterRef("intervention_id"),
        about=OuterRef("about"),
        created_at__gt=OuterRef("created_at"),
    )
    return (
        OutboxItem.objects.filter(state=OutboxState.FAILED, intervention__in=_open_cases(Q(pk__in=scope.resending)))
        .exclude(Exists(again))
        .order_by("finished_at", "pk")
    )


def failed_promise_link(item: OutboxItem) -> str:
    """Where the person can see the failure and send it again: the instruction's page for the council's
    email, the case's deadlines page ("Emails and reports that failed") for everything else."""
    if item.task_name == "directions.email_council_about_instruction" and "instruction_id" in item.kwargs:
        return reverse("instruction_detail", args=[item.intervention_id, item.kwargs["instruction_id"]])
    return reverse("case_deadlines", args=[item.intervention_id])


def work_count(user: Any) -> int:
    """How many things wait for the person: one query (after the access the page has already worked out)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    key = _scope_key(user)
    if _scope(*key).empty:
        return 0
    sql, params = _work_count_sql(key, timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = cursor.fetchone()
    return sum(value or 0 for value in counts) if counts else 0  # an empty scope counts as NULL


@functools.lru_cache(maxsize=2048)
def _work_count_sql(key: ScopeKey, today: datetime.date) -> tuple[str, tuple[Any, ...]]:
    """The count's SQL for one scope on one day. Every page's header runs it: building and compiling its
    nine subqueries cost several times what the database takes to answer, so it is built once a day per
    scope (the access it comes from is read afresh each request; the counts are counted each time)."""
    scope = _scope(*key)
    parts = {
        "plans": plans_to_agree(scope),
        "moves": moves_to_decide(scope),
        "answer": instructions_to_answer(scope),
        "respond": instructions_to_respond_to(scope),
        "reports": reports_to_sign(scope),
        "deadlines": deadlines_to_deliver(scope, today=today),
        "nobody": deadlines_nobody_holds(scope, today=today),
        "notices": unread_notices(scope),
        "failed": failed_promises(scope),
    }
    counts = (
        Person.objects.filter(pk=scope.person_id or -1)
        .annotate(**{f"count_{name}": SubqueryCount(qs.order_by().values("pk")) for name, qs in parts.items()})
        .values_list(*(f"count_{name}" for name in parts))
        .order_by()[:1]
    )
    sql, params = counts.query.get_compiler(using=counts.db).as_sql()
    return sql, tuple(params)


@dataclass
class Item:
    case: Intervention
    what: str
    link: str
    when: str  # in words: "submitted 3 March 2026", "due 1 April 2026 (overdue)"
    overdue: bool = False
    notice: Notice | None = None
    failed: bool = False


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
    """Everything waiting for the person, in groups, oldest first within each. A query a group, each
    compiled once a day for the person's scope (`_compiled_work`)."""
    today = today or timezone.localdate()
    key = _scope_key(user)
    groups = [
        Group("failed", "Emails and reports that failed"),
        Group("notices", "Notices"),
        Group("plans", "Improvement plans to agree"),
        Group("moves", "Due-date moves to agree or refuse"),
        Group("answer", "Instructions to accept or return"),
        Group("respond", "Instructions to respond to"),
        Group("reports", "Reports to sign off"),
        Group("deadlines", "Deadlines you deliver: overdue or due in the next 30 days"),
        Group("nobody", "Deadlines no one holds the role for: overdue or due in the next 30 days"),
    ]
    if _scope(*key).empty:
        return groups
    by_key = {group.key: group for group in groups}
    # The connection itself, not the proxy: each thread has its own, and the compiled queries are kept per connection.
    db = connections[DEFAULT_DB_ALIAS]
    compiled = _compiled_work(db, key, today)

    def records(kind: str) -> list[Any]:
        query = compiled[kind]
        return query.instances(db) if query is not None else []

    for item in records("failed"):
        assert item.intervention is not None  # filtered on the case
        tries = "1 try" if item.attempts == 1 else f"{item.attempts} tries"
        by_key["failed"].items.append(
            Item(
                item.intervention,
                f"{item.about or item.task_name}: not sent",
                failed_promise_link(item),
                f"failed {_on(item.finished_at)} after {tries}: {item.last_error[:200]}",
                failed=True,
            )
        )
    for notice in records("notices"):
        by_key["notices"].items.append(
            Item(notice.intervention, notice.what, notice.link, f"sent {_on(notice.created_at)}", notice=notice)
        )
    for plan in records("plans"):
        link = reverse("plan_agree", args=[plan.intervention_id, plan.pk])
        by_key["plans"].items.append(
            Item(plan.intervention, plan.title, link, f"submitted {_on(getattr(plan, 'since', None))}")
        )
    for move in records("moves"):
        case = move.action.objective.plan.intervention
        what = f"Action {move.action.label}: {move.from_on:%-d %B %Y} to {move.to_on:%-d %B %Y}"
        link = reverse("move_decide", args=[case.pk, move.pk])
        by_key["moves"].items.append(Item(case, what, link, f"asked {_on(move.requested_at)}"))
    for key_ in ("answer", "respond"):
        for instruction in records(key_):
            link = reverse("instruction_detail", args=[instruction.intervention_id, instruction.pk])
            overdue = instruction.due_on < today
            when = f"due {_on(instruction.due_on)}" + (" (overdue)" if overdue else "")
            what = f"{instruction.reference}: {instruction.title}"
            by_key[key_].items.append(Item(instruction.intervention, what, link, when, overdue=overdue))
    for report in records("reports"):
        number = getattr(report, "latest_number", 0)
        link = reverse("report_sign_off", kwargs={"pk": report.pk, "number": number})
        what = f"{report.title} (version {number})"
        by_key["reports"].items.append(
            Item(report.intervention, what, link, f"ready {_on(getattr(report, 'since', None))}")
        )
    for deadline in records("deadlines"):
        assert deadline.intervention is not None  # filtered on the case
        overdue = deadline.due_on < today
        when = f"due {_on(deadline.due_on)}" + (" (overdue)" if overdue else "")
        by_key["deadlines"].items.append(
            Item(deadline.intervention, deadline.what, deadline.get_absolute_url(), when, overdue=overdue)
        )
    for deadline in records("nobody"):
        assert deadline.intervention is not None  # filtered on the case
        overdue = deadline.due_on < today
        role = deadline.get_deliverer_display() if deadline.deliverer else "no role given"
        when = f"due {_on(deadline.due_on)}" + (" (overdue)" if overdue else "") + f"; delivered by: {role}"
        by_key["nobody"].items.append(
            Item(deadline.intervention, deadline.what, deadline.get_absolute_url(), when, overdue=overdue)
        )
    return groups


def work_querysets(scope: Scope, today: datetime.date) -> dict[str, QuerySet[Any] | None]:
    """Each kind's query as "Your work" reads it, with the records its items name; None for a kind that
    cannot hold anything for the person's cases (building a kind's query cost more than the database's
    answer, and DfE staff appointed to no case have one kind)."""
    council = scope.local_authority_id is not None or any(roles & COUNCIL_ROLES for roles in scope.roles.values())
    case = "intervention__local_authority"
    return {
        "failed": failed_promises(scope).select_related(case) if scope.resending else None,
        "notices": unread_notices(scope).select_related(case),
        "plans": plans_to_agree(scope).select_related(case) if scope.overseen else None,
        "moves": (
            moves_to_decide(scope).select_related(f"action__objective__plan__{case}", "requested_by")
            if scope.overseen
            else None
        ),
        "answer": instructions_to_answer(scope).select_related(case) if scope.overseen else None,
        "respond": instructions_to_respond_to(scope).select_related(case) if council else None,
        "reports": reports_to_sign(scope).select_related(case) if scope.roles else None,
        "deadlines": (
            deadlines_to_deliver(scope, today=today).select_related(case)
            if scope.roles or scope.local_authority_id is not None
            else None
        ),
        "nobody": deadlines_nobody_holds(scope, today=today).select_related(case) if scope.dfe else None,
    }


# "Your work"'s compiled queries, by connection, scope and day: kept in the process, as building and
# compiling the page's nine queries cost more than twice what the database takes to answer them. Only
# the scope and the day vary the SQL (today, and the end of the 30 days), so a day's queries
# never answer for another day; the rows are read afresh each visit. A commissioner's queries hold about
# a quarter of a megabyte (the compiled Django queries, which turn the rows into records): 64 people's at most.
_WORK_QUERIES: dict[tuple[Any, ...], dict[str, CompiledQuery | None]] = {}
WORK_QUERIES_MAX = 64


def _compiled_work(db: Any, key: ScopeKey, today: datetime.date) -> dict[str, CompiledQuery | None]:
    """Each kind's query for a scope (`work_querysets`) compiled on one day; None for a kind with nothing to read."""
    cache_key = (db, key, today)
    compiled = _WORK_QUERIES.get(cache_key)
    if compiled is None:
        if len(_WORK_QUERIES) >= WORK_QUERIES_MAX:
            _WORK_QUERIES.clear()
        compiled = _WORK_QUERIES[cache_key] = {
            kind: _compile(queryset, db) for kind, queryset in work_querysets(_scope(*key), today).items()
        }
    return compiled


def _compile(queryset: QuerySet[Any] | None, db: Any) -> CompiledQuery | None:
    """The query compiled, with no stand-ins (the scope and the day are in the key); None when it can
    match nothing (Django finds that compiling it, as it would running it)."""
    if queryset is None:
        return None
    try:
        return CompiledQuery.of(queryset, db, {})
    except EmptyResultSet:
        return None


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
    more: bool = False  # changes beyond those listed


SHOWN_CHANGES = 20


# Each history table read for "what changed": the kind, how its rows reach the case, and the column that
# names the record (`detail`) and its parent record (`parent`), read in one query as a UNION ALL.
SOURCES: tuple[tuple[str, str, str, str, str | None], ...] = (
    # (kind, app.Model, filter to the case, detail field, parent field)
    ("update", "reviews.ProgressUpdate", "service_priority__instrument__intervention", "rag", None),
    ("instruction", "directions.Instruction", "intervention", "number", None),
    ("response", "directions.InstructionResponse", "instruction__intervention", "kind", "instruction_id"),
    ("review", "reviews.Review", "intervention", "status", None),
    ("version", "reviews.ReportVersion", "report__intervention", "number", "report_id"),
    ("plan", "reviews.ImprovementPlan", "intervention", "title", None),
    ("action", "reviews.PlanAction", "objective__plan__intervention", "label", None),
    (
        "value",
        "reviews.Measurement",
        "indicator__service_priority__instrument__intervention",
        "period_end",
        "indicator_id",
    ),
    ("deadline", "reviews.Deadline", "intervention", "what", None),
)


def _read(
    case: Intervention, kind: str, record_id: int, detail: str, parent: int | None, reason: str
) -> tuple[str, str]:
    """What the change says, and where it is."""
    from directions.enums import ResponseKind
    from reviews.enums import Rag

    why = reason or "changed"
    if kind == "update":
        label = dict(Rag.choices).get(detail, detail)
        return f"Progress update ({label}): {reason or 'recorded'}", reverse("update_detail", args=[case.pk, record_id])
    if kind == "instruction":
        return f"Instruction {detail}: {why}", reverse("instruction_detail", args=[case.pk, record_id])
    if kind == "response":
        answer = dict(ResponseKind.choices).get(detail, detail)
        return f"Instruction answered: {answer}", reverse("instruction_detail", args=[case.pk, parent])
    if kind == "review":
        return f"Review: {why}", reverse("review_detail", args=[record_id])
    if kind == "version":
        return f"Report version {detail}: {why}", reverse("report_detail", args=[parent])
    if kind == "plan":
        return f"Improvement plan: {why}", reverse("plan_detail", args=[case.pk, record_id])
    if kind == "action":
        return f"Plan action {detail}: {why}", reverse("plan_action", args=[case.pk, record_id])
    if kind == "value":
        month = datetime.date.fromisoformat(str(detail)[:10])
        return f"Indicator value for {month:%B %Y}: {reason or 'recorded'}", reverse(
            "indicator_detail", args=[case.pk, parent]
        )
    return f"Deadline: {detail[:80]}: {why}", reverse("case_deadlines", args=[case.pk])


def changes_since(case: Intervention, user: Any, since: datetime.datetime | None) -> SinceLastVisit:
    """What other people changed on the case since `since`, newest first, from the history tables: one
    query (a UNION ALL of the tables, limited, each row with the name of who changed it), whatever the data."""
    result = SinceLastVisit(since=since)
    if since is None:
        return result
    user_id = getattr(user, "pk", None)
    # The connection itself, not the proxy: each thread has its own, and the compiled query is kept per connection.
    db = connections[DEFAULT_DB_ALIAS]
    changes = _changes_query(db, anonymous=user_id is None)
    since_field = ProgressUpdate.history.model._meta.get_field("history_date")
    rows = changes.rows(db, since=since_field.get_db_prep_value(since, db), case=case.pk, user=user_id)
    for kind, record_id, when, changed_by, reason, detail, parent, *names in rows[:SHOWN_CHANGES]:
        what, link = _read(case, kind, record_id, detail, parent, reason or "")
        who = _name(*names) if changed_by else "The service"
        result.changes.append(Change(what=what[:200], who=who, when=when, link=link))
    result.more = len(rows) > SHOWN_CHANGES
    return result


# Stand-ins compiled into "what changed"'s SQL in place of the visit's time, the case and the person, and
# swapped for the real values at each visit (reviews.services.compiled): values no real visit or record has.
_SINCE_STAND_IN = datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)
_CASE_STAND_IN = -918_273_645
_USER_STAND_IN = -918_273_646


@functools.lru_cache(maxsize=64)
def _changes_query(db: Any, *, anonymous: bool) -> CompiledQuery:
    """ "What changed"'s query, built and compiled once per database connection: building the nine-table
    UNION cost several times what the database takes to answer it, on every visit to a case. Only the
    visit's time, the case and the person vary, and they are parameters, swapped in at each visit."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast

    parts = []
    since_field: Any = None
    for kind, label, to_case, detail, parent in SOURCES:
        model = apps.get_model(label)
        history = model.history.model
        since_field = history._meta.get_field("history_date")
        parts.append(
            history.objects.filter(
                history_date__gt=_SINCE_STAND_IN,
                id__in=model.objects.filter(**{to_case: _CASE_STAND_IN}).values("pk"),
            )
            .exclude(history_user_id=None if anonymous else _USER_STAND_IN)
            .annotate(
                change_kind=Value(kind, output_field=CharField()),
                change_detail=Cast(detail, CharField()),
                # A typed NULL: PostgreSQL takes an untyped one in a UNION's first parts as text.
                change_parent=Cast(parent if parent else Value(None), IntegerField()),
            )
            .values_list(
                "change_kind",
                "id",
                "history_date",
                "history_user_id",
                "history_change_reason",
                "change_detail",
                "change_parent",
            )
            .order_by()
        )
    union = parts[0].union(*parts[1:], all=True).order_by("-history_date")[: SHOWN_CHANGES + 1]
    tables = len(SOURCES)
    since_value = since_field.get_db_prep_value(_SINCE_STAND_IN, db)
    stand_ins = {"since": (since_value, tables), "case": (_CASE_STAND_IN, tables)}
    if not anonymous:
        stand_ins["user"] = (_USER_STAND_IN, tables)
    changes = CompiledQuery.of(union, db, stand_ins)
    # Who made each change, joined once to the few rows the union keeps rather than in each of its nine
    # parts: the database planned the nine parts' joins to the people at every visit, and planning was
    # most of the query's time.
    users, people = (db.ops.quote_name(model._meta.db_table) for model in (get_user_model(), Person))
    # The tables' names are the models' own and the union is Django's compiled SQL: the values stay parameters.
    sql = (
        f"SELECT changes.*, person.name, account.first_name, account.last_name, account.username "  # noqa: S608
        f"FROM ({changes.sql}) changes "
        f"LEFT OUTER JOIN {users} account ON account.id = changes.history_user_id "
        f"LEFT OUTER JOIN {people} person ON person.user_id = account.id "
        f"ORDER BY changes.history_date DESC"
    )
    return dataclasses.replace(
        changes, sql=sql, names=(*changes.names, "person_name", "first_name", "last_name", "username")
    )


def _name(person_name: str | None, first_name: str, last_name: str, username: str) -> str:
    """The person's name, else the account's full name (as `User.get_full_name`), else its username."""
    return person_name or f"{first_name} {last_name}".strip() or username


_NOT_READ: Any = object()


def record_visit(case: Intervention, user: Any, *, last_seen_at: Any = _NOT_READ) -> datetime.datetime | None:
    """Note that the person opened the case now; returns when they last did (None: never). One query to
    read, one to write; only the write when the caller read `last_seen_at` with the case
    (`Intervention.objects.with_last_visit(user)`)."""
    if not getattr(user, "is_authenticated", False):
        return None
    now = timezone.now()
    if last_seen_at is _NOT_READ:
        visit = CaseVisit.objects.filter(user=user, intervention=case).only("seen_at").first()
        last_seen_at = visit.seen_at if visit else None
    if last_seen_at is None:
        CaseVisit.objects.get_or_create(user=user, intervention=case, defaults={"seen_at": now})
        return None
    # No history: a visit is operational.
    CaseVisit.objects.filter(user=user, intervention=case).update(seen_at=now)
    seen: datetime.datetime = last_seen_at
    return seen
