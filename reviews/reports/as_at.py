"""The case as it stood at the end of a day, rebuilt from the history tables, so that a report for a
past period says what was true then, however the records have changed since (issue 14, item 1).

The rule (docs/reports.md, "True as at the period"):

1. A record's state as at day T is its latest historical version saved by the end of T (London time).
2. Most of the case was entered after the fact, so a record may have no version by T. If its domain
   dates say it existed at T (an instruction issued by T, a measurement for a period ending by T, a
   deadline whose instrument was issued by T, a plan action loaded with a plan approved by T), its
   state as at T is its earliest recorded version: the state as first recorded. A record its domain
   dates do not place at T is left out.
3. Domain dates beat history dates: a deadline met (`met_on`) after T was open at T, and one recorded
   as met later but met on or before T was met; an instruction whose acceptance as complied (its
   "accepted" response, else its first complied version) came after T was not complied at T.

The rows returned are the current rows (for their identity and relations) with every field the
history keeps overwritten by the version as at T. Each function costs a fixed number of queries,
however many records. Read-only: nothing here writes."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from directions.enums import Cadence, InstructionStatus, ResponseKind
from directions.models import Instruction, InstructionResponse, Instrument, ReportingObligation
from intervention.models import Intervention
from reviews.enums import DeadlineStatus
from reviews.models import Deadline, ImprovementPlan, Indicator, Measurement, PlanAction, ProgressUpdate

M = TypeVar("M", bound=models.Model)


def end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after `day` in London: a version saved before it was saved by the end of the day."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)  # the London date, not the UTC one


@dataclass
class Versions:
    """One record's history, oldest first, and the version that stood at the end of the day."""

    rows: list[Any]
    at: Any  # the latest version by the day, else the earliest recorded one
    recorded_by_then: bool  # whether any version was saved by the end of the day

    @property
    def first_recorded(self) -> datetime.date:
        return local_date(self.rows[0].history_date)


def histories(model: type[models.Model], ids: Iterable[int], day: datetime.date, **scope: Any) -> dict[int, Versions]:
    """Every version of the records, in one query, with the one that stood at the end of `day`.
    `scope` narrows the history by a parent instead of listing thousands of ids in the query."""
    cutoff = end_of(day)
    wanted = set(ids)
    by_id: dict[int, list[Any]] = {}
    rows = model.history.filter(**(scope or {"id__in": list(wanted)}))  # type: ignore[attr-defined]
    for row in rows.order_by("id", "history_date", "history_id"):
        if row.id in wanted:
            by_id.setdefault(row.id, []).append(row)
    result = {}
    for pk, versions in by_id.items():
        before = [row for row in versions if row.history_date < cutoff]
        at = before[-1] if before else versions[0]
        result[pk] = Versions(rows=versions, at=at, recorded_by_then=bool(before))
    return result


def overlay(obj: M, version: Any) -> M:
    """A copy of the current row carrying the version's values of every field the history keeps."""
    result = copy.copy(obj)
    for model_field in obj._meta.concrete_fields:
        if model_field.primary_key:
            continue
        name = model_field.attname
        if hasattr(version, name):
            setattr(result, name, getattr(version, name))
    return result


def _as_at(objects: Sequence[M], day: datetime.date, **scope: Any) -> list[tuple[M, Versions]]:
    """The records with their versions as at the day. A record with no history at all (made outside
    the services, say by a raw import) stands as it is now: there is nothing older to go by."""
    if not objects:
        return []
    versions = histories(type(objects[0]), [obj.pk for obj in objects], day, **scope)
    result = []
    for obj in objects:
        found = versions.get(obj.pk)
        if found is None:
            result.append((obj, Versions(rows=[], at=None, recorded_by_then=True)))
        else:
            result.append((overlay(obj, found.at), found))
    return result


# --- Plan actions -------------------------------------------------------------------------------


