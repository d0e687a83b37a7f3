"""DfE's dashboard (issue 16, items 1-3): one row per intervention, with what DfE asks of a case every
week, worked out in the database so the page costs the same few queries however many cases there are.

Visibility comes from intervention.permissions (`Intervention.objects.visible_to(user)`, and the
reports' own `visible_to`, so a draft or sensitive report's date reaches no one who may not read it).
The stage is worked out here in SQL, from the same rule as `Intervention.stage` (closed, else the
strongest instrument in force), so the dashboard can filter and sort by it; a direction made under
section 497A(4A) (services moved out of the council's control) is told apart from one under 4B."""

from __future__ import annotations

import datetime
import enum
import functools
import html
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, JSONObject, RowNumber
from django.urls import reverse
from django.utils.safestring import mark_safe

from directions.enums import InstructionStatus, InstrumentKind, InstrumentStatus, LegalBasis
from directions.models import Instruction, Instrument, ServicePriority
from intervention.compiled import CompiledQuery
from intervention.enums import OVERSEEING_ROLES, Role
from intervention.models import Appointment, Intervention, LocalAuthority
from reviews.charts import Event, case_timeline
from reviews.enums import DeadlineStatus, Rag
from reviews.models import Deadline, ProgressUpdate, Report, ReportKind, ReportVersion, Review
from reviews.models.reviewing import Recommendation, ReviewKind, ReviewStatus
from reviews.reports.as_at import rating_as_at
from reviews.services.compiled import reader_key
from reviews.services.exports import Cell, Table

MINISTERIAL_KINDS = (ReportKind.PROGRESS, ReportKind.MINISTERIAL_UPDATE)
Sql = tuple[str, tuple[Any, ...]]


class DashboardStage(enum.Enum):
    """The stage as the dashboard shows it: Intervention.stage, with 497A(4A) told apart."""

    NO_INSTRUMENT = ("none", 0, "No instrument in force", "govuk-tag--grey")
    IMPROVEMENT_NOTICE = ("notice", 1, "Improvement notice", "govuk-tag--yellow")
    STATUTORY_DIRECTION = ("direction", 2, "Statutory direction", "govuk-tag--red")
    SERVICES_MOVED = ("direction_4a", 3, "Direction, services moved (497A(4A))", "govuk-tag--purple")
    CLOSED = ("closed", 4, "Closed", "govuk-tag--green")

    def __init__(self, code: str, rank: int, label: str, tag_class: str) -> None:
        self.code = code
        self.rank = rank
        self.label = label
        self.tag_class = tag_class

    @classmethod
    def from_rank(cls, rank: int) -> DashboardStage:
        return STAGES_BY_RANK[rank]


STAGES_BY_RANK = {stage.rank: stage for stage in DashboardStage}
STAGE_CHOICES = [(stage.code, stage.label) for stage in DashboardStage]


def in_force_q(day: datetime.date, prefix: str = "") -> Q:
    """Instruments in force on the day (Instrument.in_force_on, as a filter)."""
    return Q(**{f"{prefix}status": InstrumentStatus.ISSUED, f"{prefix}issued_on__lte": day}) & (
        Q(**{f"{prefix}revoked_on__isnull": True}) | Q(**{f"{prefix}revoked_on__gt": day})
    )


def open_on_q(day: datetime.date, prefix: str = "") -> Q:
    """Cases open on the day: opened by then and not closed by then."""
    return Q(**{f"{prefix}opened_on__lte": day}) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gt": day})
    )


def stage_rank(day: datetime.date, *, closed: bool = True) -> Case:
    """The case's stage on the day as a number (DashboardStage.rank), in SQL."""
    in_force = Instrument.objects.filter(in_force_q(day), intervention=OuterRef("pk"))
    direction = in_force.filter(kind=InstrumentKind.STATUTORY_DIRECTION)
    whens = (
        [When(closed_on__isnull=False, closed_on__lte=day, then=Value(DashboardStage.CLOSED.rank))] if closed else []
    )
    return Case(
        *whens,
        When(
            Exists(direction.filter(legal_basis=LegalBasis.SECTION_497A_4A)),
            then=Value(DashboardStage.SERVICES_MOVED.rank),
        ),
        When(Exists(direction), then=Value(DashboardStage.STATUTORY_DIRECTION.rank)),
        When(
            Exists(in_force.filter(kind=InstrumentKind.IMPROVEMENT_NOTICE)),
            then=Value(DashboardStage.IMPROVEMENT_NOTICE.rank),
        ),
        default=Value(DashboardStage.NO_INSTRUMENT.rank),
        output_field=IntegerField(),
    )


