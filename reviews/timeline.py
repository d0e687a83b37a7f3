"""'What changed' timelines from simple-history: who, when, why, which fields, old → new."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

HIDDEN_FIELDS = {"version", "id"}
# A correction's who, when and why are the history entry's own: shown as its reason, not as changes.
HIDDEN_FIELDS |= {"revision", "corrected_at", "corrected_by", "correction_reason", "withdrawn_at", "withdrawn_by"}


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime.datetime
    who: str
    reason: str
    created: bool
    changes: list[Change] = field(default_factory=list)


def _display(model: Any, name: str, value: Any) -> str:
    if value in (None, ""):
        return "(blank)"
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    return str(value)


def timeline(obj: Any, records: list[Any] | None = None) -> list[Entry]:
    """The record's history, newest first. Pass `records` when they were prefetched."""
    if records is None:
        records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    model = type(obj)
    entries: list[Entry] = []
    previous = None
    for record in records:
        user = record.history_user
        who = (user.get_full_name() or user.username) if user else "The service"
        entry = Entry(
            when=record.history_date, who=who, reason=record.history_change_reason or "", created=previous is None
        )
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                entry.changes.append(
                    Change(
                        field=str(model._meta.get_field(change.field).verbose_name).capitalize(),
                        old=_display(model, change.field, change.old),
                        new=_display(model, change.field, change.new),
                    )
                )
        entries.append(entry)
        previous = record
    return entries[::-1]
