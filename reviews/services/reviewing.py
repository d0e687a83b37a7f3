"""Holding reviews: starting one pre-filled from the last, assessing each service priority, the
conclusion and recommendation, recording it as held (which meets the deadline it was held for), and
recording the publication of the commissioner's report (which dates the next review).

Only someone who may hold reviews on the case (a commissioner or adviser appointed to it, or its
DfE case lead) may do any of this; every change is saved with their name and a reason in its history."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from directions.enums import Cadence
from directions.models import Instrument, ReportingObligation
from intervention.models import Intervention
from intervention.permissions import Capability, has_capability
from intervention.services import note_for_history, save_with_history
from intervention.stale import refuse_stale
from reviews.enums import DeadlineStatus
from reviews.models import (
    Assessment,
    Deadline,
    Measurement,
    ProgressUpdate,
    Report,
    Review,
    ReviewStatus,
)
from reviews.models.reviewing import service_priorities_in_force
from reviews.querysets import MEETABLE
from reviews.services.deadlines import materialise_obligation

MAY_NOT_HOLD_REVIEWS = "You cannot hold reviews on {authority}'s case"
MAY_NOT_MEET_DEADLINES = "You cannot mark {authority}'s deadlines as met"
ALREADY_HELD = "This review was recorded as held: it can no longer be changed"
NOT_YET_HELD = "Record the review as held before recording when its report was published"
UNRATED = "Rate and describe every service priority before recording the review as held. Still to do: {priorities}"
NO_CONCLUSION = "Say whether sufficient progress is being made before recording the review as held"
NO_RECOMMENDATION = "Choose a recommendation before recording the review as held"
EVIDENCE_OF_ANOTHER_PRIORITY = "Choose evidence about {priority} from this case"
DEADLINE_OF_ANOTHER_CASE = "Choose a deadline of this case"
DEADLINE_NOT_OPEN = "This deadline is no longer open: it was {state}"
ALREADY_MET = "This deadline was already met on {met_on:%-d %B %Y}"

# How far either side of a review its deadline may fall, for the choice offered when recording it as held.
DEADLINE_WINDOW = datetime.timedelta(days=120)


def _require(by: Any, intervention: Intervention) -> None:
    if not has_capability(by, intervention, Capability.HOLD_REVIEWS):
        raise PermissionDenied(MAY_NOT_HOLD_REVIEWS.format(authority=intervention.local_authority.name))


def _editable(review: Review) -> Review:
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if locked.status == ReviewStatus.HELD:
        raise ValidationError(ALREADY_HELD)
    return locked


def last_held_review(
    intervention: Intervention, *, before: datetime.date, exclude: Review | None = None
) -> Review | None:
    reviews = Review.objects.filter(intervention=intervention, status=ReviewStatus.HELD, held_on__lte=before)
    if exclude is not None:
        reviews = reviews.exclude(pk=exclude.pk)
    return reviews.order_by("-held_on", "-pk").first()


@transaction.atomic
def start_review(
    *,
    intervention: Intervention,
    kind: str,
    period_start: datetime.date,
    period_end: datetime.date,
    held_on: datetime.date,
    by: Any,
    attendees: str = "",
) -> Review:
    """Start a review pre-filled from where the council stands. Side effects:
    1. the review is saved as being written;
    2. each service priority in force on the day it is held gets an assessment, whose rating starts at
       the council's latest progress rating for it in the review's period (else the last review's), and
       whose baseline is the last review's rating for the same priority (matched by priority, or by
       its short name across a revised direction), shown beside it so the reviewer records what changed."""
    _require(by, intervention)
    review = Review(
        intervention=intervention,
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        held_on=held_on,
        attendees=attendees.strip(),
        created_by=by,
    )
    save_with_history(review, by=by, reason="Review started")
    last = last_held_review(intervention, before=held_on, exclude=review)
    baseline: dict[Any, str] = {}
    if last is not None:
        for earlier in last.assessments.select_related("service_priority"):
            baseline[earlier.service_priority_id] = earlier.rag
            baseline.setdefault(earlier.service_priority.short_name, earlier.rag)
    priorities = service_priorities_in_force(intervention, held_on)
    latest = latest_progress(priorities, period_end)
    for position, priority in enumerate(priorities, start=1):
        previous_rag = baseline.get(priority.pk, baseline.get(priority.short_name, ""))
        update = latest.get(priority.pk)
        if update is not None:
            reason = f"Pre-filled from the progress update to {update.period_end:%-d %B %Y}"
        elif last is not None:
            reason = f"Pre-filled from the review of {last.held_on:%-d %B %Y}"
        else:
            reason = "First review of these priorities"
        save_with_history(
            Assessment(
                review=review,
                service_priority=priority,
                position=position,
                baseline_rag=previous_rag,
                rag=update.rag if update is not None else previous_rag,
            ),
            by=by,
            reason=reason,
        )
    return review


def latest_progress(priorities: Iterable[Any], on: datetime.date) -> dict[int, ProgressUpdate]:
    """Each priority's latest progress update for a period ending by the day: where the council stands."""
    latest: dict[int, ProgressUpdate] = {}
    updates = ProgressUpdate.objects.filter(service_priority__in=list(priorities), period_end__lte=on).order_by(
        "service_priority_id", "-period_end", "-created_at", "-pk"
    )
    for update in updates:
        assert update.service_priority_id is not None  # filtered by priority above
        latest.setdefault(update.service_priority_id, update)
    return latest


