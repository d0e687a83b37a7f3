"""Deadlines: materialising them from the rules, marking them met or moving them by hand, and
deciding the reminders and overdue notices about them, each exactly once."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from directions.enums import Deliverer, InstrumentStatus, Recipient
from directions.models import Clause, Instrument, ReportingObligation
from directions.schedule import Rule, RuleError, due_dates
from intervention.dates import add_months, add_working_days, latest_notice_for_clear_days
from intervention.enums import COUNCIL_ROLES, DFE_ROLES, Organisation, Role
from intervention.models import (
    Appointment,
    ExtraBankHoliday,
    Inspection,
    Intervention,
    LocalAuthority,
    OutboxItem,
    Person,
)
from intervention.permissions import Capability, can_change, has_capability
from intervention.queue import lease_for, promise, stable_message_id
from intervention.services import save_with_history
from reviews.enums import (
    OFSTED_WORKING_DAYS,
    CabinetRequirement,
    DeadlineStatus,
    NotificationKind,
    OfstedRequirement,
)
from reviews.models import CabinetPaper, Deadline, Notification

logger = logging.getLogger(__name__)

MONTHS_AHEAD = 18
MAY_NOT_UPDATE = "You cannot change {authority}'s deadlines"
ALREADY_MET = "This deadline was already met on {met_on:%-d %B %Y}"
CANCELLED = "This deadline was cancelled: {reason}"
MOVED_BY_RULE = "The rule changed"
NO_LONGER_DUE = "No longer due under the changed rule"
REVOKED = "The {kind} was revoked on {revoked_on:%-d %B %Y}"
CASE_CLOSED = "The intervention was closed on {closed_on:%-d %B %Y}"
SYSTEM_REASON = "Materialised from the rules"
CORRECTED = "The rule's date was corrected from {old:%-d %B %Y} to {new:%-d %B %Y}"
NO_LONGER_DUE_CORRECTED = "The rule's date was corrected: {old:%-d %B %Y} is no longer due"
HAND_DATE_KEPT = "The rule now gives {rule:%-d %B %Y}; this date was set by hand to {hand:%-d %B %Y}"
HAND_DATE_KEPT_NO_RULE = "The rule no longer gives a date here; this date was set by hand to {hand:%-d %B %Y}"
MET_NOT_IN_RULE = "Met, but the rule no longer gives {day:%-d %B %Y}: left for a person to decide"
BEFORE_THE_RECORD = "Due before the case was recorded from {recorded_from:%-d %B %Y}: whether it was met is not known"
AFTER_THE_RECORD = "The case is now recorded from {recorded_from}: due again"
CHOOSE_DEADLINES = "Choose the deadlines that were met"


@dataclass
class MaterialiseReport:
    created: int = 0
    moved: int = 0
    cancelled: int = 0
    reopened: int = 0
    failed: list[str] = field(default_factory=list)

    def add(self, other: MaterialiseReport) -> None:
        self.created += other.created
        self.moved += other.moved
        self.cancelled += other.cancelled
        self.reopened += other.reopened
        self.failed += other.failed


def extra_holidays() -> frozenset[datetime.date]:
    return frozenset(ExtraBankHoliday.objects.values_list("date", flat=True))


def _horizon(today: datetime.date) -> datetime.date:
    return add_months(today, MONTHS_AHEAD)


def _end_for(instrument: Instrument, today: datetime.date) -> datetime.date:
    """Deadlines run to 18 months ahead, and no further than the instrument's revocation."""
    horizon = _horizon(today)
    if instrument.revoked_on:
        return min(horizon, instrument.revoked_on - datetime.timedelta(days=1))
    return horizon


def _cancel(deadline: Deadline, reason: str, report: MaterialiseReport) -> None:
    deadline.status = DeadlineStatus.CANCELLED
    deadline.cancelled_reason = reason
    save_with_history(deadline, by=None, reason=f"Cancelled: {reason}")
    report.cancelled += 1