def latest_update(priority: Any = None) -> QuerySet[ProgressUpdate]:
    """A priority's latest progress update (withdrawn ones are not in force): its latest rating.
    `priority` is the priority's pk, by default the outer query's."""
    priority = OuterRef("pk") if priority is None else priority
    return ProgressUpdate.objects.filter(service_priority=priority).order_by("-period_end", "-created_at", "-pk")


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """A subquery counting the rows of a correlated queryset (0 when there are none)."""
    counted = queryset.order_by().values("intervention").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _columns(user: Any, today: datetime.date, names: tuple[str, ...]) -> dict[str, Any]:
    """The named columns of the dashboard, each an expression on a case (OuterRef("pk")). Only those
    asked for are built: building a subquery (the reports' visibility above all) costs as much as
    the database takes to answer it for a page of cases."""
    case = OuterRef("pk")

    def open_deadlines() -> Any:
        return Deadline.objects.filter(intervention=case, status=DeadlineStatus.OPEN).with_due_on()

    def overdue() -> Any:
        return open_deadlines().filter(effective_due_on__lt=today).order_by("effective_due_on", "pk")

    def coming() -> Any:
        return open_deadlines().filter(effective_due_on__gte=today).order_by("effective_due_on", "pk")

    def held() -> Any:
        return Review.objects.filter(intervention=case, status=ReviewStatus.HELD).order_by("-held_on", "-pk")

    @functools.cache
    def ministerial() -> Any:
        signed_off_on = ReportVersion.objects.filter(report=OuterRef("pk"), is_final=True).order_by("-signed_off_on")
        return (
            Report.objects.visible_to(user)
            .filter(intervention=case, kind__in=MINISTERIAL_KINDS)
            .annotate(signed_off_on=Subquery(signed_off_on.values("signed_off_on")[:1]))
            .filter(signed_off_on__isnull=False)
            .order_by("-signed_off_on", "-pk")
        )

    def red_priority() -> Subquery:
        # A case's first priority in force rated red, if any: as a value rather than EXISTS, which
        # the planner turns into rating every priority of every case before it joins.
        red_priorities = (
            ServicePriority.objects.filter(in_force_q(today, "instrument__"), instrument__intervention=case)
            .annotate(latest_rag=Subquery(latest_update().values("rag")[:1]))
            .filter(latest_rag=Rag.RED)
            .order_by()
        )
        return Subquery(red_priorities.values("pk")[:1])

    columns: dict[str, Callable[[], Any]] = {
        "stage_rank": lambda: stage_rank(today),
        "overdue_count": lambda: _count(overdue()),
        # Whether any deadline is overdue, for the filter: the first entry of the open deadlines'
        # index, where counting them visits every overdue deadline's row.
        "any_overdue": lambda: Exists(overdue()),
        "oldest_overdue": lambda: Subquery(overdue().values("effective_due_on")[:1]),
        "next_due_on": lambda: Subquery(coming().values("effective_due_on")[:1]),
        "awaiting_commissioner": lambda: _count(
            Instruction.objects.filter(intervention=case, status=InstructionStatus.SUBMITTED)
        ),
        "review_held_on": lambda: Subquery(held().values("held_on")[:1]),
        "report_signed_off_on": lambda: Subquery(ministerial().values("signed_off_on")[:1]),
        "red_priority": red_priority,
        # The rows' columns, a record's several fields in one subquery each: a dozen correlated
        # subqueries cost more for the database to plan than to answer for a page.
        "overdue": lambda: Subquery(
            overdue()
            .order_by()
            .values("intervention")
            .annotate(fields=JSONObject(count=Count("pk"), oldest=Min("effective_due_on")))
            .values("fields")
        ),
        "next_due": lambda: Subquery(coming().values(fields=JSONObject(on="effective_due_on", what="what"))[:1]),
        "review": lambda: Subquery(
            held().values(fields=JSONObject(held_on="held_on", recommendation="recommendation"))[:1]
        ),
    }
    return {name: columns[name]() for name in names}


# What the rows show whoever looks, beside the case, its instruments and its overseers (`_unpack`
# names the fields); the latest report to the Minister depends on who looks (`dashboard_rows`).
SHOWN_COLUMNS = ("overdue", "next_due", "awaiting_commissioner", "review")


def dashboard_cases(user: Any) -> QuerySet[Intervention]:
    """Every case the user may see, for the filter set to filter and sort: it annotates the columns
    it uses (`with_columns`), so the database works out, for every case, only what the chosen filters
    and sort need. Only the ids are read from it (`DashboardFilter.case_ids`); `dashboard_rows` works out
    the rest for the rows shown."""
    return cast("QuerySet[Intervention]", Intervention.objects.visible_to(user))


def with_columns(
    cases: QuerySet[Intervention], names: tuple[str, ...], *, user: Any, today: datetime.date
) -> QuerySet[Intervention]:
    """The cases with the named columns annotated, those not already."""
    missing = tuple(name for name in names if name not in cases.query.annotations)
    return cases.annotate(**_columns(user, today, missing)) if missing else cases


# A row's priorities and overseers are named tuples, not frozen dataclasses: as immutable, and made
# in half the time (a frozen dataclass sets each field through object.__setattr__), and the export
# makes some hundreds of each.
class RatedPriority(NamedTuple):
    """A service priority of an instrument in force, with its latest rating ("" or None: not rated)."""

    label: str
    short_name: str
    latest_rag: str | None


@dataclass(frozen=True)
class InstrumentInForce:
    kind: str
    legal_basis: str
    issued_on: datetime.date | None  # never, in force; as the field allows
    priorities: list[RatedPriority]

    @property
    def kind_label(self) -> str:
        return str(InstrumentKind(self.kind).label)


class Overseer(NamedTuple):
    name: str
    role: str

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


