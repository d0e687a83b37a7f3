"""Querysets the deadline pages share. Visibility always comes from intervention.permissions."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from intervention.permissions import authority_filter, intervention_filter
from reviews.enums import DeadlineStatus

MEETABLE = (DeadlineStatus.OPEN, DeadlineStatus.HISTORICAL)
# What a deadline's row in a table shows (reviews.templatetags.deadline_rows).
TABLE_FIELDS = (
    "intervention",
    "inspection",
    "what",
    "delivered_by",
    "recipient",
    "computed_on",
    "override_on",
    "override_reason",
    "rule_note",
    "status",
    "met_on",
    "met_note",
    "cancelled_reason",
)


def overdue_q(*, on: datetime.date) -> Q:
    """Open deadlines due before the day, on a queryset `with_due_on()` (as a filter, so one query
    can count several lists)."""
    return Q(status=DeadlineStatus.OPEN, effective_due_on__lt=on)


def upcoming_q(*, on: datetime.date, days: int) -> Q:
    """Open deadlines due from the day to `days` later, on a queryset `with_due_on()`."""
    return Q(
        status=DeadlineStatus.OPEN,
        effective_due_on__gte=on,
        effective_due_on__lte=on + datetime.timedelta(days=days),
    )


class DeadlineQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> DeadlineQuerySet:
        """A case's deadlines to whoever sees the case; an authority's Ofsted deadlines that belong to
        no case to whoever sees the authority's inspections (DfE, its own people, those appointed to
        one of its cases)."""
        cases = intervention_filter(user, prefix="intervention__")
        if not cases:  # an empty filter is everything (DfE, administrators); `Q() | x` would be just x
            return self.all()
        return self.filter(cases | (Q(intervention__isnull=True) & authority_filter(user, prefix="inspection__")))

    def with_due_on(self) -> DeadlineQuerySet:
        return self.annotate(effective_due_on=Coalesce(F("override_on"), F("computed_on")))

    def open(self) -> DeadlineQuerySet:
        return self.filter(status=DeadlineStatus.OPEN)

    def meetable(self) -> DeadlineQuerySet:
        """Deadlines a review or report may still meet: open ones, and those from before a case's
        record starts (a review held years ago met one of those)."""
        return self.filter(status__in=MEETABLE)

    def overdue(self, *, on: datetime.date) -> DeadlineQuerySet:
        return self.with_due_on().filter(overdue_q(on=on))

    def upcoming(self, *, on: datetime.date, days: int) -> DeadlineQuerySet:
        return self.with_due_on().filter(upcoming_q(on=on, days=days))

    def shown(self) -> DeadlineQuerySet:
        """Only the columns a deadline table shows (reviews.templatetags.deadline_rows), its council's
        name and address with it: the national list draws up to 150 rows a page, and reading and
        building every column of each row's deadline, case and council cost more than drawing it."""
        return self.only(
            *TABLE_FIELDS,
            "intervention__local_authority__name",
            "intervention__local_authority__dfe_code",
            "inspection__local_authority__name",
            "inspection__local_authority__dfe_code",
        )

    def for_list(self) -> DeadlineQuerySet:
        return (
            self.select_related("intervention__local_authority", "inspection__local_authority")
            .with_due_on()
            .order_by("effective_due_on", "pk")
        )
