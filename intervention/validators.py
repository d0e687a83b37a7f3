"""Validators shared by the models and the forms of every app, so that a rule says the same thing
wherever it is broken: in a GOV.UK page, in the admin screens and in a service call."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

# The window every date that people enter must fall in: no case, document or figure in this
# service is older than 1990 or planned beyond 2100, and a year such as 0001 or 9999 is a typing
# slip that would otherwise be kept and break the date arithmetic and the reports.
EARLIEST_DATE = datetime.date(1990, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
DATE_OUT_OF_RANGE = f"Enter a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}"

TITLE_ON_ONE_LINE = "Enter the title on one line"


def sensible_date(value: datetime.date | None) -> None:
    """Refuse a date outside the window above (a datetime is judged by its date)."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(DATE_OUT_OF_RANGE, code="date_out_of_range")


def single_line(value: str | None) -> None:
    """Refuse text with a line break: it becomes an email subject, where a break is an injected header."""
    if value and any(character in value for character in "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"):
        raise ValidationError(TITLE_ON_ONE_LINE, code="multiple_lines")