def dashboard_rows(user: Any, case_ids: list[int], *, today: datetime.date) -> list[Intervention]:
    """The cases (ids from `DashboardFilter.case_ids`, so of those the user may see), in that order, with
    the dashboard's columns: `_unpack`'s worked-out ones, `stage_rank`, `instruments_in_force`
    (InstrumentInForce, each with its priorities) and `overseers` (Overseer). Four queries, each
    reading only these cases' records. The cases come through SQL built once a day (`_rows_sql`):
    building and compiling their correlated subqueries cost several times what the database takes to
    answer them for a page. The latest report to the Minister comes through the reports' own
    `visible_to(user)`; the instruments, priorities and overseers as values, not models, as a few
    hundred model instances and their prefetching cost more than the rest of the rows."""
    if not case_ids:
        return []
    sql, params = _rows_sql(today)
    # One placeholder an id (this SQL is Django's, its values parameters, as the ids are).
    sql = f"{sql} WHERE dashboard_row.id IN ({', '.join(['%s'] * len(case_ids))})"
    by_id = {case.pk: case for case in _cases_read(sql, [*params, *case_ids])}
    ids = f"({', '.join(['%s'] * len(by_id))})"
    reports_sql, reports_params = _readers_reports_sql(user) or ("", ())
    in_force_sql, in_force_params, appointed_sql, appointed_params = _page_sql(today)
    with connection.cursor() as cursor:
        if reports_sql:
            cursor.execute(reports_sql.replace("{ids}", ids), [*reports_params, *by_id])
            reported = cursor.fetchall()
        else:
            reported = []
        cursor.execute(in_force_sql.replace("{ids}", ids), [*in_force_params, *by_id])
        in_force = cursor.fetchall()
        cursor.execute(appointed_sql.replace("{ids}", ids), [*appointed_params, *by_id])
        appointed = cursor.fetchall()
    reports = {case_id: (_date(day), title, pk) for case_id, day, title, pk in reported}
    # Each instrument in force with each of its priorities (or none), in the documents' order; each
    # case's overseers, by role and appointment.
    instruments: dict[int, list[InstrumentInForce]] = {pk: [] for pk in by_id}
    read: dict[int, InstrumentInForce] = {}
    for pk, case_id, kind, legal_basis, issued_on, priority, label, short_name, rag, _position in in_force:
        if pk not in read:
            read[pk] = InstrumentInForce(kind, legal_basis, _date(issued_on), [])
            instruments[case_id].append(read[pk])
        if priority is not None:
            read[pk].priorities.append(RatedPriority(label, short_name, rag))
    overseers: dict[int, list[Overseer]] = {pk: [] for pk in by_id}
    for case_id, name, role in appointed:
        overseers[case_id].append(Overseer(name, role))
    rows = [by_id[pk] for pk in case_ids if pk in by_id]
    for case in rows:
        _unpack(case, reports.get(case.pk))
        case.instruments_in_force = instruments[case.pk]  # type: ignore[attr-defined]
        case.overseers = overseers[case.pk]  # type: ignore[attr-defined]
        case.stage_rank = _stage(case, today).rank  # type: ignore[attr-defined]
    return rows


