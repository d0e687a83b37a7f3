"""Querysets the directions pages share. Visibility always comes from intervention.permissions."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection, models
from django.db.models import BooleanField, Case, Q, Value, When
from django.db.models.expressions import RawSQL

from directions.enums import OPEN_INSTRUCTION_STATUSES, OVERDUE_INSTRUCTION_STATUSES, InstrumentStatus
from intervention.permissions import intervention_filter


class InstrumentQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> InstrumentQuerySet:
        return self.filter(intervention_filter(user, prefix="intervention__"))

    def issued(self) -> InstrumentQuerySet:
        return self.filter(status=InstrumentStatus.ISSUED)

    def in_force_on(self, day: datetime.date) -> InstrumentQuerySet:
        return self.filter(in_force_on(day))


def in_force_on(day: datetime.date, prefix: str = "") -> Q:
    """Instruments in force on the day: issued, by then, and not revoked by then. `prefix` reaches them
    from another model ("instrument__" from its rows), asked of the rows' own join to them."""
    return Q(
        Q(**{f"{prefix}revoked_on__isnull": True}) | Q(**{f"{prefix}revoked_on__gt": day}),
        **{f"{prefix}status": InstrumentStatus.ISSUED, f"{prefix}issued_on__lte": day},
    )


class ClauseQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ClauseQuerySet:
        return self.filter(intervention_filter(user, prefix="instrument__intervention__"))


class InstructionQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> InstructionQuerySet:
        return self.filter(intervention_filter(user, prefix="intervention__"))

    def open(self) -> InstructionQuerySet:
        return self.filter(status__in=OPEN_INSTRUCTION_STATUSES)

    def overdue(self, *, on: datetime.date) -> InstructionQuerySet:
        return self.filter(status__in=OVERDUE_INSTRUCTION_STATUSES, due_on__lt=on)

    def overdue_first(self, *, on: datetime.date) -> InstructionQuerySet:
        """Overdue ones first, then by due date: the order the council works them in, in the
        database, so a page of them can be cut from any number."""
        late = Case(
            When(status__in=OVERDUE_INSTRUCTION_STATUSES, due_on__lt=on, then=Value(0)),
            default=Value(1),
        )
        return self.alias(late=late).order_by("late", "due_on", "pk")

    def matching(self, words: str) -> InstructionQuerySet:
        """Instructions whose title or text has the words: on PostgreSQL through the GIN-indexed
        `search_vector` column (directions migration 0010), on SQLite every word by `icontains`."""
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(self.model._meta.db_table)
            # The table name is the model's own and the words a parameter: nothing typed reaches the SQL.
            return self.filter(
                RawSQL(  # noqa: S611
                    f"{table}.search_vector @@ websearch_to_tsquery('english', %s)",
                    [words],
                    output_field=BooleanField(),
                )
            )
        condition = Q()
        for word in words.split():
            condition &= Q(title__icontains=word) | Q(text__icontains=word)
        return self.filter(condition)