@transaction.atomic
def materialise_obligation(obligation: ReportingObligation, *, today: datetime.date) -> MaterialiseReport:
    """Bring the obligation's deadlines into line with its rule. Steps:
    1. compute its due dates from its anchor (so a case entered after the fact shows its whole
       record) to 18 months ahead, no further than the instrument's revocation;
    2. never change a met deadline: if the rule no longer gives its date, flag it for a person;
    3. move future open deadlines the rule no longer gives to the new dates, in order; cancel any
       left over;
    4. cancel past open deadlines the rule no longer gives ("the rule's date was corrected from …
       to …"); a date set by hand is kept, moved and flagged instead, in the future or the past;
    5. create every date still missing, past or future (reopening one cancelled earlier on that date);
    6. cancel future open deadlines on or after the instrument's revocation.
    Safe to run twice, or twice at once: the (obligation, date) unique constraint decides."""
    report = MaterialiseReport()
    instrument = obligation.instrument
    existing = {d.computed_on: d for d in Deadline.objects.select_for_update().filter(obligation=obligation)}
    if instrument.status != InstrumentStatus.ISSUED:
        return report
    if instrument.revoked_on:
        for deadline in existing.values():
            if deadline.status == DeadlineStatus.OPEN and deadline.due_on >= instrument.revoked_on:
                _cancel(
                    deadline,
                    REVOKED.format(kind=instrument.get_kind_display().lower(), revoked_on=instrument.revoked_on),
                    report,
                )
    rule = Rule.of(obligation, extra_holidays())
    start = min(filter(None, [rule.anchor_on, rule.due_on, rule.event_on, instrument.issued_on]))
    wanted = set(due_dates(rule, start, _end_for(instrument, today)))

    revoked_on = instrument.revoked_on
    movable = sorted(
        (
            deadline
            for day, deadline in existing.items()
            if day not in wanted
            and day >= today
            and deadline.status == DeadlineStatus.OPEN
            and not (revoked_on and day >= revoked_on)
        ),
        key=lambda deadline: deadline.computed_on,
    )
    missing = sorted(day for day in wanted if day not in existing and day >= today)
    moved_to = set()
    for deadline, day in zip(movable, missing, strict=False):
        deadline.computed_on = day
        if deadline.override_on:
            deadline.rule_note = HAND_DATE_KEPT.format(rule=day, hand=deadline.override_on)
        save_with_history(deadline, by=None, reason=MOVED_BY_RULE)
        moved_to.add(day)
        report.moved += 1
    for deadline in movable[len(missing) :]:
        _cancel(deadline, NO_LONGER_DUE, report)
    # A correction reaches the past: a past open deadline the rule no longer gives is cancelled
    # (kept, with the old and new dates) and the right one created; a date set by hand is kept
    # and flagged; a met one is never touched, only flagged for a person to decide.
    stale = sorted(
        (
            deadline
            for day, deadline in existing.items()
            if day not in wanted
            and day < today
            and deadline.status == DeadlineStatus.OPEN
            and not (revoked_on and day >= revoked_on)
        ),
        key=lambda deadline: deadline.computed_on,
    )
    past_missing = sorted(day for day in wanted if day not in existing and day < today)
    for index, deadline in enumerate(stale):
        new = past_missing[index] if index < len(past_missing) else None
        if deadline.override_on:
            deadline.rule_note = (
                HAND_DATE_KEPT.format(rule=new, hand=deadline.override_on)
                if new
                else HAND_DATE_KEPT_NO_RULE.format(hand=deadline.override_on)
            )
            if new:
                deadline.computed_on = new
                moved_to.add(new)
            save_with_history(deadline, by=None, reason=MOVED_BY_RULE)
            report.moved += 1
        else:
            reason = (
                CORRECTED.format(old=deadline.computed_on, new=new)
                if new
                else NO_LONGER_DUE_CORRECTED.format(old=deadline.computed_on)
            )
            _cancel(deadline, reason, report)
    for day, deadline in existing.items():
        if deadline.status == DeadlineStatus.MET and day not in wanted and not deadline.rule_note:
            deadline.rule_note = MET_NOT_IN_RULE.format(day=day)
            save_with_history(deadline, by=None, reason=MOVED_BY_RULE)
    for day in sorted(wanted - moved_to):
        current = existing.get(day)
        if current is None:
            _create(
                report,
                intervention=instrument.intervention,
                obligation=obligation,
                what=obligation.what,
                delivered_by=obligation.get_deliverer_display(),
                deliverer=obligation.deliverer,
                recipient=obligation.get_recipient_display(),
                computed_on=day,
            )
        elif current.status == DeadlineStatus.CANCELLED and (
            current.cancelled_reason == NO_LONGER_DUE or current.cancelled_reason.startswith("The rule's date was")
        ):
            current.status = (
                DeadlineStatus.HISTORICAL if _before_the_record(instrument.intervention, day) else DeadlineStatus.OPEN
            )
            current.cancelled_reason = ""
            save_with_history(current, by=None, reason="Due again under the changed rule")
            report.reopened += 1
    _follow_parties(obligation, existing.values())
    return report


def _follow_parties(obligation: ReportingObligation, deadlines: Iterable[Deadline]) -> None:
    """Open deadlines follow a corrected deliverer or recipient (met and cancelled ones keep theirs)."""
    parties = {
        "deliverer": obligation.deliverer,
        "delivered_by": obligation.get_deliverer_display(),
        "recipient": obligation.get_recipient_display(),
    }
    for deadline in deadlines:
        _take_parties(deadline, parties)


def _take_parties(deadline: Deadline, parties: dict[str, str]) -> None:
    """An open deadline follows a corrected deliverer or recipient (met and cancelled ones keep theirs)."""
    if deadline.status == DeadlineStatus.OPEN and any(getattr(deadline, k) != v for k, v in parties.items()):
        for name, value in parties.items():
            setattr(deadline, name, value)
        save_with_history(deadline, by=None, reason="Who delivers or receives it changed")


def unaddressed_reminders(intervention: Intervention) -> list[Notification]:
    """Reminders and notices of the case's open deadlines that nobody who delivers them could be
    sent: flagged to the DfE case lead on the case's deadlines page."""
    return list(
        Notification.objects.filter(
            deadline__intervention=intervention,
            deadline__status=DeadlineStatus.OPEN,
            unaddressed=True,
            skipped=False,
            kind__in=[NotificationKind.REMINDER, NotificationKind.OVERDUE],
        ).select_related("deadline")
    )


def unaddressed_authority_reminders(authority: LocalAuthority) -> list[Notification]:
    """The same, for an authority's Ofsted deadlines that belong to no case: shown on its page."""
    return list(
        Notification.objects.filter(
            deadline__intervention__isnull=True,
            deadline__inspection__local_authority=authority,
            deadline__status=DeadlineStatus.OPEN,
            unaddressed=True,
            skipped=False,
            kind__in=[NotificationKind.REMINDER, NotificationKind.OVERDUE],
        ).select_related("deadline__inspection__local_authority")
    )


