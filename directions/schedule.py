"""The rule engine: from a cadence and its anchor, the due dates in a window. Pure: no database.

`Rule` carries the same fields as a reporting obligation (directions.models.ReportingObligation), so
the engine can be tested on its own and the scheduler can hand it any obligation.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from intervention.dates import add_months, add_working_days

# Deadlines are materialised to this many months ahead of today.
MONTHS_AHEAD = 18

FIXED_DATE = "fixed_date"
EVERY_N_MONTHS = "every_n_months"
EVERY_N_WEEKS = "every_n_weeks"
ONCE_THEN_EVERY = "once_then_every"
MONTHS_AFTER_EVENT = "months_after_event"
WORKING_DAYS_AFTER_EVENT = "working_days_after_event"


class HasCadence(Protocol):
    """What `Rule.of` reads: a reporting obligation's cadence fields, without importing the model."""

    @property
    def cadence(self) -> str: ...
    @property
    def due_on(self) -> datetime.date | None: ...
    @property
    def anchor_on(self) -> datetime.date | None: ...
    @property
    def anchor_is_due(self) -> bool: ...
    @property
    def interval(self) -> int | None: ...
    @property
    def first_after(self) -> int | None: ...
    @property
    def event_on(self) -> datetime.date | None: ...
    @property
    def ends_on(self) -> datetime.date | None: ...


@dataclass(frozen=True)
class Rule:
    cadence: str
    due_on: datetime.date | None = None
    anchor_on: datetime.date | None = None
    anchor_is_due: bool = False
    interval: int | None = None
    first_after: int | None = None
    event_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    extra_holidays: frozenset[datetime.date] = frozenset()

    @classmethod
    def of(cls, obligation: HasCadence, extra_holidays: frozenset[datetime.date] = frozenset()) -> Rule:
        return cls(
            cadence=obligation.cadence,
            due_on=obligation.due_on,
            anchor_on=obligation.anchor_on,
            anchor_is_due=obligation.anchor_is_due,
            interval=obligation.interval,
            first_after=obligation.first_after,
            event_on=obligation.event_on,
            ends_on=obligation.ends_on,
            extra_holidays=extra_holidays,
        )

    @property
    def waiting_for_event(self) -> bool:
        return self.cadence in (MONTHS_AFTER_EVENT, WORKING_DAYS_AFTER_EVENT) and self.event_on is None


class RuleError(ValueError):
    """A cadence that cannot yield dates (the obligation's own validation should have refused it)."""


def _occurrences(rule: Rule) -> Iterator[datetime.date]:
    """Every due date of the rule, in order, without end for repeating cadences. Each date is computed
    from the anchor, never from the previous date, so that clamping at a month's end does not drift
    (31 January: 28 February, 31 March, 30 April, not 28 March)."""
    if rule.cadence == FIXED_DATE:
        if rule.due_on is None:
            raise RuleError("a fixed date needs its date")
        yield rule.due_on
    elif rule.cadence in (EVERY_N_MONTHS, EVERY_N_WEEKS, ONCE_THEN_EVERY):
        if rule.anchor_on is None or not rule.interval or rule.interval < 1:
            raise RuleError("a repeating cadence needs an anchor and an interval of at least 1")
        if rule.cadence == ONCE_THEN_EVERY and (not rule.first_after or rule.first_after < 1):
            raise RuleError("'once after N months' needs N of at least 1")
        # "The first by 31 December, then quarterly": the anchor is step 0, and every later date is
        # still the anchor plus N steps, so clamping never drifts.
        step = 0 if rule.anchor_is_due and rule.cadence in (EVERY_N_MONTHS, EVERY_N_WEEKS) else 1
        while True:
            if rule.cadence == EVERY_N_MONTHS:
                yield add_months(rule.anchor_on, rule.interval * step)
            elif rule.cadence == EVERY_N_WEEKS:
                yield rule.anchor_on + datetime.timedelta(weeks=rule.interval * step)
            else:
                assert rule.first_after is not None  # refused above for this cadence
                yield add_months(rule.anchor_on, rule.first_after + rule.interval * (step - 1))
            step += 1
    elif rule.cadence == MONTHS_AFTER_EVENT:
        if not rule.interval or rule.interval < 1:
            raise RuleError("'N months after an event' needs N of at least 1")
        if rule.event_on is not None:
            yield add_months(rule.event_on, rule.interval)
    elif rule.cadence == WORKING_DAYS_AFTER_EVENT:
        if not rule.interval or rule.interval < 1:
            raise RuleError("'N working days after an event' needs N of at least 1")
        if rule.event_on is not None:
            yield add_working_days(rule.event_on, rule.interval, rule.extra_holidays)
    else:
        raise RuleError(f"unknown cadence {rule.cadence!r}")


def due_dates(rule: Rule, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The rule's due dates from `start` to `end` inclusive (and not after the rule's own end)."""
    if end < start:
        return []
    last = min(end, rule.ends_on) if rule.ends_on else end
    dates = []
    for day in _occurrences(rule):
        if day > last:
            break
        if day >= start:
            dates.append(day)
    return dates


def window(
    rule: Rule, *, issued_on: datetime.date | None, revoked_on: datetime.date | None, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The whole record a rule gives: from its anchor (or its instrument's issue) to 18 months after
    today, and no further than the day before its instrument's revocation."""
    start = min(filter(None, [rule.anchor_on, rule.due_on, rule.event_on, issued_on]), default=today)
    end = add_months(today, MONTHS_AHEAD)
    if revoked_on:
        end = min(end, revoked_on - datetime.timedelta(days=1))
    return start, end


@dataclass(frozen=True)
class Preview:
    """What a person checks before saving a cadence: the first dates, the last in the window, how many."""

    first: list[datetime.date]
    last: datetime.date | None
    count: int


def preview(rule: Rule, start: datetime.date, end: datetime.date, *, first: int = 6) -> Preview:
    dates = due_dates(rule, start, end)
    return Preview(first=dates[:first], last=dates[-1] if len(dates) > first else None, count=len(dates))
