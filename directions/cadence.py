"""Validating and describing a reporting obligation's cadence. Pure: it reads the obligation's
fields and touches no database. Turning a cadence into dated deadlines is the scheduler's job."""

from __future__ import annotations

from typing import Any

from directions.enums import EVENT_CADENCES, Cadence

NEEDS = "Enter {what} for this cadence"
NOT_FOR_CADENCE = "Leave this empty: the cadence '{cadence}' does not use it"
INTERVAL_AT_LEAST_ONE = "The interval must be at least 1"
ENDS_BEFORE_ANCHOR = "The end date must be after the date the cadence counts from"
ENDS_BEFORE_DUE = "The end date must be on or after the due date"
EVENT_DATE_WITHOUT_EVENT = "Say what the event is before recording its date"
ANCHOR_IS_DUE_NOT_FOR_CADENCE = "Only 'every N months' and 'every N weeks' can count the date they count from as due"

# Which fields each cadence needs; every other cadence field must be empty.
REQUIRED: dict[str, dict[str, str]] = {
    Cadence.FIXED_DATE: {"due_on": "the date it is due"},
    Cadence.EVERY_N_MONTHS: {"anchor_on": "the date it counts from", "interval": "how many months apart"},
    Cadence.EVERY_N_WEEKS: {"anchor_on": "the date it counts from", "interval": "how many weeks apart"},
    Cadence.ONCE_THEN_EVERY: {
        "anchor_on": "the date it counts from",
        "first_after": "how many months until the first",
        "interval": "how many months apart after that",
    },
    Cadence.MONTHS_AFTER_EVENT: {"event": "the event it follows", "interval": "how many months after the event"},
    Cadence.WORKING_DAYS_AFTER_EVENT: {
        "event": "the event it follows",
        "interval": "how many working days after the event",
    },
}
CADENCE_FIELDS = ("due_on", "anchor_on", "interval", "first_after", "event")


def validate_cadence(obligation: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    cadence = obligation.cadence
    if cadence not in REQUIRED:
        return errors
    required = REQUIRED[cadence]
    for name in CADENCE_FIELDS:
        value = getattr(obligation, name)
        empty = value in (None, "")
        if name in required and empty:
            errors[name] = NEEDS.format(what=required[name])
        elif name not in required and not empty:
            errors[name] = NOT_FOR_CADENCE.format(cadence=Cadence(cadence).label)
    for name in ("interval", "first_after"):
        value = getattr(obligation, name)
        if value is not None and value < 1 and name not in errors:
            errors[name] = INTERVAL_AT_LEAST_ONE
    if obligation.event_on and cadence not in EVENT_CADENCES:
        errors["event_on"] = NOT_FOR_CADENCE.format(cadence=Cadence(cadence).label)
    elif obligation.event_on and not obligation.event:
        errors["event_on"] = EVENT_DATE_WITHOUT_EVENT
    if getattr(obligation, "anchor_is_due", False) and cadence not in (Cadence.EVERY_N_MONTHS, Cadence.EVERY_N_WEEKS):
        errors["anchor_is_due"] = ANCHOR_IS_DUE_NOT_FOR_CADENCE
    if obligation.ends_on:
        if obligation.anchor_on and obligation.ends_on <= obligation.anchor_on:
            errors["ends_on"] = ENDS_BEFORE_ANCHOR
        if obligation.due_on and obligation.ends_on < obligation.due_on:
            errors["ends_on"] = ENDS_BEFORE_DUE
    return errors


def _date(value: Any) -> str:
    return f"{value:%-d %B %Y}"


def _every(n: int, unit: str) -> str:
    return f"every {unit}" if n == 1 else f"every {n} {unit}s"


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def describe_cadence(obligation: Any) -> str:
    """e.g. 'every 3 months from 1 March 2023'; 'by 31 December 2017';
    '6 months after 19 September 2017, then every 6 months';
    '6 months after publication of the commissioner's report (waiting for its date)'."""
    cadence = obligation.cadence
    if validate_cadence(obligation):
        return "cadence not yet complete"
    if cadence == Cadence.FIXED_DATE:
        sentence = f"by {_date(obligation.due_on)}"
    elif cadence in (Cadence.EVERY_N_MONTHS, Cadence.EVERY_N_WEEKS):
        unit = "month" if cadence == Cadence.EVERY_N_MONTHS else "week"
        if getattr(obligation, "anchor_is_due", False):
            sentence = f"by {_date(obligation.anchor_on)}, then {_every(obligation.interval, unit)} from it"
        else:
            sentence = f"{_every(obligation.interval, unit)} from {_date(obligation.anchor_on)}"
    elif cadence == Cadence.ONCE_THEN_EVERY:
        sentence = (
            f"{_count(obligation.first_after, 'month')} after {_date(obligation.anchor_on)}, "
            f"then {_every(obligation.interval, 'month')}"
        )
    elif cadence in EVENT_CADENCES:
        when = _date(obligation.event_on) if obligation.event_on else "waiting for its date"
        unit = "month" if cadence == Cadence.MONTHS_AFTER_EVENT else "working day"
        sentence = f"{_count(obligation.interval, unit)} after {obligation.event} ({when})"
    else:
        return "cadence not recognised"
    if obligation.ends_on:
        sentence += f", until {_date(obligation.ends_on)}"
    return sentence