def unaddressed_reason(notification: Notification) -> str:
    deliverer = deliverer_of(notification.deadline)
    label = str(Deliverer(deliverer).label) if deliverer in Deliverer.values else notification.deadline.delivered_by
    label = label or "The deliverer"
    if notification.deadline.intervention_id is None:
        return NOBODY_AT_THE_COUNCIL
    return NOBODY_TO_REMIND.format(deliverer=label[0].lower() + label[1:])


IDENTITY_FIELDS = ("obligation", "computed_on", "clause", "inspection", "ofsted_requirement")


def _create(report: MaterialiseReport, **fields: Any) -> None:
    """Create one deadline unless a parallel run just did: the savepoint keeps our transaction usable."""
    deadline = Deadline(**fields)
    reason = SYSTEM_REASON
    case = deadline.intervention  # None for an Ofsted deadline of a council with no case open
    if case is not None and _before_the_record(case, deadline.computed_on):
        deadline.status = DeadlineStatus.HISTORICAL  # a case entered after the fact (issue 13, item 12)
        reason = f"{SYSTEM_REASON}. {BEFORE_THE_RECORD.format(recorded_from=case.recorded_from)}"
    try:
        with transaction.atomic():
            save_with_history(deadline, by=None, reason=reason)
    except (IntegrityError, ValidationError):
        identity = {name: fields[name] for name in IDENTITY_FIELDS if name in fields}
        if not Deadline.objects.filter(**identity).exists():
            raise
        return
    report.created += 1


COVERED = "Covered by the reporting obligation “{what}”: one deadline for the report"


def _clause_parties(clause: Clause) -> dict[str, str]:
    """Who delivers a dated paragraph and who receives it, as asked when it was dated; one dated
    before that was asked is read as the council to the Secretary of State."""
    deliverer = Deliverer(clause.deliverer or Deliverer.COUNCIL)
    recipient = Recipient(clause.recipient or Recipient.SECRETARY_OF_STATE)
    return {"deliverer": deliverer.value, "delivered_by": str(deliverer.label), "recipient": str(recipient.label)}


@transaction.atomic
def materialise_clause(clause: Clause, *, today: datetime.date) -> MaterialiseReport:
    """A dated deliverable in a direction ("by 31 December 2017") is one deadline: the covering
    obligation's, when one covers it (its own, if made before, is cancelled and kept), else its own,
    from whoever the paragraph says delivers it to whoever receives it."""
    report = MaterialiseReport()
    instrument = clause.instrument
    if clause.due_on is None or instrument.status != InstrumentStatus.ISSUED:
        return report
    deadline = Deadline.objects.select_for_update().filter(clause=clause).first()
    if clause.covered_by is not None:
        if deadline is not None and deadline.status == DeadlineStatus.OPEN:
            _cancel(deadline, COVERED.format(what=clause.covered_by.what), report)
        return report
    parties = _clause_parties(clause)
    if deadline is None:
        _create(
            report,
            intervention=instrument.intervention,
            clause=clause,
            what=f"Direction {clause.reference}: {clause.text[:250]}",
            computed_on=clause.due_on,
            **parties,
        )
        return report
    if deadline.status == DeadlineStatus.CANCELLED and deadline.cancelled_reason.startswith("Covered by"):
        deadline.status = DeadlineStatus.OPEN
        deadline.cancelled_reason = ""
        save_with_history(deadline, by=None, reason="No longer covered by a reporting obligation")
        report.reopened += 1
    _take_parties(deadline, parties)
    if deadline.status == DeadlineStatus.OPEN and deadline.computed_on != clause.due_on:
        deadline.computed_on = clause.due_on
        save_with_history(deadline, by=None, reason="The direction's date was amended")
        report.moved += 1
    if instrument.revoked_on and deadline.status == DeadlineStatus.OPEN and deadline.due_on >= instrument.revoked_on:
        _cancel(
            deadline,
            REVOKED.format(kind=instrument.get_kind_display().lower(), revoked_on=instrument.revoked_on),
            report,
        )
    return report


def _case_for_inspection(inspection: Inspection) -> Intervention | None:
    """The council's intervention the report bears on: the one open when the report arrived, else one
    opened since and still open (an inspection comes before the intervention it causes). None when
    the council has no intervention open: the deadlines then belong to the inspection alone."""
    cases = Intervention.objects.filter(local_authority=inspection.local_authority_id).order_by("-opened_on")
    received = inspection.report_received_on
    assert received is not None  # materialise_inspection returns before asking when it is not recorded
    for case in cases:
        if case.opened_on <= received and (case.closed_on is None or case.closed_on >= received):
            return case
    return next((case for case in cases if case.closed_on is None and case.opened_on > received), None)


RECEIPT_CHANGED = "The report's date of receipt changed from {old:%-d %B %Y} to {new:%-d %B %Y}"
HOLIDAYS_CHANGED = "Bank holidays changed: {days} working days from {received:%-d %B %Y} end on {due:%-d %B %Y}"
HOLIDAYS_CHANGED_NAMING = (
    "Bank holiday {holidays} counted: {days} working days from {received:%-d %B %Y} end on {due:%-d %B %Y}"
)