def _cases_read(sql: str, params: list[Any]) -> list[Intervention]:
    """The cases of `_rows_sql`'s rows, as `Intervention.objects.raw` makes them (the case's fields, then
    each other column an attribute), without its work a row to match columns to fields by name: its
    SQL is Django's, which names the case's fields first, in the model's order."""
    if connection.vendor != "postgresql":
        # SQLite gives dates and flags as text and numbers: raw() turns them into Python's, as the
        # fields' converters do; psycopg already gives PostgreSQL's columns as Python values.
        return list(Intervention.objects.raw(sql, params))
    fields = [field.attname for field in Intervention._meta.concrete_fields]
    count = len(fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        fetched = cursor.fetchall()
    if names[:count] != fields:
        raise RuntimeError(f"The dashboard's rows name the case's fields {names[:count]}, not {fields}.")
    extra = tuple(enumerate(names[count:], start=count))
    cases = []
    for row in fetched:
        case = Intervention.from_db(connection.alias, fields, row[:count])
        for position, name in extra:
            setattr(case, name, row[position])
        cases.append(case)
    return cases


@functools.lru_cache(maxsize=4)
def _rows_sql(today: datetime.date) -> Sql:
    """The rows' SQL on a day, for `dashboard_rows` to choose the cases from: each case's fields, its
    authority's names and the worked-out columns that are the same whoever looks."""
    cases = Intervention.objects.order_by().annotate(
        authority_name=F("local_authority__name"),
        authority_region=F("local_authority__region_name"),
        **_columns(None, today, SHOWN_COLUMNS),
    )
    sql, params = _sql(cases)
    # Django compiled the inner SQL, its values kept apart as parameters.
    return f"SELECT * FROM ({sql}) AS dashboard_row", params  # noqa: S608


# Each reader's `_reports_sql` (None: they may read no report), by reader (`reader_key`, everything
# the reports' `visible_to` reads of the person): building and compiling it, or only the reports'
# visibility to look it up, cost more than the database takes to answer it.
_READERS_REPORTS_SQL: dict[tuple[Any, ...], Sql | None] = {}
READERS_REPORTS_SQL_MAX = 256


def _readers_reports_sql(user: Any) -> Sql | None:
    key = reader_key(user)
    if key not in _READERS_REPORTS_SQL:
        if len(_READERS_REPORTS_SQL) >= READERS_REPORTS_SQL_MAX:
            _READERS_REPORTS_SQL.clear()
        _READERS_REPORTS_SQL[key] = _reports_sql(user)
    return _READERS_REPORTS_SQL[key]


def _reports_sql(user: Any) -> Sql | None:
    """The SQL of each case's latest report to the Minister, of the reports the person may read (their
    `visible_to`, in the query itself: a `pk IN` of it cost the database more to plan than the rest),
    with an `{ids}` for the page's cases; None when they may read none."""
    latest = Window(RowNumber(), partition_by="intervention_id", order_by=("-signed_off_on", "-pk"))
    # A report's signed-off version joined, not asked of each report: a report has at most one
    # (`one_signed_off_version_per_report`), so the join is the subquery's answer, and the database
    # starts from the few signed-off versions instead of asking each of a case's reports for one.
    reports = (
        Report.objects.visible_to(user)
        .filter(kind__in=MINISTERIAL_KINDS, versions__is_final=True, versions__signed_off_on__isnull=False)
        .annotate(signed_off_on=F("versions__signed_off_on"))
        .annotate(newest=latest)
        .filter(newest=1)
        .order_by()
        .values_list("intervention_id", "signed_off_on", "title", "pk")
    )
    try:
        sql, params = _sql(reports)
    except EmptyResultSet:  # someone who may read no report
        return None
    name = connection.ops.quote_name
    # Django compiled the inner SQL, its values kept apart as parameters; the ids are too. The window
    # is over each case's reports, so choosing the cases outside it chooses the same report each.
    return f"SELECT * FROM ({sql}) AS reports WHERE reports.{name('intervention_id')} IN {{ids}}", params  # noqa: S608


@functools.lru_cache(maxsize=4)
def _page_sql(today: datetime.date) -> tuple[str, tuple[Any, ...], str, tuple[Any, ...]]:
    """The SQL of the rows' instruments in force (with their priorities, each with its latest rating)
    and of their overseers on a day, for `dashboard_rows`, each with an `{ids}` for the page's cases:
    building and compiling them cost more than the database takes to answer them, so each is built
    once a day. Whoever looks, a case's instruments and overseers are the same."""
    latest_rag = latest_update(OuterRef("service_priorities")).values("rag")[:1]
    in_force = (
        Instrument.objects.filter(in_force_q(today))
        .annotate(latest_rag=Subquery(latest_rag))
        .order_by()
        .values_list(
            "pk",
            "intervention_id",
            "kind",
            "legal_basis",
            "issued_on",
            "service_priorities__pk",
            "service_priorities__label",
            "service_priorities__short_name",
            "latest_rag",
            "service_priorities__position",
        )
    )
    appointed = (
        Appointment.objects.active_on(today)
        .filter(role__in=OVERSEEING_ROLES)
        .order_by()
        .values_list("intervention_id", "person__name", "role", "starts_on", "pk")
    )
    (in_force_sql, in_force_params), (appointed_sql, appointed_params) = _sql(in_force), _sql(appointed)
    name = connection.ops.quote_name
    # Django compiled the inner SQL, its values kept apart as parameters; the ids are too.
    return (
        f"SELECT * FROM ({in_force_sql}) AS in_force WHERE in_force.{name('intervention_id')} IN {{ids}} "  # noqa: S608
        f"ORDER BY in_force.{name('issued_on')}, in_force.{name('pk')}, "
        f"in_force.{name('service_priorities__position')}, in_force.{name('service_priorities__pk')}",
        in_force_params,
        f"SELECT {name('intervention_id')}, {name('person__name')}, {name('role')} FROM ({appointed_sql}) AS appointed "  # noqa: S608
        f"WHERE appointed.{name('intervention_id')} IN {{ids}} "
        f"ORDER BY appointed.{name('role')}, appointed.{name('starts_on')}, appointed.{name('pk')}",
        appointed_params,
    )


def _unpack(case: Any, report: tuple[datetime.date | None, str, int] | None) -> None:
    """The rows' columns as the filters and sorts name them, from the records' fields as read; the
    authority as far as the dashboard shows it (its names)."""
    case.local_authority = LocalAuthority(
        pk=case.local_authority_id, name=case.authority_name, region_name=case.authority_region
    )
    overdue, next_due, review = (_fields(case.overdue), _fields(case.next_due), _fields(case.review))
    case.overdue_count = overdue.get("count", 0)
    case.oldest_overdue = _day(overdue.get("oldest"))
    case.next_due_on = _day(next_due.get("on"))
    case.next_due_what = next_due.get("what")
    case.review_held_on = _day(review.get("held_on"))
    case.review_recommendation = review.get("recommendation")
    case.report_signed_off_on, case.report_title, case.report_id = report or (None, None, None)


def _fields(value: Any) -> dict[str, Any]:
    """A record's fields as one subquery gave them (JSON text through a raw query; nothing: none)."""
    if value is None:
        return {}
    return cast("dict[str, Any]", json.loads(value) if isinstance(value, str) else value)


def _date(value: datetime.date | str | None) -> datetime.date | None:
    """A date as a raw query gives it: a date, or (SQLite) its text."""
    return value if value is None or isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _day(iso: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(iso) if iso else None


def _stage(case: Intervention, today: datetime.date) -> DashboardStage:
    """`stage_rank`'s rule, from the instruments in force already read."""
    if case.closed_on is not None and case.closed_on <= today:
        return DashboardStage.CLOSED
    instruments = case.instruments_in_force  # type: ignore[attr-defined]
    directions = [i for i in instruments if i.kind == InstrumentKind.STATUTORY_DIRECTION]
    if any(direction.legal_basis == LegalBasis.SECTION_497A_4A for direction in directions):
        return DashboardStage.SERVICES_MOVED
    if directions:
        return DashboardStage.STATUTORY_DIRECTION
    if any(i.kind == InstrumentKind.IMPROVEMENT_NOTICE for i in instruments):
        return DashboardStage.IMPROVEMENT_NOTICE
    return DashboardStage.NO_INSTRUMENT


def row_stage(intervention: Intervention) -> DashboardStage:
    return DashboardStage.from_rank(intervention.stage_rank)  # type: ignore[attr-defined]


def row_priorities(intervention: Intervention) -> list[RatedPriority]:
    """The service priorities of the instruments in force, each with `latest_rag` (None: not rated)."""
    instruments = intervention.instruments_in_force  # type: ignore[attr-defined]
    return [priority for instrument in instruments for priority in instrument.priorities]


# The page's rows, written out here rather than in the template: fifty rows of a few hundred
# priorities and a dozen cells through the template language (a loop, a `date` filter and a lookup a
# cell) cost more than the rest of the page. The markup is the template's, GOV.UK's tags and lists,
# with every value escaped.
SHORT_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
RAG_TAGS: dict[str, str] = {
    Rag.RED: '<strong class="govuk-tag govuk-tag--red">Red</strong>',
    Rag.AMBER: '<strong class="govuk-tag govuk-tag--orange">Amber</strong>',
    Rag.GREEN: '<strong class="govuk-tag govuk-tag--green">Green</strong>',
}
NOT_RATED_TAG = '<strong class="govuk-tag govuk-tag--grey">Not rated</strong>'


def short_date(day: datetime.date | None) -> str:
    """As the template's `date:"j M Y"` writes it (3 Dec 2026); "" for no date."""
    return f"{day.day} {SHORT_MONTHS[day.month]} {day.year}" if day else ""


def _text(value: Any) -> str:
    """A value escaped for HTML, as the template's autoescaping and `escape` write it (without their
    check, a call, for a lazy translation: the rows hold none)."""
    return html.escape(str(value))


def page_row(case: Intervention) -> dict[str, Any]:
    """One row of the dashboard page: the case and its row's markup, `<tr>` and cells, as the template
    wrote them (its indentation too), every value escaped."""
    recommendations = dict(Recommendation.choices)
    instruments = [
        f"{_text(instrument.kind_label)} since {short_date(instrument.issued_on)}"
        for instrument in case.instruments_in_force  # type: ignore[attr-defined]
    ]
    overseers = [
        f'{_text(overseer.name)} <span class="govuk-body-s">({_text(overseer.role_label)})</span>'
        for overseer in case.overseers  # type: ignore[attr-defined]
    ]
    priorities = "".join(
        f"<li>{_text(priority.label)}. {_text(priority.short_name)} "
        f"{RAG_TAGS.get(priority.latest_rag or '', NOT_RATED_TAG)}</li>"
        for priority in row_priorities(case)
    )
    next_due_on = short_date(case.next_due_on)  # type: ignore[attr-defined]
    review_held_on = short_date(case.review_held_on)  # type: ignore[attr-defined]
    recommendation = case.review_recommendation  # type: ignore[attr-defined]
    report_id = case.report_id  # type: ignore[attr-defined]
    if review_held_on and recommendation:
        said = _text(recommendations.get(recommendation, ""))
        review = f'{review_held_on}<br><span class="govuk-body-s">{said}</span>'
    else:
        review = review_held_on or "None yet"
    report = (
        f'<a class="govuk-link" href="{_text(reverse("report_detail", args=[report_id]))}">'
        f"{_text(case.report_title)}</a><br>"  # type: ignore[attr-defined]
        f'<span class="govuk-body-s">signed off {short_date(case.report_signed_off_on)}</span>'  # type: ignore[attr-defined]
        if report_id
        else "None yet"
    )
    next_due = (
        f'{next_due_on}<br><span class="govuk-body-s">{_text(case.next_due_what)}</span>'  # type: ignore[attr-defined]
        if next_due_on
        else "None"
    )
    overdue_count = case.overdue_count  # type: ignore[attr-defined]
    stage = row_stage(case)
    authority = case.local_authority
    cell = '<td class="govuk-table__cell">'
    numeric = '<td class="govuk-table__cell govuk-table__cell--numeric">'
    # Built from escaped values and fixed markup (the noqa: S308).
    markup = mark_safe(  # noqa: S308
        '\n        <tr class="govuk-table__row">\n'
        '          <th scope="row" class="govuk-table__header">'
        f'<a class="govuk-link" href="{_text(case.get_absolute_url())}">{_text(authority.name)}</a>'
        f'<br><span class="govuk-body-s">{_text(authority.region_name)}</span></th>\n'
        f'          {cell}<strong class="govuk-tag {_text(stage.tag_class)}">{_text(stage.label)}</strong></td>\n'
        f"          {cell}{'<br>'.join(instruments) or 'None'}</td>\n"
        f"          {cell}{'<br>'.join(overseers) or 'None appointed'}</td>\n"
        f"          {cell}\n"
        + (
            f'            <ul class="govuk-list govuk-body-s app-dashboard-priorities">{priorities}</ul>\n'
            if priorities
            else "            None\n"
        )
        + "          </td>\n"
        + (
            f'          {numeric}<strong class="govuk-tag govuk-tag--red">{_text(overdue_count)}</strong></td>\n'
            if overdue_count
            else f"          {numeric}0</td>\n"
        )
        + f"          {cell}{short_date(case.oldest_overdue) or 'None'}</td>\n"  # type: ignore[attr-defined]
        f"          {cell}{next_due}</td>\n"
        f"          {numeric}{_text(case.awaiting_commissioner)}</td>\n"  # type: ignore[attr-defined]
        f"          {cell}{review}</td>\n"
        f"          {cell}{report}</td>\n"
        "        </tr>\n        "
    )
    return {"case": case, "html": markup}


# --- The picture: stage and RAG counts, now and a year ago -------------------------------------------


@dataclass(frozen=True)
class Counts:
    """How many cases stood at each stage, and how many in-force priorities had each latest rating, on a day."""

    day: datetime.date
    stages: dict[DashboardStage, int]
    rags: dict[str, int]  # "red", "amber", "green", "" (not rated)

    @property
    def cases(self) -> int:
        return sum(self.stages.values())


def counts_now_and_then(user: Any, *, today: datetime.date, then: datetime.date) -> tuple[Counts, Counts]:
    """The open cases the user may see as they stood at the end of today and of an earlier day: each
    case's stage from the instruments in force that day (their issue and revocation dates), each
    in-force priority's latest rating (today's from the updates as they are; the earlier day's from
    the updates for periods ending by then, as recorded by then: reviews.reports.as_at). Two queries,
    each reading a few indexed rows per case or priority, however many years of updates there are;
    on PostgreSQL they are kept between requests while nothing they read has changed (`_kept_counts`),
    as their cost follows the number of cases."""
    visible = Intervention.objects.visible_to(user).order_by().values("pk")  # counted: no order needed
    try:
        visible_sql, visible_params = visible.query.get_compiler(using=visible.db).as_sql()
    except EmptyResultSet:  # someone who may see no case (`pk__in=[]`): nothing to count, nor to ask
        return _counts(today, Counter(), Counter()), _counts(then, Counter(), Counter())
    counting = _counts_sql(today, then, visible_sql, tuple(visible_params))
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        with connection.cursor() as cursor:
            return _count_picture(cursor, counting, today=today, then=then)
    return _kept_counts((today, then, visible_sql, tuple(visible_params)), counting)


def _count_picture(
    cursor: Any, counting: tuple[Sql, Sql], *, today: datetime.date, then: datetime.date
) -> tuple[Counts, Counts]:
    """Run the two counting queries (`_counts_sql`) and add up their rows."""
    (ranks_sql, ranks_params), (ratings_sql, ratings_params) = counting
    cursor.execute(ranks_sql, ranks_params)
    ranks = cursor.fetchall()
    cursor.execute(ratings_sql, ratings_params)
    ratings = cursor.fetchall()
    stages_now: Counter[DashboardStage] = Counter()
    stages_then: Counter[DashboardStage] = Counter()
    for rank_now, rank_then in ranks:
        if rank_now is not None:
            stages_now[DashboardStage.from_rank(rank_now)] += 1
        if rank_then is not None:
            stages_then[DashboardStage.from_rank(rank_then)] += 1
    rags_now: Counter[str] = Counter()
    rags_then: Counter[str] = Counter()
    for rag_now, rag_then in ratings:
        if rag_now is not None:
            rags_now[rag_now] += 1
        if rag_then is not None:
            rags_then[rag_then] += 1
    return _counts(today, stages_now, rags_now), _counts(then, stages_then, rags_then)


# --- The picture kept between requests -------------------------------------------------------------
#
# The counts read cases (opening, closing, authority), their instruments (issue, revocation, kind,
# basis), the instruments' service priorities and the progress updates with their history. Each of
# these records changes only through its model's save or delete (nothing calls QuerySet.update(),
# bulk_update or raw SQL on them outside data loading: reviews/demo), and each save or delete writes a
# row to the model's history table, whose history_id comes from a sequence. So a committed change
# shows as a larger max(history_id) in one of the four tables, read afresh each request: the key.
# The day, and the SQL and values that choose the visible cases (a commissioner's appointed cases are
# its values), are in the key too.
#
# One gap in that: a transaction that took a history id before another's and commits after it (two
# saves overlapping) leaves the maximum where it was. So the counts are worked out in one REPEATABLE
# READ snapshot together with the maxima and the writing transactions in progress then (the
# snapshot's own list, less those of other databases, and this database's from pg_stat_activity,
# which has those too new for the list), and are used again only while each of those is still in
# progress (its changes still unseen by a later snapshot). A transaction that commits afterwards was
# either one of those, or took its history ids after the snapshot was taken, so above the maxima.

PICTURE_HISTORIES = (Intervention, Instrument, ServicePriority, ProgressUpdate)
XID_WRAP = 2**32  # pg_stat_activity's backend_xid is a 32-bit transaction id, a snapshot's 64-bit


@dataclass(frozen=True)
class KeptCounts:
    counts: tuple[Counts, Counts]
    pending: frozenset[int]  # writing transactions in progress when counted (64-bit ids)


KEPT_COUNTS: dict[tuple[Any, ...], KeptCounts] = {}
KEPT_COUNTS_MAX = 64


@functools.cache
def _fingerprint_sql(*, counting: bool) -> str:
    """The key's query: each history table's largest id and the snapshot (pg_current_snapshot, as
    text); counting, also each transaction holding an id, and whether it is in this database. Table
    names are the models' own, quoted; nothing in it comes from a request (the noqa: S608)."""
    name = connection.ops.quote_name
    maxima = ", ".join(
        f"(SELECT max({name('history_id')}) FROM {name(model.history.model._meta.db_table)})"  # noqa: S608
        for model in PICTURE_HISTORIES
    )
    if not counting:
        return f"SELECT {maxima}, pg_current_snapshot()::text"
    return (
        f"SELECT {maxima}, pg_current_snapshot()::text, ARRAY("  # noqa: S608
        "SELECT backend_xid::text || ':' || (datname IS NOT DISTINCT FROM current_database())::text "
        "FROM pg_stat_activity WHERE backend_xid IS NOT NULL)"
    )


@dataclass(frozen=True)
class Snapshot:
    """A pg_snapshot: transactions below xmax and not listed had finished; those listed, or at or
    above xmax, had not."""

    xmax: int
    listed: frozenset[int]

    @classmethod
    def parse(cls, text: str) -> Snapshot:
        _, xmax, listed = text.split(":")
        return cls(int(xmax), frozenset(int(xid) for xid in listed.split(",")) if listed else frozenset())

    def in_progress(self, xid: int) -> bool:
        return xid >= self.xmax or xid in self.listed

    def widen(self, xid32: int) -> int:
        """A 32-bit transaction id of a transaction in progress as the snapshot's 64-bit one: the
        one within half the range of xmax."""
        xid = (self.xmax - self.xmax % XID_WRAP) + xid32
        if xid - self.xmax > XID_WRAP // 2:
            return xid - XID_WRAP
        if self.xmax - xid > XID_WRAP // 2:
            return xid + XID_WRAP
        return xid


def _kept_counts(key: tuple[Any, ...], counting: tuple[Sql, Sql]) -> tuple[Counts, Counts]:
    """The counts, as kept under the key and the history's maxima if nothing they read has changed
    since (see above), else counted afresh in one snapshot with the maxima, and kept."""
    today, then = key[0], key[1]
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql(counting=False))
        *maxima, snapshot = cursor.fetchone()
    kept = KEPT_COUNTS.get((*key, *maxima))
    now = Snapshot.parse(snapshot)
    if kept is not None and all(now.in_progress(xid) for xid in kept.pending):
        return kept.counts
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # One round trip (no parameters: the simple protocol takes both statements); the second's row.
        cursor.execute(f"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; {_fingerprint_sql(counting=True)}")
        cursor.nextset()
        *maxima, snapshot, active = cursor.fetchone()
        counts = _count_picture(cursor, counting, today=today, then=then)
    # Those in progress then, less those seen to be of other databases (which write none of these
    # tables), with this database's too new for the snapshot's list. One that had finished by the time
    # pg_stat_activity was read, or had moved on to another id, stays.
    counted = Snapshot.parse(snapshot)
    ours: set[int] = set()
    others: set[int] = set()
    for xid, here in (row.split(":") for row in active):
        (ours if here == "true" else others).add(counted.widen(int(xid)))
    pending = (counted.listed - others) | ours
    if len(KEPT_COUNTS) >= KEPT_COUNTS_MAX:
        KEPT_COUNTS.clear()
    KEPT_COUNTS[(*key, *maxima)] = KeptCounts(counts, frozenset(pending))
    return counts


@functools.lru_cache(maxsize=256)
def _counts_sql(
    today: datetime.date, then: datetime.date, visible_sql: str, visible_params: tuple[Any, ...]
) -> tuple[Sql, Sql]:
    """The two counting queries' SQL for the cases a person sees (as the SQL of that choice, worked out
    afresh each request) on two days. Building and compiling their dozen subqueries cost several times
    what the database takes to answer them, so each is built once a day per way of seeing cases."""
    # Django compiled this SQL itself (visible_to), its values kept apart as parameters.
    visible = Intervention.objects.filter(pk__in=RawSQL(visible_sql, visible_params))  # noqa: S611
    open_now, open_then = open_on_q(today), open_on_q(then)
    ranks = (
        visible.filter(open_now | open_then)
        .annotate(
            rank_now=Case(When(open_now, then=stage_rank(today, closed=False)), default=None),
            rank_then=Case(When(open_then, then=stage_rank(then, closed=False)), default=None),
        )
        .values_list("rank_now", "rank_then")
        .order_by()
    )
    # A priority counts on a day when its instrument was in force and its case open then; "" is in
    # force but not rated, None not counted that day.
    in_force_now = in_force_q(today, "instrument__") & open_on_q(today, "instrument__intervention__")
    in_force_then = in_force_q(then, "instrument__") & open_on_q(then, "instrument__intervention__")
    ratings = (
        ServicePriority.objects.filter(instrument__intervention__in=visible.values("pk"))
        .filter(in_force_now | in_force_then)
        .annotate(
            rag_now=Case(
                When(in_force_now, then=Coalesce(Subquery(latest_update().values("rag")[:1]), Value(""))),
                default=None,
            ),
            rag_then=Case(When(in_force_then, then=Coalesce(rating_as_at(then), Value(""))), default=None),
        )
        .values_list("rag_now", "rag_then")
        .order_by()
    )
    return _sql(ranks), _sql(ratings)


def _sql(queryset: QuerySet[Any]) -> Sql:
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)