def plan_actions_as_at(case: Intervention, day: datetime.date) -> list[PlanAction]:
    """The improvement plan actions as they stood at the end of the day, by due date. An action first
    recorded after the day counts only if it was loaded with its plan (recorded the same day as the
    plan was) and the plan was approved by then: one added to the plan later was not in it."""
    actions = list(
        PlanAction.objects.filter(objective__plan__intervention=case).select_related("objective__plan").order_by("pk")
    )
    plans = {action.objective.plan for action in actions}
    plan_versions = histories(ImprovementPlan, [plan.pk for plan in plans], day)
    result = []
    for action, versions in _as_at(actions, day):
        if not versions.recorded_by_then:
            plan = plan_versions.get(action.objective.plan_id)
            approved_on = plan.at.approved_on if plan else action.objective.plan.approved_on
            if (
                plan is None
                or approved_on is None
                or approved_on > day
                or versions.first_recorded != plan.first_recorded
            ):
                continue
        result.append(action)
    return sorted(result, key=lambda action: (action.due_on, action.pk))


# --- Instructions -------------------------------------------------------------------------------


@dataclass
class InstructionAsAt:
    instruction: Instruction  # as it stood at the end of the day
    complied_on: datetime.date | None  # when it was accepted as complied, if it had been by then


RESPONSE_STATUS: dict[str, str] = {
    ResponseKind.ACKNOWLEDGED: InstructionStatus.ACKNOWLEDGED,
    ResponseKind.PROGRESS: InstructionStatus.IN_PROGRESS,
    ResponseKind.SUBMITTED: InstructionStatus.SUBMITTED,
    ResponseKind.RETURNED: InstructionStatus.IN_PROGRESS,
}


def instructions_as_at(case: Intervention, day: datetime.date) -> list[InstructionAsAt]:
    """The instructions issued by the end of the day, with their status then, by number."""
    current = list(Instruction.objects.filter(intervention=case).order_by("number"))
    responses: dict[int, list[tuple[datetime.date, str]]] = {}
    for pk, kind, when in (
        InstructionResponse.objects.filter(instruction__in=[i.pk for i in current])
        .order_by("created_at", "pk")
        .values_list("instruction_id", "kind", "created_at")
    ):
        responses.setdefault(pk, []).append((local_date(when), kind))
    result = []
    for instruction, versions in _as_at(current, day):
        if instruction.issued_on > day:
            continue
        rounds = responses.get(instruction.pk, [])
        accepted = next((on for on, kind in rounds if kind == ResponseKind.ACCEPTED), None)
        first_complied = next(
            (index for index, row in enumerate(versions.rows) if row.status == InstructionStatus.COMPLIED), None
        )
        complied_on = accepted or (
            local_date(versions.rows[first_complied].history_date) if first_complied is not None else None
        )
        if instruction.status == InstructionStatus.COMPLIED and (complied_on is None or complied_on > day):
            # Accepted as complied after the day: it stood as it did before, by its responses up to the
            # day where there are any, else by the version before the complied one.
            by_then = [RESPONSE_STATUS[kind] for on, kind in rounds if on <= day and kind in RESPONSE_STATUS]
            earlier = versions.rows[:first_complied] if first_complied else []
            instruction.status = (
                by_then[-1] if by_then else (earlier[-1].status if earlier else InstructionStatus.ISSUED)
            )
        result.append(
            InstructionAsAt(
                instruction=instruction,
                complied_on=complied_on if instruction.status == InstructionStatus.COMPLIED else None,
            )
        )
    return result


# --- Deadlines ----------------------------------------------------------------------------------


def _source_existed(deadline: Deadline, day: datetime.date) -> bool:
    """Whether what gives a deadline its date was there by the day: its instrument issued (and, for a
    date counted from an event, the event happened), its inspection's report received. A deadline
    entered by hand, with no rule behind it, is taken as known from the start."""
    if deadline.obligation is not None:
        obligation = deadline.obligation
        issued_on = obligation.instrument.issued_on
        event_by_then = obligation.event_on is None or obligation.event_on <= day
        return issued_on is not None and issued_on <= day and event_by_then
    if deadline.clause is not None:
        issued_on = deadline.clause.instrument.issued_on
        return issued_on is not None and issued_on <= day
    if deadline.inspection is not None:
        received = deadline.counted_from or deadline.inspection.published_on
        return received is not None and received <= day
    # A cabinet paper's deadline is made when its words are written: after the day. One entered by
    # hand, with no rule behind it, has nothing to date it by but its own date.
    return deadline.cabinet_paper_id is None


