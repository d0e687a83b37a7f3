"""What council officers keep up to date: the improvement plan, progress updates against service
priorities, plan actions and instructions, indicators and their measurements."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from directions.enums import Part
from directions.models import Clause, Instruction, ServicePriority
from intervention.models import Intervention
from intervention.permissions import Capability
from intervention.validators import sensible_date
from reviews.enums import ActionStatus, Direction, Frequency, PlanStatus, Rag, Unit
from reviews.models.corrections import Correctable

PERIOD_ENDS_BEFORE_START = "The end of the period must be the same as or after its start"
PERIOD_IN_FUTURE = "The period cannot end in the future"
NARRATIVE_REQUIRED = "Describe the progress made"
ONE_SUBJECT = "A progress update is about exactly one service priority, plan action or instruction"
PERCENT_RANGE = "A percentage must be between 0 and 100"
BELOW_MINIMUM = "The value must be {minimum} or more"
ABOVE_MAXIMUM = "The value must be {maximum} or less"


class IndexedHistoricalRecords(HistoricalRecords):
    """simple-history's records, with indexes of our own on the history table: a page that reads the
    record as it stood on a past day then reads a few rows by index, however long the history."""

    def __init__(self, *args: Any, indexes: Sequence[models.Index] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extra_indexes = list(indexes)

    def get_meta_options(self, model: type[models.Model]) -> dict[str, Any]:
        options = super().get_meta_options(model)
        options["indexes"] = [*options.get("indexes", ()), *self.extra_indexes]
        return options


class ImprovementPlan(models.Model):
    """The council's improvement plan, kept up to date ("a record of progress against it must be
    kept up to date": the 2021 improvement notice)."""

    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="improvement_plans")
    title = models.CharField(max_length=200)
    approved_on = models.DateField(null=True, blank=True, validators=[sensible_date])
    # Set by the services only: written (draft), submitted for agreement, agreed (reviews/services/planning.py).
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    date_moves_need_agreement = models.BooleanField(
        "due-date moves need the commissioner's agreement",
        default=False,
        help_text="When set, a moved due date takes effect only once the commissioner or adviser agrees it.",
    )
    sent_back_reason = models.TextField(
        "why it was sent back",
        blank=True,
        help_text="What the commissioner or adviser asked the council to change, when they last sent it back.",
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    change_capability = Capability.LOG_PROGRESS

    class Meta:
        ordering = ["intervention", "-approved_on", "pk"]

    def __str__(self) -> str:
        return self.title


class PlanObjective(models.Model):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.PROTECT, related_name="objectives")
    label = models.CharField("number", max_length=10)
    title = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)
    service_priorities = models.ManyToManyField(
        ServicePriority, blank=True, related_name="plan_objectives", verbose_name="service priorities it answers"
    )
    terms_items = models.ManyToManyField(
        Clause,
        blank=True,
        related_name="plan_objectives",
        limit_choices_to={"part": Part.TERMS_OF_REFERENCE},
        verbose_name="terms of reference items it answers",
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[service_priorities, terms_items])

    change_capability = Capability.LOG_PROGRESS

    class Meta:
        ordering = ["plan", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "label"], name="unique_objective_number")]

    def __str__(self) -> str:
        return f"{self.label}. {self.title}"

    @property
    def case(self) -> Intervention:
        return self.plan.intervention