def _counts(day: datetime.date, stages: Counter[DashboardStage], rags: Counter[str]) -> Counts:
    return Counts(
        day=day,
        stages={stage: stages.get(stage, 0) for stage in DashboardStage if stage is not DashboardStage.CLOSED},
        rags={rag: rags.get(rag, 0) for rag in (Rag.RED, Rag.AMBER, Rag.GREEN, "")},
    )


def a_year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


RAG_LABELS = {Rag.RED: "Red", Rag.AMBER: "Amber", Rag.GREEN: "Green", "": "Not rated"}


def overseer_names(intervention: Intervention) -> str:
    return "; ".join(
        f"{overseer.name} ({overseer.role_label})"
        for overseer in intervention.overseers  # type: ignore[attr-defined]
    )


def dashboard_table(cases: Iterable[Intervention]) -> Table:
    """The dashboard's rows as a table to take away: every filtered row, not one page."""
    recommendations = dict(Recommendation.choices)

    def rows() -> Iterator[list[Cell]]:
        for case in cases:
            yield [
                case.local_authority.name,
                case.local_authority.region_name,
                row_stage(case).label,
                "; ".join(
                    f"{instrument.kind_label} since {instrument.issued_on:%-d %B %Y}"
                    for instrument in case.instruments_in_force  # type: ignore[attr-defined]
                ),
                overseer_names(case),
                "; ".join(
                    f"{priority.label}. {priority.short_name}: {RAG_LABELS[priority.latest_rag or '']}"
                    for priority in row_priorities(case)
                ),
                case.overdue_count,  # type: ignore[attr-defined]
                case.oldest_overdue,  # type: ignore[attr-defined]
                case.next_due_on,  # type: ignore[attr-defined]
                case.next_due_what or "",  # type: ignore[attr-defined]
                case.awaiting_commissioner,  # type: ignore[attr-defined]
                case.review_held_on,  # type: ignore[attr-defined]
                recommendations.get(case.review_recommendation or "", ""),  # type: ignore[attr-defined]
                case.report_title or "",  # type: ignore[attr-defined]
                case.report_signed_off_on,  # type: ignore[attr-defined]
            ]

    return Table(title="Dashboard", headings=DASHBOARD_HEADINGS, rows=rows())