def deadlines_as_at(case: Intervention, day: datetime.date) -> list[Deadline]:
    """The case's deadlines as they stood at the end of the day, by due date: neither cancelled nor
    from before the case's record then. A deadline met after the day was open at the end of it."""
    current = list(
        Deadline.objects.filter(intervention=case).select_related(
            "obligation__instrument", "clause__instrument", "inspection"
        )
    )
    result = []
    for deadline, versions in _as_at(current, day):
        if not versions.recorded_by_then and not _source_existed(deadline, day):
            continue
        if deadline.status == DeadlineStatus.MET and (deadline.met_on is None or deadline.met_on > day):
            deadline.status, deadline.met_on = DeadlineStatus.OPEN, None
        elif deadline.status == DeadlineStatus.OPEN:
            # Recorded as met later, but met by the day: it was met then (the domain date wins).
            met = next(
                (
                    row
                    for row in versions.rows
                    if row.status == DeadlineStatus.MET and row.met_on is not None and row.met_on <= day
                ),
                None,
            )
            if met is not None:
                deadline.status, deadline.met_on = DeadlineStatus.MET, met.met_on
        if deadline.status in (DeadlineStatus.CANCELLED, DeadlineStatus.HISTORICAL):
            continue
        result.append(deadline)
    return sorted(result, key=lambda deadline: (deadline.due_on, deadline.pk))


# --- Indicators and ratings ---------------------------------------------------------------------


def indicators_as_at(
    priority_ids: Sequence[int], day: datetime.date, *, since: datetime.date | None = None
) -> list[tuple[Indicator, list[Measurement]]]:
    """The priorities' indicators as they stood at the end of the day (target, name, order), each with
    its values for periods ending by then, as recorded by then (else as first recorded). An
    indicator first recorded after the day counts only if it has a value for a period by then.

    With `since`, only the values for periods ending from `since` and, before it, the latest one (the
    baseline a report compares with) are read, with their history: a report over a period costs the
    same however many years of values lie before it."""
    indicators = list(Indicator.objects.filter(service_priority__in=priority_ids))
    indicator_ids = [indicator.pk for indicator in indicators]
    measurements = Measurement.objects.filter(indicator__in=indicator_ids, period_end__lte=day)
    if since is None:
        wanted = list(measurements)
        scope: dict[str, Any] = {"indicator_id__in": indicator_ids}
    else:
        # Two before the period an indicator, should a correction since have moved the latest's period.
        latest_before = (
            measurements.filter(period_end__lt=since)
            .annotate(newest=Window(RowNumber(), partition_by=[F("indicator_id")], order_by=F("period_end").desc()))
            .filter(newest__lte=2)
        )
        wanted = list(measurements.filter(period_end__gte=since)) + list(latest_before)
        scope = {}  # the fetched values' own history, by id
    values: dict[int, list[Measurement]] = {}
    for measurement, _versions in _as_at(wanted, day, **scope):
        if measurement.period_end <= day:
            values.setdefault(measurement.indicator_id, []).append(measurement)
    if since is not None:
        for indicator_id, found in values.items():
            before = [m for m in found if m.period_end < since]
            latest = max(before, key=lambda m: m.period_end, default=None)
            values[indicator_id] = [m for m in found if m.period_end >= since or m is latest]
    result = []
    for indicator, versions in _as_at(indicators, day):
        own = sorted(values.get(indicator.pk, []), key=lambda m: m.period_end)
        if not versions.recorded_by_then and not own:
            continue
        result.append((indicator, own))
    result.sort(key=lambda pair: (pair[0].service_priority_id, pair[0].position, pair[0].pk))
    return result


def progress_updates_as_at(priority_ids: Sequence[int], day: datetime.date) -> list[ProgressUpdate]:
    """The updates on the priorities for periods ending by the day, with their ratings as recorded by
    then (else as first recorded), latest period first."""
    updates = list(
        ProgressUpdate.objects.filter(service_priority__in=priority_ids, period_end__lte=day).only(
            "pk", "service_priority_id", "rag", "period_end", "period_start", "created_at"
        )
    )
    kept = [update for update, _versions in _as_at(updates, day) if update.period_end <= day]
    return sorted(kept, key=lambda u: (u.period_end, u.created_at, u.pk), reverse=True)