REVIEW_FIELDS = frozenset(
    {
        "kind",
        "period_start",
        "period_end",
        "held_on",
        "attendees",
        "key_developments",
        "summary",
        "sufficient_progress",
        "conclusion",
        "recommendation",
        "recommendation_detail",
    }
)


@transaction.atomic
def update_review(
    *, review: Review, by: Any, reason: str = "Review updated", seen: str | None = None, **fields: Any
) -> Review:
    """Change what the review records, while it is being written. With `seen` (the version the person's
    form was read at), a change someone else saved since is refused, not overwritten."""
    _require(by, review.intervention)
    if seen is not None:
        refuse_stale(Review, review.pk, seen)
    unknown = set(fields) - REVIEW_FIELDS
    if unknown:
        raise TypeError(f"Not a field of a review's record: {', '.join(sorted(unknown))}")
    review = _editable(review)
    for name, value in fields.items():
        setattr(review, name, value.strip() if isinstance(value, str) else value)
    save_with_history(review, by=by, reason=reason)
    return review


@transaction.atomic
def assess_priority(
    *,
    assessment: Assessment,
    rag: str,
    narrative: str,
    by: Any,
    progress_updates: Iterable[ProgressUpdate] = (),
    measurements: Iterable[Measurement] = (),
    seen: str | None = None,
) -> Assessment:
    """Record the review's judgement of one priority and the evidence it rests on (refusing, with
    `seen`, to overwrite a judgement someone else saved since)."""
    review = assessment.review
    _require(by, review.intervention)
    if seen is not None:
        refuse_stale(Assessment, assessment.pk, seen)
    _editable(review)
    assessment = Assessment.objects.select_related("service_priority").get(pk=assessment.pk)
    priority = assessment.service_priority
    updates, values = list(progress_updates), list(measurements)
    if any(update.service_priority_id != priority.pk for update in updates) or any(
        value.indicator.service_priority_id != priority.pk for value in values
    ):
        raise ValidationError(EVIDENCE_OF_ANOTHER_PRIORITY.format(priority=priority.short_name.lower()))
    assessment.rag = rag
    assessment.narrative = narrative.strip()
    save_with_history(assessment, by=by, reason="Assessed")
    # The many-to-many changes write history rows of their own, with these.
    note_for_history(assessment, by=by, reason="Evidence chosen")
    assessment.progress_updates.set(updates)
    assessment.measurements.set(values)
    return assessment


def evidence_for(assessment: Assessment) -> tuple[list[ProgressUpdate], list[Measurement]]:
    """The progress updates and indicator values a reviewer may cite for a priority: those of the review's period."""
    review = assessment.review
    updates = ProgressUpdate.objects.filter(
        service_priority=assessment.service_priority_id,
        period_end__gte=review.period_start,
        period_start__lte=review.period_end,
    ).order_by("-period_end", "-pk")
    values = (
        Measurement.objects.filter(
            indicator__service_priority=assessment.service_priority_id,
            period_end__gte=review.period_start,
            period_end__lte=review.period_end,
        )
        .select_related("indicator")
        .order_by("indicator__position", "indicator_id", "period_end")
    )
    return list(updates), list(values)