def _ofsted_moved_reason(
    deadline: Deadline, received: datetime.date, days: int, due: datetime.date, holidays: frozenset[datetime.date]
) -> str:
    """Say what moved an Ofsted deadline: the date of receipt it is counted from, or the bank holidays
    counted (for one counted before the date of receipt was kept, a one-off holiday in its window)."""
    if deadline.counted_from is not None and deadline.counted_from != received:
        return RECEIPT_CHANGED.format(old=deadline.counted_from, new=received)
    named = sorted(day for day in holidays if received < day <= max(due, deadline.computed_on))
    if deadline.counted_from is None and not named:
        return "The report's date of receipt changed"
    if not named:
        return HOLIDAYS_CHANGED.format(days=days, received=received, due=due)
    listed = ", ".join(f"{day:%-d %B %Y}" for day in named)
    return HOLIDAYS_CHANGED_NAMING.format(days=days, received=received, due=due, holidays=listed)


@transaction.atomic
def materialise_inspection(inspection: Inspection, *, today: datetime.date) -> MaterialiseReport:
    """Once the report's receipt is recorded: publish within 30 working days, action plan within 70.
    The duty falls on the council whatever its intervention status: with no intervention open the
    deadlines belong to the inspection (and show on the authority's case pages)."""
    report = MaterialiseReport()
    received = inspection.report_received_on
    if received is None:
        return report
    case = _case_for_inspection(inspection)
    holidays = extra_holidays()
    for requirement, days in OFSTED_WORKING_DAYS.items():
        due = add_working_days(received, days, holidays)
        deadline = (
            Deadline.objects.select_for_update().filter(inspection=inspection, ofsted_requirement=requirement).first()
        )
        if deadline is None:
            _create(
                report,
                intervention=case,
                inspection=inspection,
                ofsted_requirement=requirement,
                what=f"{OfstedRequirement(requirement).label} ({days} working days after receiving it)",
                delivered_by=Deliverer.COUNCIL.label,
                deliverer=Deliverer.COUNCIL,
                recipient="Ofsted" if requirement == OfstedRequirement.ACTION_PLAN else "the public",
                computed_on=due,
                counted_from=received,
            )
            continue
        if deadline.status == DeadlineStatus.OPEN and deadline.computed_on != due:
            reason = _ofsted_moved_reason(deadline, received, days, due, holidays)
            deadline.computed_on = due
            deadline.counted_from = received
            save_with_history(deadline, by=None, reason=reason)
            report.moved += 1
        elif deadline.counted_from != received:
            deadline.counted_from = received
            save_with_history(deadline, by=None, reason="The date of receipt it was counted from, kept")
    return report


CABINET_AGENDA_CLEAR_DAYS = 5  # a cabinet report is published with the agenda, five clear days before
# A key decision is made only after 28 clear days' public notice (the Local Authorities (Executive
# Arrangements) (Meetings and Access to Information) (England) Regulations 2012, regulation 9).
KEY_DECISION_CLEAR_DAYS = 28
CABINET_PUBLICATION = (
    "Publish the cabinet report “{title}” ({clear_days} clear days before {meeting} on {day:%-d %B %Y})"
)
CABINET_KEY_DECISION = (
    "Give notice of the key decision in the cabinet report “{title}” "
    "({clear_days} clear days before {meeting} on {day:%-d %B %Y})"
)
CABINET_MEETING_MOVED = "The meeting moved to {day:%-d %B %Y}"
CABINET_MEETING_UNDATED = "The meeting's date was taken away"
NOT_A_KEY_DECISION = "The decision is no longer a key decision"
CABINET_REQUIREMENTS = {
    CabinetRequirement.PUBLISH: (CABINET_AGENDA_CLEAR_DAYS, CABINET_PUBLICATION, "The cabinet meeting was dated"),
    CabinetRequirement.KEY_DECISION_NOTICE: (
        KEY_DECISION_CLEAR_DAYS,
        CABINET_KEY_DECISION,
        "The cabinet meeting was dated for a key decision",
    ),
}


@transaction.atomic
def schedule_cabinet_deadlines(paper: CabinetPaper, *, by: Any) -> list[Deadline]:
    """A cabinet report's deadlines before its meeting, neither the day of notice nor the meeting day
    counting (`latest_notice_for_clear_days`): its publication, five clear days before, and for a key
    decision the notice of it, 28 clear days before. They follow the meeting's date; without one, or
    once the decision is no longer a key one, an open deadline is cancelled (kept)."""
    scheduled = []
    for requirement in CABINET_REQUIREMENTS:
        wanted = requirement == CabinetRequirement.PUBLISH or paper.is_key_decision
        deadline = _schedule_cabinet(paper, requirement, wanted=wanted, by=by)
        if deadline is not None:
            scheduled.append(deadline)
    return scheduled


