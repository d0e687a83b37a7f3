"""Date arithmetic for statutory and DfE deadlines. Pure: dates in, dates out, no database.

- Months clamp to the month's end: 31 August + 6 months = 28 (or 29) February.
- A working day is any day but Saturday, Sunday, Christmas Day, Good Friday and an England and Wales
  bank holiday (the Inspection of Local Authorities Regulations 2007). The day of the event is day 0.
  Bank holidays come from the `holidays` package (GB, subdivision ENG); days proclaimed after its
  release are passed in as `extra_holidays`.
- N clear days before a meeting: neither the day of notice nor the day of the meeting counts.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from functools import lru_cache

import holidays


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus a whole number of months, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


@lru_cache(maxsize=64)
def _england_bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: datetime.date, extra_holidays: Iterable[datetime.date] = ()) -> bool:
    if day.weekday() >= 5:
        return False
    if day in _england_bank_holidays(day.year):
        return False
    # Christmas Day and Good Friday are in the package's list; they are named in the rule all the same.
    return day not in frozenset(extra_holidays)


def add_working_days(day: datetime.date, count: int, extra_holidays: Iterable[datetime.date] = ()) -> datetime.date:
    """The `count`th working day after `day` (which is day 0, whatever kind of day it is)."""
    if count < 0:
        raise ValueError("count must not be negative")
    extra = frozenset(extra_holidays)
    current = day
    remaining = count
    while remaining:
        current += datetime.timedelta(days=1)
        if is_working_day(current, extra):
            remaining -= 1
    return current


def latest_notice_for_clear_days(meeting_on: datetime.date, clear_days: int) -> datetime.date:
    """The last day notice can be given so that `clear_days` whole days lie between it and the meeting."""
    if clear_days < 0:
        raise ValueError("clear_days must not be negative")
    return meeting_on - datetime.timedelta(days=clear_days + 1)
