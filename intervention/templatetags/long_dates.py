"""Dates written out as the service writes them in tables, "3 December 2026" (the date filter's
"j F Y"). The national lists draw hundreds of dates a page, and the date filter's general machinery
(finding the format, a formatter object, the month's lazily translated name) cost as much as the rest
of a deadline's row."""

from __future__ import annotations

import datetime

from django import template
from django.template.defaultfilters import date as date_filter

register = template.Library()

MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@register.filter(expects_localtime=True)
def long_date(value: datetime.date | str | None) -> str:
    """As `value|date:"j F Y"` writes it ("3 December 2026"). Like the date filter, it is given a moment
    already in the service's time zone (`expects_localtime`); anything else (None, "") goes to the date
    filter, which writes it as the date filter does."""
    if isinstance(value, datetime.date):
        return f"{value.day} {MONTHS[value.month]} {value.year:04d}"
    return date_filter(value, "j F Y")


@register.filter(expects_localtime=True)
def short_date(value: datetime.date | str | None) -> str:
    """As `value|date:"j M Y"` writes it ("3 Dec 2026"); a moment is shown in the service's time zone."""
    if isinstance(value, datetime.date):
        return f"{value.day} {MONTHS[value.month][:3]} {value.year:04d}"
    return date_filter(value, "j M Y")