def rating_as_at(day: datetime.date, priority: Any = None) -> Coalesce:
    """A service priority's latest rating as it stood at the end of the day, in SQL, for annotating
    priorities (`priority` is the priority's pk, by default the outer query's): the rating of its
    update with the latest period ending by then (then the latest made, then the newest), each update
    as it stood (rule 1, else rule 2: its earliest version). `progress_updates_as_at`'s rule, read
    newest first from the history's (priority, period, made) index and stopping at the first version
    that stood then, so its cost does not follow the years of updates. Withdrawn updates are left out,
    as they are everywhere. An update with no history at all (loaded outside the services) stands as
    it is now; those are counted only when the priority has no update with history by then."""
    cutoff = end_of(day)
    priority = OuterRef("pk") if priority is None else priority
    history = ProgressUpdate.history.model.objects
    same_update = history.filter(id=OuterRef("id")).exclude(history_id=OuterRef("history_id"))
    saved_before = Q(history_date__lt=OuterRef("history_date")) | Q(
        history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")
    )
    saved_after = Q(history_date__gt=OuterRef("history_date")) | Q(
        history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id")
    )
    stood = history.filter(
        Exists(ProgressUpdate.objects.filter(pk=OuterRef("id"), period_end__lte=day)),
        service_priority=priority,
        period_end__lte=day,
    ).filter(
        # Rule 1: saved by the end of the day, and no later version saved by then.
        Q(~Exists(same_update.filter(saved_after, history_date__lt=cutoff)), history_date__lt=cutoff)
        # Rule 2: nothing saved by then, and this is the earliest version.
        | Q(~Exists(same_update.filter(saved_before)), history_date__gte=cutoff)
    )
    newest = (
        ProgressUpdate.objects.filter(service_priority=priority, period_end__lte=day)
        .annotate(unrecorded_rag=Case(When(~Exists(history.filter(id=OuterRef("pk"))), then=F("rag"))))
        .order_by("-period_end", "-created_at", "-pk")
    )
    return Coalesce(
        Subquery(stood.order_by("-period_end", "-created_at", "-id").values("rag")[:1]),
        Subquery(newest.values("unrecorded_rag")[:1]),
    )


# --- Instruments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstrumentStanding:
    """Whether an instrument stood as issued on a day, or had been revoked, when and by what."""

    day: datetime.date
    issued_on: datetime.date | None
    revoked_on: datetime.date | None
    revoked_by: str  # the revoking instrument, or the revoking letter's reference

    @property
    def is_revoked(self) -> bool:
        return self.revoked_on is not None

    @property
    def words(self) -> str:
        if self.issued_on is None or self.issued_on > self.day:
            return "Draft: not issued"
        if self.revoked_on is None:
            return "As issued"
        by = f" by {self.revoked_by}" if self.revoked_by else ""
        return f"Revoked on {self.revoked_on:%-d %B %Y}{by}"


def instrument_standing(instrument: Instrument, day: datetime.date) -> InstrumentStanding:
    """The instrument as it stood on the day: revoked only if its revocation took effect by then."""
    revoked_on = instrument.revoked_on if instrument.revoked_on and instrument.revoked_on <= day else None
    by = ""
    if revoked_on is not None:
        revoking = Instrument.objects.filter(revokes=instrument).first()
        if revoking is not None and revoking.issued_on is not None:
            by = f"the {revoking.get_kind_display().lower()} of {revoking.issued_on:%-d %B %Y}"
        elif instrument.revocation_reference:
            by = instrument.revocation_reference
    issued_on = instrument.issued_on if instrument.is_issued else None
    return InstrumentStanding(day=day, issued_on=issued_on, revoked_on=revoked_on, revoked_by=by)


def document_day(report: Any, version: Any = None) -> datetime.date:
    """The date a document is as at: its period's end if it has one, else the day its version was
    asked for (else today)."""
    if report.period_end is not None:
        return report.period_end
    requested_at = getattr(version, "requested_at", None)
    return local_date(requested_at) if requested_at else timezone.localdate()


def obligations_waiting_as_at(instruments: Sequence[Instrument], day: datetime.date) -> list[ReportingObligation]:
    """The instruments' "N months after an event" obligations still waiting for their event at the end
    of the day, described as they stood then: an event recorded since had not happened."""
    waiting = ReportingObligation.objects.filter(
        Q(event_on__isnull=True) | Q(event_on__gt=day),
        instrument__in=[instrument.pk for instrument in instruments],
        cadence=Cadence.MONTHS_AFTER_EVENT,
    ).order_by("pk")
    result = []
    for obligation, _versions in _as_at(list(waiting), day):
        if obligation.event_on is not None and obligation.event_on > day:
            obligation.event_on = None
        if obligation.event_on is None:
            result.append(obligation)
    return result
