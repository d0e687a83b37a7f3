"""Querysets the directions pages share. Visibility always comes from intervention.permissions."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection, models
from django.db.models import BooleanField, Case, F, Func, Q, Subquery, Value, When
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


class AnyOf(Func):
    """`column = ANY(ARRAY(subquery))` on PostgreSQL: ORed with other indexed conditions, each is answered
    from its own index (a BitmapOr), where `column IN (subquery)` ORed with them becomes a hashed subplan
    tested on every row of the table, a cost that follows the table's size."""

    arg_joiner = " = ANY(ARRAY"
    template = "%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, column: str, subquery: models.QuerySet) -> None:
        super().__init__(F(column), Subquery(subquery))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, arg_joiner=" IN ", template="%(expressions)s", **extra)


class InstructionQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> InstructionQuerySet:
        return self.filter(intervention_filter(user, prefix="intervention__"))

    def open(self) -> InstructionQuerySet:
        return self.filter(status__in=OPEN_INSTRUCTION_STATUSES)

    def matching_or_named(self, term: str) -> InstructionQuerySet:
        """What admin search finds: the words in a title or text (`matching`), or the term in the name
        of the instruction's authority or issuer, each through an index, so the search costs what it
        finds, not what the table holds."""
        from intervention.models import Intervention, Person

        authorities = Intervention.objects.filter(local_authority__name__icontains=term).order_by().values("pk")
        issuers = Person.objects.filter(name__icontains=term).order_by().values("pk")
        return self.matching(term) | self.filter(AnyOf("intervention_id", authorities) | AnyOf("issued_by_id", issuers))

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