def _schedule_cabinet(paper: CabinetPaper, requirement: str, *, wanted: bool, by: Any) -> Deadline | None:
    deadline = Deadline.objects.select_for_update().filter(cabinet_paper=paper, cabinet_requirement=requirement).first()
    if paper.meeting_date is None or not wanted:
        if deadline is not None and deadline.status == DeadlineStatus.OPEN:
            reason = CABINET_MEETING_UNDATED if paper.meeting_date is None else NOT_A_KEY_DECISION
            _cancel(deadline, reason, MaterialiseReport())
        return deadline
    clear_days, wording, dated = CABINET_REQUIREMENTS[CabinetRequirement(requirement)]
    due = latest_notice_for_clear_days(paper.meeting_date, clear_days)
    what = wording.format(
        title=paper.report.title[:120],
        clear_days=clear_days,
        meeting=paper.meeting or "the meeting",
        day=paper.meeting_date,
    )[:300]
    if deadline is None:
        deadline = Deadline(
            intervention=paper.report.intervention,
            cabinet_paper=paper,
            cabinet_requirement=requirement,
            what=what,
            delivered_by=Deliverer.COUNCIL.label,
            deliverer=Deliverer.COUNCIL,
            recipient="the public",
            computed_on=due,
        )
        save_with_history(deadline, by=by, reason=dated)
        return deadline
    reopened = deadline.status == DeadlineStatus.CANCELLED and deadline.cancelled_reason in (
        CABINET_MEETING_UNDATED,
        NOT_A_KEY_DECISION,
    )
    if reopened:
        deadline.status = DeadlineStatus.OPEN
        deadline.cancelled_reason = ""
    if deadline.status == DeadlineStatus.OPEN and (reopened or (deadline.computed_on, deadline.what) != (due, what)):
        deadline.computed_on = due
        deadline.what = what
        save_with_history(deadline, by=by, reason=CABINET_MEETING_MOVED.format(day=paper.meeting_date))
    return deadline


def materialise_deadlines(
    *, today: datetime.date | None = None, intervention_id: int | None = None
) -> MaterialiseReport:
    """Materialise every obligation, dated clause and inspection report (of one case, or all).
    One bad rule is logged and skipped: it never stops the sweep for every other case."""
    today = today or timezone.localdate()
    total = MaterialiseReport()
    obligations = ReportingObligation.objects.select_related("instrument__intervention").filter(
        instrument__status=InstrumentStatus.ISSUED
    )
    clauses = Clause.objects.select_related("instrument__intervention", "parent__parent", "covered_by").filter(
        instrument__status=InstrumentStatus.ISSUED, due_on__isnull=False
    )
    inspections = Inspection.objects.filter(report_received_on__isnull=False)
    if intervention_id is not None:
        obligations = obligations.filter(instrument__intervention_id=intervention_id)
        clauses = clauses.filter(instrument__intervention_id=intervention_id)
        authority = Intervention.objects.filter(pk=intervention_id).values_list("local_authority_id", flat=True).first()
        inspections = inspections.filter(local_authority_id=authority)
    steps: Steps = (
        ("obligation", obligations, materialise_obligation),
        ("clause", clauses, materialise_clause),
        ("inspection", inspections, materialise_inspection),
    )
    _run_steps(steps, today=today, into=total)
    total.add(cancel_after_closing(intervention_id=intervention_id))  # a closed case stays closed (issue 13)
    total.add(apply_recorded_from(intervention_id=intervention_id))  # and a back-entered case's past stays past
    return total


Steps = tuple[tuple[str, Iterable[Any], Callable[..., MaterialiseReport]], ...]


def _run_steps(steps: Steps, *, today: datetime.date, into: MaterialiseReport) -> None:
    """Materialise each item of each step; one bad rule is logged and skipped, not the whole run."""
    for label, items, materialise in steps:
        for item in items:
            try:
                into.add(materialise(item, today=today))
            except (RuleError, ValidationError, ValueError) as error:
                logger.warning("Skipped %s %s: %s", label, item.pk, error)
                into.failed.append(f"{label} {item.pk}: {error}")


def materialise_instrument(instrument: Instrument, *, today: datetime.date | None = None) -> MaterialiseReport:
    """Materialise one instrument's obligations and dated paragraphs now, inside the transaction of
    the act that changed it (issuing or revoking it), so the result never waits for the worker; the
    worker's run after commit and the nightly sweep repair and extend. A bad rule is logged and
    skipped, as in the sweep."""
    today = today or timezone.localdate()
    total = MaterialiseReport()
    steps: Steps = (
        (
            "obligation",
            instrument.reporting_obligations.select_related("instrument__intervention"),
            materialise_obligation,
        ),
        (
            "clause",
            instrument.clauses.filter(due_on__isnull=False).select_related(
                "instrument__intervention", "parent__parent", "covered_by"
            ),
            materialise_clause,
        ),
    )
    _run_steps(steps, today=today, into=total)
    return total


@transaction.atomic
def cancel_after_closing(*, intervention_id: int | None = None) -> MaterialiseReport:
    """A closed case has nothing open from its closing date: cancel (and keep, with the reason) every
    open deadline due on or after it, whatever made it (an inspection's report received later too)."""
    report = MaterialiseReport()
    deadlines = (
        Deadline.objects.open()
        .with_due_on()
        .filter(intervention__closed_on__isnull=False, effective_due_on__gte=F("intervention__closed_on"))
        .select_related("intervention")
        .select_for_update(of=("self",))
    )
    if intervention_id is not None:
        deadlines = deadlines.filter(intervention_id=intervention_id)
    for deadline in deadlines:
        _cancel(deadline, CASE_CLOSED.format(closed_on=deadline.intervention.closed_on), report)
    return report


# --- Cases recorded after the fact (issue 13, item 12) ------------------------------------------


def _before_the_record(intervention: Intervention, day: datetime.date) -> bool:
    return intervention.recorded_from is not None and day < intervention.recorded_from