def deadlines_a_review_may_meet(review: Review) -> list[Deadline]:
    """Deadlines of the case the review may meet (open, or from before the case's record) falling
    near it, nearest first."""
    deadlines = (
        Deadline.objects.filter(intervention=review.intervention)
        .meetable()
        .with_due_on()
        .filter(
            effective_due_on__gte=review.period_start - DEADLINE_WINDOW,
            effective_due_on__lte=review.held_on + DEADLINE_WINDOW,
        )
    )
    return sorted(deadlines, key=lambda d: (abs((d.due_on - review.held_on).days), d.pk))


@transaction.atomic
def hold_review(*, review: Review, by: Any, deadline: Deadline | None = None) -> Review:
    """Record the review as held. Side effects: its record is locked; the deadline it was held for,
    if given, is marked met by it."""
    _require(by, review.intervention)
    review = _editable(review)
    unrated = [
        a.service_priority.short_name
        for a in review.assessments.select_related("service_priority")
        if not a.is_complete
    ]
    if unrated:
        raise ValidationError(UNRATED.format(priorities=", ".join(unrated)))
    if review.sufficient_progress is None:
        raise ValidationError(NO_CONCLUSION)
    if not review.recommendation:
        raise ValidationError(NO_RECOMMENDATION)
    review.status = ReviewStatus.HELD
    save_with_history(review, by=by, reason="Recorded as held")
    if deadline is not None:
        meet_deadline(
            deadline=deadline,
            met_on=review.held_on,
            note=f"Met by the {review.get_kind_display().lower()} held on {review.held_on:%-d %B %Y}",
            by=by,
            review=review,
        )
    return review


@transaction.atomic
def meet_deadline(
    *,
    deadline: Deadline,
    met_on: datetime.date,
    note: str,
    by: Any,
    review: Review | None = None,
    report: Report | None = None,
) -> Deadline:
    """Mark a deadline met by the review held for it, or the report that met it, and link the two."""
    case = deadline.intervention
    if not (has_capability(by, case, Capability.HOLD_REVIEWS) or has_capability(by, case, Capability.MANAGE_CASE)):
        raise PermissionDenied(MAY_NOT_MEET_DEADLINES.format(authority=deadline.authority.name))
    for record in (review, report):
        if record is not None and record.intervention_id != deadline.intervention_id:
            raise ValidationError(DEADLINE_OF_ANOTHER_CASE)
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if deadline.status == DeadlineStatus.MET:
        raise ValidationError(ALREADY_MET.format(met_on=deadline.met_on))
    if deadline.status not in MEETABLE:
        raise ValidationError(DEADLINE_NOT_OPEN.format(state=deadline.get_status_display().lower()))
    deadline.status = DeadlineStatus.MET
    deadline.met_on = met_on
    deadline.met_note = note
    deadline.met_by_review = review
    deadline.met_by_report = report
    save_with_history(deadline, by=by, reason=f"Met: {note}")
    return deadline


@transaction.atomic
def record_report_publication(
    *, review: Review, published_on: datetime.date, by: Any, today: datetime.date | None = None
) -> list[ReportingObligation]:
    """Record when the commissioner's report on a held review was published. Side effects:
    1. every "N months after an event" obligation of the instruments in force when the review was
       held takes the publication as its event, so the next review is dated from it;
    2. those obligations' deadlines are materialised at once (the nightly sweep would too).
    Returns the obligations it dated."""
    _require(by, review.intervention)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.HELD:
        raise ValidationError(NOT_YET_HELD)
    review.report_published_on = published_on
    save_with_history(review, by=by, reason=f"Commissioner's report published on {published_on:%-d %B %Y}")
    in_force = Instrument.objects.filter(intervention=review.intervention).in_force_on(review.held_on)
    obligations = list(
        ReportingObligation.objects.filter(instrument__in=in_force, cadence=Cadence.MONTHS_AFTER_EVENT)
        .filter(Q(event_on__isnull=True) | ~Q(event_on=published_on))
        .select_related("instrument__intervention")
    )
    # History keeps a reason of up to 100 characters.
    reason = f"Report on the review of {review.held_on:%-d %B %Y} published on {published_on:%-d %B %Y}"
    for obligation in obligations:
        obligation.event_on = published_on
        save_with_history(obligation, by=by, reason=reason)
        materialise_obligation(obligation, today=today or timezone.localdate())
    return obligations