class PlanAction(models.Model):
    objective = models.ForeignKey(PlanObjective, on_delete=models.PROTECT, related_name="actions")
    label = models.CharField("number", max_length=10)
    description = models.TextField()
    owner = models.CharField(max_length=200, help_text="Who is accountable for it, by role or name.")
    due_on = models.DateField(validators=[sensible_date])
    # The due date the action was first given: the page shows it beside the current one once moved.
    original_due_on = models.DateField("original due date", null=True, blank=True, validators=[sensible_date])
    done_looks_like = models.TextField("what done looks like", blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    rag = models.CharField("RAG rating", max_length=10, choices=Rag.choices, default=Rag.AMBER)
    # Whole, as typed: simple-history's change reason is cut at 100 characters.
    rag_change_reason = models.TextField("why the rating changed", blank=True)
    # Incremented on every save, so a form opened before someone else's change is refused, not saved over it.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    change_capability = Capability.LOG_PROGRESS

    class Meta:
        ordering = ["objective", "due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["objective", "label"], name="unique_action_number")]

    def __str__(self) -> str:
        return f"{self.objective.label}.{self.label} {self.description[:60]}"

    @property
    def case(self) -> Intervention:
        return self.objective.plan.intervention

    @property
    def reference(self) -> str:
        return f"{self.objective.label}.{self.label}"

    @property
    def was_moved(self) -> bool:
        return self.original_due_on is not None and self.original_due_on != self.due_on

    def is_off_track_on(self, day: datetime.date) -> bool:
        if self.status == ActionStatus.COMPLETE:
            return False
        return self.rag != Rag.GREEN or self.status == ActionStatus.BLOCKED or self.due_on < day


class ProgressUpdate(Correctable):
    """A council officer's entry against one service priority, plan action or instruction. Corrected
    or withdrawn with a reason, never deleted (reviews.models.corrections)."""

    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="progress_updates")
    service_priority = models.ForeignKey(
        ServicePriority, on_delete=models.PROTECT, null=True, blank=True, related_name="progress_updates"
    )
    plan_action = models.ForeignKey(
        PlanAction, on_delete=models.PROTECT, null=True, blank=True, related_name="progress_updates"
    )
    instruction = models.ForeignKey(
        Instruction, on_delete=models.PROTECT, null=True, blank=True, related_name="progress_updates"
    )
    narrative = models.TextField()
    rag = models.CharField("RAG rating", max_length=10, choices=Rag.choices)
    rag_change_reason = models.TextField(
        "why the rating changed", blank=True, help_text="Required when the rating differs from the last update's."
    )
    period_start = models.DateField(validators=[sensible_date])
    period_end = models.DateField(validators=[sensible_date])
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates")
    created_at = models.DateTimeField(default=timezone.now)
    # A priority's rating as it stood on a past day (the dashboard's "a year ago") is its latest
    # update's version by then: read newest first from this index, not from every version ever saved.
    history = IndexedHistoricalRecords(
        indexes=[
            models.Index(
                fields=["service_priority", "-period_end", "-created_at", "-id"], name="progress_history_latest"
            )
        ]
    )

    change_capability = Capability.LOG_PROGRESS

    class Meta:
        ordering = ["-period_end", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(service_priority__isnull=False, plan_action__isnull=True, instruction__isnull=True)
                    | Q(service_priority__isnull=True, plan_action__isnull=False, instruction__isnull=True)
                    | Q(service_priority__isnull=True, plan_action__isnull=True, instruction__isnull=False)
                ),
                name="progress_update_has_one_subject",
                violation_error_message=ONE_SUBJECT,
            )
        ]
        indexes = [
            models.Index(fields=["intervention", "-period_end"], name="progress_case_period"),
            # A priority's latest rating (the dashboard's rows, counts and red filter): its newest
            # update is the first entry of this index, however many updates the years have brought.
            models.Index(
                fields=["service_priority", "-period_end", "-created_at", "-id"], name="progress_priority_latest"
            ),
            # The same for updates in force, with the rating itself: the dashboard reads the latest
            # rating of every priority in force from the index alone, without visiting the table.
            models.Index(
                fields=["service_priority", "-period_end", "-created_at", "-id"],
                include=["rag"],
                condition=Q(withdrawn_at__isnull=True),
                name="progress_latest_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject}: {self.get_rag_display()} ({self.period_end:%-d %B %Y})"

    @property
    def case(self) -> Intervention:
        return self.intervention

    @property
    def subject(self) -> object:
        return self.service_priority or self.plan_action or self.instruction

    def clean(self) -> None:
        errors = {}
        if not self.narrative.strip():
            errors["narrative"] = NARRATIVE_REQUIRED
        if self.period_start and self.period_end:
            if self.period_end < self.period_start:
                errors["period_end"] = PERIOD_ENDS_BEFORE_START
            elif self.period_end > timezone.localdate():
                errors["period_end"] = PERIOD_IN_FUTURE
        if sum(x is not None for x in (self.service_priority_id, self.plan_action_id, self.instruction_id)) != 1:
            errors["__all__"] = ONE_SUBJECT
        if errors:
            raise ValidationError(errors)


TREND_BETTER, TREND_WORSE, TREND_SAME, TREND_UNCHANGED = "better", "worse", "same", "unchanged"
# A move no bigger than this is "no real change" when the indicator sets no tolerance of its own.
DEFAULT_TREND_THRESHOLD: dict[str, Decimal] = {Unit.PERCENT: Decimal("0.5")}


class Indicator(models.Model):
    """A measure that evidences a service priority, e.g. the percentage of agency social workers."""

    service_priority = models.ForeignKey(ServicePriority, on_delete=models.PROTECT, related_name="indicators")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    direction = models.CharField("direction of good", max_length=10, choices=Direction.choices)
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    minimum = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    maximum = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    tolerance = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=(
            "How far from the target a value may be and still count as close to it, and how far a value may "
            "move and still count as no real change."
        ),
    )
    source = models.CharField(max_length=300, blank=True, help_text="Where the figures come from.")
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    change_capability = Capability.MANAGE_CASE

    class Meta:
        ordering = ["service_priority", "position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def case(self) -> Intervention:
        return self.service_priority.instrument.intervention

    def value_problem(self, value: Decimal) -> str | None:
        if self.unit == Unit.PERCENT and not (Decimal(0) <= value <= Decimal(100)):
            return PERCENT_RANGE
        minimum = self.minimum if self.minimum is not None else (Decimal(0) if self.unit != Unit.AVERAGE else None)
        if minimum is not None and value < minimum:
            return BELOW_MINIMUM.format(minimum=f"{minimum.normalize():f}")
        if self.maximum is not None and value > self.maximum:
            return ABOVE_MAXIMUM.format(maximum=f"{self.maximum.normalize():f}")
        return None

    def trend_threshold(self) -> Decimal:
        """How far a value must move to count as a change: the indicator's tolerance when it has one,
        else half a percentage point for a percentage (24.5% to 24.4% is no real change), else any change."""
        if self.tolerance is not None:
            return abs(self.tolerance)
        return DEFAULT_TREND_THRESHOLD.get(self.unit, Decimal(0))

    def trend(self, before: Decimal | None, after: Decimal | None) -> str:
        """The one rule for whether a figure got better or worse, used on every page and in every report:
        TREND_BETTER, TREND_WORSE, TREND_SAME (a move within the threshold) or TREND_UNCHANGED."""
        if before is None or after is None or before == after:
            return TREND_UNCHANGED
        if abs(after - before) <= self.trend_threshold():
            return TREND_SAME
        better = (after > before) == (self.direction == Direction.HIGHER_IS_BETTER)
        return TREND_BETTER if better else TREND_WORSE

    def is_good(self, value: Decimal) -> bool | None:
        if self.target is None:
            return None
        return value >= self.target if self.direction == Direction.HIGHER_IS_BETTER else value <= self.target


MEASUREMENT_EXISTS = "A value for {period} is already recorded. Change that one instead"


class Measurement(Correctable):
    """One value of an indicator for a period (a month, by its last day). Corrected or withdrawn with a
    reason, never deleted; a withdrawn value leaves its month free for a new one."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="measurements")
    period_end = models.DateField(
        "period", help_text="The last day of the period the value is for.", validators=[sensible_date]
    )
    value = models.DecimalField(max_digits=12, decimal_places=2)
    source_note = models.CharField(max_length=300, blank=True, help_text="Where the figure comes from.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="measurements")
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    change_capability = Capability.LOG_PROGRESS

    class Meta:
        ordering = ["indicator", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_end"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_measurement_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.period_end:%B %Y})"

    @property
    def case(self) -> Intervention:
        return self.indicator.case

    def clean(self) -> None:
        errors = {}
        if self.period_end and self.period_end > timezone.localdate():
            errors["period_end"] = PERIOD_IN_FUTURE
        if self.value is not None and self.indicator_id:
            problem = self.indicator.value_problem(self.value)
            if problem:
                errors["value"] = problem
        if self.indicator_id and self.period_end:
            # `objects` leaves withdrawn values out: their month is free again.
            clash = Measurement.objects.filter(indicator_id=self.indicator_id, period_end=self.period_end).exclude(
                pk=self.pk
            )
            if not self.is_withdrawn and clash.exists():
                errors["period_end"] = MEASUREMENT_EXISTS.format(period=f"{self.period_end:%B %Y}")
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None) -> None:
        # clean() says which period clashes in plain words; the constraint stays as the database's guard.
        pass