DASHBOARD_HEADINGS = (
    "Local authority",
    "Region",
    "Stage",
    "Instruments in force",
    "Commissioner or adviser",
    "Service priorities (latest rating)",
    "Overdue deadlines",
    "Oldest overdue",
    "Next deadline",
    "Next deadline: what",
    "Instructions awaiting the commissioner",
    "Latest review held on",
    "Latest review's recommendation",
    "Latest report to the Minister",
    "Signed off on",
)


# --- A case's timeline (issue 16, item 3) ----------------------------------------------------------


TIMELINE_EVENTS = 10


@dataclass
class TimelineWindow:
    """A page of a case's timeline: the latest events on the first page, earlier ones on later pages."""

    events: list[Event]  # oldest first within the page
    number: int
    has_earlier: bool  # a next page, of older events

    @property
    def has_later(self) -> bool:
        return self.number > 1


def case_events(user: Any, case: Intervention, *, page: int = 1, per_page: int = TIMELINE_EVENTS) -> TimelineWindow:
    """What happened to the case, a page at a time, the latest page first: instruments issued and
    revoked, reviews held, reports signed off. Reviews and reports come through their `visible_to(user)`,
    so a draft report to the Minister is not on the timeline of someone who may not read it. One query
    (a UNION ALL of the four, limited), whatever the years of history."""
    page = max(page, 1)
    # The connection itself, not the proxy: each thread has its own, and the compiled query is kept per connection.
    db = connections[DEFAULT_DB_ALIAS]
    key = (db, reader_key(user), page, per_page)
    events_query = _CASE_EVENTS_QUERIES.get(key)
    if events_query is None:
        if len(_CASE_EVENTS_QUERIES) >= CASE_EVENTS_QUERIES_MAX:
            _CASE_EVENTS_QUERIES.clear()
        events_query = _CASE_EVENTS_QUERIES[key] = _case_events_query(db, user, page, per_page)
    rows = events_query.rows(db, case=case.pk)
    names = {"instrument": dict(InstrumentKind.choices), "review": dict(ReviewKind.choices), "report": {}}
    events = [
        Event(day, kind, f"{names[kind].get(label, label)} {verb}") for day, kind, label, verb, _ in rows[:per_page]
    ]
    return TimelineWindow(events=events[::-1], number=page, has_earlier=len(rows) > per_page)


