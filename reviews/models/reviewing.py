"""Held reviews: where the evidence becomes a judgement. A review covers a period, assesses each
service priority (against the last review's rating as the baseline), lists the key developments,
and ends in a conclusion and a recommendation. Recording when the commissioner's report on it was
published dates the next review (the "six months after publication" obligations)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from directions.models import ServicePriority
from intervention.models import Intervention
from intervention.permissions import Capability
from intervention.validators import sensible_date
from reviews.enums import Rag
from reviews.models.progress import Measurement, ProgressUpdate

REVIEW_PERIOD_BACKWARDS = "The end of the period must be the same as or after its start"
HELD_IN_FUTURE = "The date the review was held must be today or in the past"
HELD_BEFORE_PERIOD = "The review cannot be held before the period it covers begins"
PUBLISHED_BEFORE_HELD = "The report cannot be published before the review was held ({held_on:%-d %B %Y})"
PUBLISHED_IN_FUTURE = "The publication date must be today or in the past"


class ReviewKind(models.TextChoices):
    QUARTERLY_EVIDENCE = "quarterly_evidence", "Quarterly evidence review"
    SIX_MONTH = "six_month", "Six-month review"
    FORMAL_SIX_MONTHLY = "formal_six_monthly", "Formal six-monthly review"
    DFE_PROGRESS = "dfe_progress", "DfE progress review"
    # The commissioner's first review, of whether the council can improve itself (Herefordshire's
    # report of 11 January 2023, Worcestershire's of 9 June 2017).
    CAPACITY = "capacity", "Commissioner's review of capacity and capability"


class Recommendation(models.TextChoices):
    CONTINUE_SUPPORT = "continue_support", "Continue support"
    PARTNERSHIP = "partnership", "Partnership with a good council"
    ALTERNATIVE_DELIVERY_MODEL = "alternative_delivery_model", "Consider an alternative delivery model"
    STEP_DOWN = "step_down", "Step down to an improvement notice"
    REVOKE = "revoke", "Revoke the direction"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Being written"
    HELD = "held", "Held"


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user: object) -> ReviewQuerySet:
        from intervention.permissions import intervention_filter

        return self.filter(intervention_filter(user, prefix="intervention__"))

    def held(self) -> ReviewQuerySet:
        return self.filter(status=ReviewStatus.HELD)


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def service_priorities_in_force(intervention: Intervention, on: datetime.date) -> list[ServicePriority]:
    """The service priorities of the notices and directions in force on the day, in the documents' order."""
    from directions.models import Instrument

    instruments = Instrument.objects.filter(intervention=intervention).in_force_on(on)
    return list(
        ServicePriority.objects.filter(instrument__in=instruments)
        .select_related("instrument")
        .order_by("instrument__issued_on", "position", "pk")
    )


class Review(models.Model):
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=30, choices=ReviewKind.choices)
    period_start = models.DateField("start of the period it covers", validators=[sensible_date])
    period_end = models.DateField("end of the period it covers", validators=[sensible_date])
    held_on = models.DateField(validators=[sensible_date])
    attendees = models.TextField(blank=True, help_text="One a line: name and role.")
    key_developments = models.TextField(blank=True, help_text="Since the last review, one a line.")
    summary = models.TextField("overall progress", blank=True)
    sufficient_progress = models.BooleanField(null=True, blank=True)
    conclusion = models.TextField(blank=True)
    recommendation = models.CharField(max_length=30, choices=Recommendation.choices, blank=True)
    recommendation_detail = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    report_published_on = models.DateField(
        "commissioner's report published on",
        null=True,
        blank=True,
        help_text="Dates the next review, where the terms of reference count from the report's publication.",
        validators=[sensible_date],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_started", null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    objects = ReviewQuerySet.as_manager()

    change_capability = Capability.HOLD_REVIEWS

    class Meta:
        ordering = ["intervention", "-held_on", "-pk"]
        indexes = [models.Index(fields=["intervention", "status", "-held_on"], name="review_case_status_held")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} held on {self.held_on:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("review_detail", kwargs={"pk": self.pk})

    @property
    def case(self) -> Intervention:
        return self.intervention

    @property
    def is_held(self) -> bool:
        return self.status == ReviewStatus.HELD

    @property
    def attendee_list(self) -> list[str]:
        return lines(self.attendees)

    @property
    def key_development_list(self) -> list[str]:
        return lines(self.key_developments)

    @property
    def lettered_key_developments(self) -> list[tuple[str, str]]:
        """As the reports letter them: a., b., c."""
        return [
            (f"{chr(ord('a') + i)}." if i < 26 else f"{i + 1}.", text)
            for i, text in enumerate(self.key_development_list)
        ]

    def clean(self) -> None:
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = REVIEW_PERIOD_BACKWARDS
        if self.held_on:
            if self.held_on > timezone.localdate():
                errors["held_on"] = HELD_IN_FUTURE
            elif self.period_start and self.held_on < self.period_start:
                errors["held_on"] = HELD_BEFORE_PERIOD
        if self.report_published_on:
            if self.held_on and self.report_published_on < self.held_on:
                errors["report_published_on"] = PUBLISHED_BEFORE_HELD.format(held_on=self.held_on)
            elif self.report_published_on > timezone.localdate():
                errors["report_published_on"] = PUBLISHED_IN_FUTURE
        if errors:
            raise ValidationError(errors)


class Assessment(models.Model):
    """The review's judgement of one service priority: a RAG rating against the last review's rating
    (the baseline), what it rests on, and links to the progress updates and indicator values that
    evidence it."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="assessments")
    service_priority = models.ForeignKey(ServicePriority, on_delete=models.PROTECT, related_name="assessments")
    position = models.PositiveIntegerField(default=0)
    baseline_rag = models.CharField(
        "rating at the last review",
        max_length=10,
        choices=Rag.choices,
        blank=True,
        help_text="Blank for a first review.",
    )
    rag = models.CharField("RAG rating", max_length=10, choices=Rag.choices, blank=True)
    narrative = models.TextField(blank=True)
    progress_updates = models.ManyToManyField(ProgressUpdate, blank=True, related_name="assessments")
    measurements = models.ManyToManyField(Measurement, blank=True, related_name="assessments")
    history = HistoricalRecords(m2m_fields=[progress_updates, measurements])

    change_capability = Capability.HOLD_REVIEWS

    class Meta:
        ordering = ["review", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "service_priority"], name="one_assessment_per_priority")
        ]

    def __str__(self) -> str:
        return f"{self.service_priority.short_name}: {self.get_rag_display() or 'not yet rated'}"

    @property
    def case(self) -> Intervention:
        return self.review.intervention

    @property
    def is_complete(self) -> bool:
        return bool(self.rag and self.narrative.strip())

    @property
    def change(self) -> str:
        """How the rating moved since the baseline, in words."""
        if not self.rag:
            return "Not yet rated"
        if not self.baseline_rag:
            return "First rating"
        order: list[str] = [Rag.RED, Rag.AMBER, Rag.GREEN]
        before, now = order.index(self.baseline_rag), order.index(self.rag)
        if now > before:
            return "Improved"
        if now < before:
            return "Worsened"
        return "No change"