@transaction.atomic
def apply_recorded_from(*, intervention_id: int | None = None) -> MaterialiseReport:
    """Bring deadlines into line with their case's "recorded from" date: an open deadline due before
    it becomes historical (state unknown: never overdue, no reminders), and a historical one on or
    after it (the date was moved earlier, or cleared) is open again. Met and cancelled ones are never
    touched. Each change writes its own history row."""
    report = MaterialiseReport()
    deadlines = Deadline.objects.with_due_on().select_related("intervention").select_for_update(of=("self",))
    if intervention_id is not None:
        deadlines = deadlines.filter(intervention_id=intervention_id)
    to_history = deadlines.filter(
        status=DeadlineStatus.OPEN,
        intervention__recorded_from__isnull=False,
        effective_due_on__lt=F("intervention__recorded_from"),
    )
    for deadline in to_history:
        deadline.status = DeadlineStatus.HISTORICAL
        save_with_history(
            deadline, by=None, reason=BEFORE_THE_RECORD.format(recorded_from=deadline.intervention.recorded_from)
        )
        report.moved += 1
    back = deadlines.filter(status=DeadlineStatus.HISTORICAL).filter(
        Q(intervention__recorded_from__isnull=True) | Q(effective_due_on__gte=F("intervention__recorded_from"))
    )
    for deadline in back:
        recorded_from = deadline.intervention.recorded_from
        deadline.status = DeadlineStatus.OPEN
        save_with_history(
            deadline,
            by=None,
            reason=AFTER_THE_RECORD.format(
                recorded_from=f"{recorded_from:%-d %B %Y}" if recorded_from else "its opening"
            ),
        )
        report.reopened += 1
    return report


@transaction.atomic
def mark_deadlines_met(*, deadlines: Iterable[Deadline], met_on: datetime.date, note: str, by: Any) -> list[Deadline]:
    """Mark a selection met with one note, all or none: each goes through `mark_deadline_met`, so
    each is checked and gets its own history row."""
    chosen = list(deadlines)
    if not chosen:
        raise ValidationError(CHOOSE_DEADLINES)
    return [mark_deadline_met(deadline=deadline, met_on=met_on, note=note, by=by) for deadline in chosen]


def may_update_deadline(user: Any, deadline: Deadline) -> bool:
    """Mark met or move a date: DfE or the case's overseers on a case's deadline; DfE (and
    administrators) on an authority's Ofsted deadline that belongs to no case."""
    if deadline.intervention is None:
        return can_change(user, deadline)
    return has_capability(user, deadline.intervention, Capability.MANAGE_CASE) or has_capability(
        user, deadline.intervention, Capability.HOLD_REVIEWS
    )


def _require(user: Any, deadline: Deadline) -> None:
    if not may_update_deadline(user, deadline):
        raise PermissionDenied(MAY_NOT_UPDATE.format(authority=deadline.authority.name))


@transaction.atomic
def mark_deadline_met(*, deadline: Deadline, met_on: datetime.date, note: str, by: Any) -> Deadline:
    _require(by, deadline)
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if deadline.status == DeadlineStatus.MET:
        raise ValidationError(ALREADY_MET.format(met_on=deadline.met_on))
    if deadline.status == DeadlineStatus.CANCELLED:
        raise ValidationError(CANCELLED.format(reason=deadline.cancelled_reason))
    deadline.status = DeadlineStatus.MET
    deadline.met_on = met_on
    deadline.met_note = note.strip()
    save_with_history(deadline, by=by, reason=f"Met: {note.strip()}")
    return deadline


@transaction.atomic
def override_deadline_date(*, deadline: Deadline, due_on: datetime.date, reason: str, by: Any) -> Deadline:
    """Set a date by hand. The computed date is kept beside it, and both are shown."""
    _require(by, deadline)
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if deadline.status != DeadlineStatus.OPEN:
        raise ValidationError(
            ALREADY_MET.format(met_on=deadline.met_on)
            if deadline.met_on
            else CANCELLED.format(reason=deadline.cancelled_reason)
        )
    deadline.override_on = due_on
    deadline.override_reason = reason.strip()
    deadline.rule_note = ""  # a person chose the date: the rule's differing date is confirmed away
    save_with_history(deadline, by=by, reason=f"Date changed to {due_on:%-d %B %Y}: {reason.strip()}")
    return deadline


# --- Reminders and overdue notices -------------------------------------------------------------


def _emails(people: Any) -> list[str]:
    addresses = set()
    for person in people:
        address = person.email or (person.user.email if person.user_id else "")
        if address and (person.user_id is None or person.user.is_active):
            addresses.add(address.lower())
    return sorted(addresses)


def _appointed(case: Intervention, roles: frozenset[str], today: datetime.date) -> list[Person]:
    appointments = (
        Appointment.objects.filter(intervention=case, role__in=roles).active_on(today).select_related("person__user")
    )
    return [appointment.person for appointment in appointments]


# Who holds each role that delivers a deadline on a case. The council is its staff (by membership)
# and its officers and director appointed to the case; the Secretary of State has no one on the case.
DELIVERER_ROLES: dict[str, frozenset[str]] = {
    Deliverer.COUNCIL: COUNCIL_ROLES,
    Deliverer.COMMISSIONER: frozenset({Role.COMMISSIONER}),
    Deliverer.ADVISER: frozenset({Role.IMPROVEMENT_ADVISER, Role.INTERVENTION_ADVISER}),
    Deliverer.BOARD_CHAIR: frozenset({Role.IMPROVEMENT_BOARD_CHAIR}),
    Deliverer.DFE: DFE_ROLES,
    Deliverer.SECRETARY_OF_STATE: frozenset(),
}
NOBODY_TO_REMIND = "Not sent: nobody is {deliverer} on this case today"
NOBODY_AT_THE_COUNCIL = "Not sent: nobody at the council has an account with an email address"


