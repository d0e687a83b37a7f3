"""A spreadsheet upload waiting to be confirmed. Nothing it holds is written to the case until the
person who saw the preview confirms it; the parsed rows are kept here (not the file), with the file's
name and SHA-256, so that confirming writes exactly what was previewed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from intervention.models import Intervention
from intervention.permissions import Capability
from reviews.models.progress import ImprovementPlan


class ImportKind(models.TextChoices):
    VALUES = "values", "Indicator values"
    ACTIONS = "actions", "Improvement plan actions"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Waiting to be confirmed"
    CONFIRMED = "confirmed", "Imported"


class ImportBatch(models.Model):
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="import_batches")
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    plan = models.ForeignKey(
        ImprovementPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="import_batches"
    )
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    # Each data row's cells as text, with its row number in the file: [{"row": 2, "cells": [...]}].
    rows = models.JSONField(default=list)
    # What the preview showed for each row; confirming is refused if working it out again differs.
    outcomes = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Confirming is a decision: who confirmed which file, and when, stays in history.
    history = HistoricalRecords(excluded_fields=["rows", "outcomes"])

    change_capability = Capability.LOG_PROGRESS

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.file_name}"

    @property
    def case(self) -> Intervention:
        return self.intervention
