"""Querysets that pages share. Visibility always comes from intervention.permissions."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.models import Q


class InterventionQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> InterventionQuerySet:
        from intervention.permissions import intervention_filter

        return self.filter(intervention_filter(user))

    def open(self) -> InterventionQuerySet:
        return self.filter(closed_on__isnull=True)

    def for_list(self) -> InterventionQuerySet:
        # The stage is derived from the instruments in force: fetch them with the cases.
        return self.select_related("local_authority").prefetch_related("instruments")

    def with_last_visit(self, user: Any) -> InterventionQuerySet:
        """Each case with `last_seen_at`, when the person last opened it (None: never), read with the
        case rather than by a query of its own."""
        from django.apps import apps

        visits = apps.get_model("intervention", "CaseVisit").objects.filter(
            intervention=models.OuterRef("pk"), user=user
        )
        return self.annotate(last_seen_at=models.Subquery(visits.values("seen_at")[:1]))


class AppointmentQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date) -> AppointmentQuerySet:
        return self.filter(Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gte=day))

    def visible_to(self, user: Any) -> AppointmentQuerySet:
        from intervention.permissions import intervention_filter

        return self.filter(intervention_filter(user, prefix="intervention__"))


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> InspectionQuerySet:
        from intervention.permissions import authority_filter

        return self.filter(authority_filter(user))