def deliverer_of(deadline: Deadline) -> str:
    """The role that delivers the deadline (rows made before the role was kept say it in words)."""
    if deadline.deliverer:
        return deadline.deliverer
    by_label = {str(choice.label): str(choice.value) for choice in Deliverer}
    by_label["The commissioner or adviser"] = Deliverer.COMMISSIONER
    return by_label.get(deadline.delivered_by, "")


def responsible_people(deadline: Deadline, today: datetime.date) -> list[str]:
    """Who is reminded: the people holding the role that delivers it on the case today (the board
    chair of the board chair's reports). Empty when nobody does."""
    case = deadline.intervention
    deliverer = deliverer_of(deadline)
    people: list[Person] = []
    if deliverer == Deliverer.COUNCIL:
        # With no case (an authority's Ofsted deadline), the council's own staff are all there is.
        people += list(
            Person.objects.filter(organisation=Organisation.COUNCIL, local_authority=deadline.authority).select_related(
                "user"
            )
        )
    if case is not None:
        people += _appointed(case, DELIVERER_ROLES.get(deliverer, frozenset()), today)
    return _emails(people)


def escalation_people(deadline: Deadline, today: datetime.date) -> list[str]:
    """Who is copied when a deadline is missed: the case's DfE lead and contract manager; with no
    case (an authority's Ofsted deadline), DfE's shared mailbox."""
    if deadline.intervention is None:
        return _dfe_mailbox()
    return _emails(_appointed(deadline.intervention, DFE_ROLES, today))


def _dfe_mailbox() -> list[str]:
    return [settings.DFE_MAILBOX.lower()] if settings.DFE_MAILBOX else []


def flag_people(deadline: Deadline, today: datetime.date) -> list[str]:
    """Who is told that nobody could be sent a reminder or notice: the case's DfE case lead, else
    DfE's shared mailbox (settings.DFE_MAILBOX), which is also all there is for an authority's
    Ofsted deadline with no case. Empty when neither exists: the flag is then only on the pages."""
    if deadline.intervention is not None:
        leads = _emails(_appointed(deadline.intervention, frozenset({Role.DFE_CASE_LEAD}), today))
        if leads:
            return leads
    return _dfe_mailbox()


def due_in_words(days_left: int) -> str:
    """The real gap to the due date, whatever reminder slot it was sent for ("due tomorrow")."""
    if days_left <= 0:
        return "due today"
    return "due tomorrow" if days_left == 1 else f"due in {days_left} days"


def _message(deadline: Deadline, kind: str, days_before: int | None, today: datetime.date) -> tuple[str, str]:
    from django.template.loader import render_to_string

    due_in = due_in_words((deadline.due_on - today).days)
    context = {"deadline": deadline, "kind": kind, "due_in": due_in, "site_url": settings.SITE_URL}
    council = deadline.authority.council_name
    if kind == NotificationKind.REMINDER:
        subject = f"{due_in.capitalize()} ({deadline.due_on:%-d %B %Y}): {deadline.what[:120]}, {council}"
    else:
        subject = f"Overdue since {deadline.due_on:%-d %B %Y}: {deadline.what[:120]}, {council}"
    return subject, render_to_string("reviews/email/deadline.txt", context)


def _decide(
    deadline: Deadline,
    key: str,
    kind: str,
    recipients: list[str],
    days_before: int | None,
    *,
    skipped: bool,
    today: datetime.date,
    copied: list[str] | None = None,
) -> Notification | None:
    """Write the decision once. A second sweep (or a parallel one) finds the key taken and does nothing."""
    if Notification.objects.filter(key=key).exists():
        return None
    subject, body = _message(deadline, kind, days_before, today)
    notification = Notification(
        key=key,
        deadline=deadline,
        kind=kind,
        recipients=",".join(recipients),
        copied=",".join(address for address in copied or [] if address not in recipients),
        subject=subject,
        body=body,
        skipped=skipped,
        unaddressed=not recipients,  # nobody who delivers it could be told: flagged, never "sent" to them
    )
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        return None
    return notification


@transaction.atomic
def plan_notifications(*, today: datetime.date | None = None) -> list[Notification]:
    """Decide which reminders and overdue notices are due, write them, and send them after commit.

    A reminder falls due `days` before the deadline; an overdue notice the day after it. Only
    moments within the recent past (settings.NOTIFY_WITHIN_DAYS) are sent, so a deadline missed
    long before anyone entered it is shown as missed, not emailed. When several reminders of one
    deadline fell due while nothing ran, only the latest is sent; the others are recorded as skipped."""
    today = today or timezone.localdate()
    reminder_days = sorted(settings.REMINDER_DAYS_BEFORE, reverse=True)
    window = datetime.timedelta(days=settings.NOTIFY_WITHIN_DAYS)
    furthest = today + datetime.timedelta(days=max(reminder_days, default=0))
    candidates = (
        Deadline.objects.open()
        .with_due_on()
        .filter(effective_due_on__gte=today - window - datetime.timedelta(days=1), effective_due_on__lte=furthest)
        # A closed case sends nothing; an authority's Ofsted deadline with no case is the council's all the same.
        .filter(Q(intervention__isnull=True) | Q(intervention__closed_on__isnull=True))
        .select_related("intervention__local_authority", "inspection__local_authority")
    )
    to_send: list[Notification] = []
    for deadline in candidates:
        due = deadline.due_on
        overdue_moment = due + datetime.timedelta(days=1)
        if overdue_moment <= today:
            if today - overdue_moment <= window:
                decided = _decide(
                    deadline,
                    f"overdue:{deadline.pk}:{due}",
                    NotificationKind.OVERDUE,
                    responsible_people(deadline, today),
                    None,
                    skipped=False,
                    today=today,
                    copied=escalation_people(deadline, today),
                )
                if decided and decided.copied:
                    to_send.append(decided)
                to_send += _flag_if_unaddressed(decided, today)
            continue
        passed = [days for days in reminder_days if due - datetime.timedelta(days=days) <= today]
        recent = [days for days in passed if today - (due - datetime.timedelta(days=days)) <= window]
        if not recent:
            continue
        latest = min(recent)
        for days in passed:
            decided = _decide(
                deadline,
                f"reminder:{deadline.pk}:{due}:{days}",
                NotificationKind.REMINDER,
                responsible_people(deadline, today),
                days,
                skipped=days != latest,
                today=today,
            )
            if decided and not decided.skipped and not decided.unaddressed:
                to_send.append(decided)
            to_send += _flag_if_unaddressed(decided, today)
    for notification in to_send:
        promise_notification(notification)
    return to_send


