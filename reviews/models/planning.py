"""Setting up a case's work: the agreed versions of an improvement plan, and moves of a plan action's
due date (each with its reason, whole, and where the plan says so the commissioner's agreement)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from intervention.models import Intervention
from intervention.permissions import Capability
from intervention.validators import sensible_date
from reviews.enums import MoveStatus
from reviews.models.progress import ImprovementPlan, PlanAction


class PlanAgreement(models.Model):
    """One agreed version of an improvement plan: who agreed it, when, and what it said then (a
    snapshot of its objectives and actions), so that later changes show as changes since agreement."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.PROTECT, related_name="agreements")
    number = models.PositiveIntegerField("version")
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_agreements")
    agreed_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    snapshot = models.JSONField(default=dict, editable=False)
    history = HistoricalRecords()

    change_capability = Capability.ISSUE_INSTRUCTIONS

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_plan_agreement_number")]

    def __str__(self) -> str:
        return f"{self.plan}: version {self.number}, agreed {self.agreed_at:%-d %B %Y}"

    @property
    def case(self) -> Intervention:
        return self.plan.intervention

    def objective(self, pk: int) -> dict[str, Any] | None:
        return next((o for o in self.snapshot.get("objectives", []) if o["id"] == pk), None)

    def action(self, pk: int) -> dict[str, Any] | None:
        for objective in self.snapshot.get("objectives", []):
            for action in objective["actions"]:
                if action["id"] == pk:
                    return dict(action)
        return None


class DueDateMove(models.Model):
    """A plan action's due date moved, or asked to be moved, with the reason as typed."""

    action = models.ForeignKey(PlanAction, on_delete=models.PROTECT, related_name="due_date_moves")
    from_on = models.DateField("from", validators=[sensible_date])
    to_on = models.DateField("to", validators=[sensible_date])
    reason = models.TextField()
    status = models.CharField(max_length=20, choices=MoveStatus.choices, default=MoveStatus.MADE)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="due_date_moves_requested"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="due_date_moves_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    history = HistoricalRecords()

    change_capability = Capability.ISSUE_INSTRUCTIONS

    class Meta:
        ordering = ["action", "-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action.reference}: {self.from_on:%-d %B %Y} → {self.to_on:%-d %B %Y}"

    @property
    def case(self) -> Intervention:
        return self.action.case

    @property
    def is_pending(self) -> bool:
        return self.status == MoveStatus.PENDING

    def was_overdue(self) -> bool:
        """Whether the action was overdue when the move was asked for: the page says so, so that the
        "Overdue" tag does not simply vanish."""
        requested: datetime.date = timezone.localdate(self.requested_at)
        return self.from_on < requested
