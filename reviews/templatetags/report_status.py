"""What a printed instrument's status line says: how it stood on the document's date and, if it has
been revoked since, when and by what (issue 14, item 3)."""

from __future__ import annotations

from typing import Any

from django import template

from reviews.reports.as_at import document_day, instrument_standing

register = template.Library()


@register.simple_tag
def instrument_status(report: Any, version: Any = None) -> str:
    instrument = report.instrument
    if instrument is None:
        return "As issued."
    day = document_day(report, version)
    then = instrument_standing(instrument, day)
    # A copy dated by its period says so; an undated copy is as at the day it was made.
    words = then.words + (f", as at {day:%-d %B %Y}." if report.period_end else ".")
    if not then.is_revoked and instrument.revoked_on is not None:
        since = instrument_standing(instrument, instrument.revoked_on)
        words += f" Revoked since, on {since.words.removeprefix('Revoked on ')}."
    return words