def promise_notification(notification: Notification) -> None:
    """Promise its sending in this transaction (intervention.queue); once per notification."""
    promise(
        "reviews.send_notification",
        key=f"notification:{notification.pk}",
        intervention=notification.deadline.intervention,
        about=f"{notification.get_kind_display()}: {notification.subject}"[:300],
        notification_id=notification.pk,
    )


def _flag_if_unaddressed(notification: Notification | None, today: datetime.date) -> list[Notification]:
    """A reminder or notice that nobody who delivers the deadline could be sent is emailed to DfE
    (the case lead, else the shared mailbox), written in the same transaction and sent after commit
    like any reminder. Recorded even with nobody to send it to, so it is decided once."""
    if notification is None or not notification.unaddressed or notification.skipped:
        return []
    deadline = notification.deadline
    recipients = flag_people(deadline, today)
    key = f"unaddressed:{notification.key}"
    if Notification.objects.filter(key=key).exists():
        return []
    from django.template.loader import render_to_string

    council = deadline.authority.council_name
    flag = Notification(
        key=key,
        deadline=deadline,
        kind=NotificationKind.UNADDRESSED,
        recipients=",".join(recipients),
        subject=f"Nobody was sent the {notification.get_kind_display().lower()}: {deadline.what[:120]}, {council}",
        body=render_to_string(
            "reviews/email/unaddressed.txt",
            {
                "deadline": deadline,
                "notification": notification,
                "reason": unaddressed_reason(notification),
                "site_url": settings.SITE_URL,
            },
        ),
    )
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError:
        return []
    return [flag] if recipients else []


def send_notification(*, notification_id: int, today: datetime.date | None = None) -> bool:
    """Send one notification if nobody has. Claims it first, under a lease sized to the mail server's
    timeout, so two workers given the same id send it once, and one that died mid-send leaves it to be
    sent again when the lease runs out (at least once: docs/architecture.md, "Side effects"). A failure
    releases the claim and is raised, for the outbox to try again with back-off. A reminder's words are
    worked out now, from the real gap to the due date, not when it was planned."""
    from django.core.mail import EmailMessage

    now = timezone.now()
    lease = lease_for("emails")
    # Nobody to send to (no recipient, no one copied): recorded and flagged, never "sent".
    unclaimed = (
        Notification.objects.filter(pk=notification_id, sent_at__isnull=True, skipped=False)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease))
        .exclude(recipients="", copied="")
    )
    claimed = unclaimed.update(claimed_at=now)  # no history: Notification is operational and keeps none
    if not claimed:
        return False
    notification = Notification.objects.select_related(
        "deadline__intervention__local_authority", "deadline__inspection__local_authority"
    ).get(pk=notification_id)
    subject, body = notification.subject, notification.body
    if notification.kind == NotificationKind.REMINDER:
        subject, body = _message(notification.deadline, notification.kind, None, today or timezone.localdate())
    try:
        EmailMessage(
            subject,
            body,
            None,
            notification.recipient_list,
            cc=notification.copied_list,
            headers={"Message-ID": stable_message_id(f"notification-{notification.pk}")},
        ).send()
    except Exception as error:
        Notification.objects.filter(pk=notification_id).update(  # no history: operational
            claimed_at=None, attempts=notification.attempts + 1, last_error=str(error)[:1000]
        )
        raise
    Notification.objects.filter(pk=notification_id).update(
        sent_at=timezone.now(), attempts=notification.attempts + 1, subject=subject[:300], body=body
    )  # no history: operational
    return True


def requeue_stalled_notifications(*, older_than: datetime.timedelta = datetime.timedelta(minutes=10)) -> list[int]:
    """Notifications decided but never promised to the outbox (decided before it existed, or by
    code that forgot): promised now, once each. Everything promised is the outbox's to send."""
    cutoff = timezone.now() - older_than
    unsent = list(
        Notification.objects.filter(sent_at__isnull=True, skipped=False, created_at__lt=cutoff)
        .exclude(recipients="", copied="")
        .select_related("deadline__intervention")
    )
    promised = set(
        OutboxItem.objects.filter(key__in=[f"notification:{n.pk}" for n in unsent]).values_list("key", flat=True)
    )
    missing = [n for n in unsent if f"notification:{n.pk}" not in promised]
    with transaction.atomic():
        for notification in missing:
            promise_notification(notification)
    return [n.pk for n in missing]
