"""What makes a record correctable: a value the council got wrong is corrected, or withdrawn, with a
reason, never deleted. The old value stays in the record's history; the record says who last
corrected or withdrew it, when and why, so that its page can show it beside the value.

A withdrawn record is a record still, but not a figure: the default manager leaves it out, so that it
drops out of every chart, report figure, rating and list that reads the model (they all go through
`objects` or a relation built on it), and nobody has to remember a filter. The pages that show a
withdrawn record as withdrawn read `all_objects`."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class InForceManager(models.Manager):
    """Records in force: withdrawn ones left out."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class EveryRecordManager(models.Manager):
    """Every record, withdrawn ones too: for the pages that show a withdrawn record as withdrawn."""


class Correctable(models.Model):
    """Abstract: each correctable model (a value, an update, an evidence file) keeps its own history."""

    # Incremented on every correction, so a correction form opened before someone else's is refused.
    revision = models.PositiveIntegerField(default=1, editable=False)
    corrected_at = models.DateTimeField(null=True, blank=True, editable=False)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    correction_reason = models.TextField("why it was corrected", blank=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    withdrawal_reason = models.TextField("why it was withdrawn", blank=True, editable=False)

    objects = InForceManager()
    all_objects = EveryRecordManager()

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