# In place of the case in the timeline's compiled SQL (reviews.services.compiled): no case has it.
_TIMELINE_CASE_STAND_IN = -918_273_648
# The timeline's compiled queries, by connection, reader (`reader_key`) and page: kept in the process,
# as building the four-part UNION cost several times what the database takes to answer it. The rows
# are read afresh each visit; only the SQL is kept.
_CASE_EVENTS_QUERIES: dict[tuple[Any, ...], CompiledQuery] = {}
CASE_EVENTS_QUERIES_MAX = 256


def _case_events_query(db: Any, user: Any, page: int, per_page: int) -> CompiledQuery:
    """The timeline's query for the person's way of reading a case's reviews and reports, compiled with
    a stand-in for the case, which is swapped in at each visit."""

    def event(queryset: Any, *, day: str, kind: str, label: str, verb: str) -> Any:
        return (
            queryset.annotate(
                event_day=F(day),
                event_kind=Value(kind, output_field=CharField()),
                event_label=F(label),
                event_verb=Value(verb, output_field=CharField()),
                event_record=F("pk"),
            )
            .values_list("event_day", "event_kind", "event_label", "event_verb", "event_record")
            .order_by()
        )

    case = _TIMELINE_CASE_STAND_IN
    instruments = Instrument.objects.filter(intervention=case, status=InstrumentStatus.ISSUED)
    signed = ReportVersion.objects.filter(report=OuterRef("pk"), is_final=True).order_by("-signed_off_on")
    reports = (
        Report.objects.visible_to(user)
        .filter(intervention=case)
        .annotate(signed_off_on=Subquery(signed.values("signed_off_on")[:1]))
        .filter(signed_off_on__isnull=False)
    )
    held = Review.objects.visible_to(user).filter(intervention=case, status=ReviewStatus.HELD)
    parts = [
        event(instruments.exclude(issued_on=None), day="issued_on", kind="instrument", label="kind", verb="issued"),
        event(instruments.exclude(revoked_on=None), day="revoked_on", kind="instrument", label="kind", verb="revoked"),
        event(held, day="held_on", kind="review", label="kind", verb="held"),
        event(reports, day="signed_off_on", kind="report", label="title", verb="signed off"),
    ]
    newest_first = parts[0].union(*parts[1:], all=True).order_by("-event_day", "-event_kind", "-event_record")
    window = newest_first[(page - 1) * per_page : page * per_page + 1]
    return CompiledQuery.of(window, db, {"case": (_TIMELINE_CASE_STAND_IN, 4)})


def case_timeline_chart(case: Intervention, window: TimelineWindow, *, today: datetime.date) -> str:
    """The page's events on one axis: from the case's opening on the page of its earliest events, else
    from the page's first event; to today (or the closing) on the latest page, else to its last event."""
    events = window.events
    days = [event.day for event in events]
    start = days[0] if window.has_earlier and days else min([case.opened_on, *days])
    end = days[-1] if window.has_later and days else max([case.closed_on or today, *days])
    if window.has_earlier or window.has_later:
        title = f"{case.local_authority.name}: instruments, reviews and reports from {start:%B %Y} to {end:%B %Y}"
    else:
        title = f"{case.local_authority.name}: instruments, reviews and reports since {case.opened_on:%B %Y}"
    return case_timeline(title=title, events=events, start=start, end=end, chart_id=f"case-{case.pk}-timeline")
