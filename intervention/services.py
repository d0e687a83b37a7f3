"""Rules that span the case's models. Views, admin actions, tasks and commands all call these.

Each service takes the acting user (`by`) so that the history of every record it writes says who
made the change, and why where a reason is given.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from intervention.enums import Role
from intervention.models import (
    RECORDED_FROM_BEFORE_OPENED,
    ApiToken,
    Appointment,
    CaseNote,
    ExtraBankHoliday,
    Finding,
    Inspection,
    Intervention,
    Judgement,
    LocalAuthority,
    Person,
    WorkerHeartbeat,
)
from intervention.permissions import Capability, has_capability, writes_case_notes
from intervention.queue import enqueue_after_commit
from intervention.reference_data import LOCAL_AUTHORITIES_CSV, read_local_authorities

ALREADY_CLOSED = "This intervention was already closed on {closed_on:%-d %B %Y}"
NOT_CLOSED = "This intervention is open: there is nothing to reopen"
CLOSING_NEEDS_A_REASON = "Say why the intervention is closed"
REOPENING_NEEDS_A_REASON = "Say why the intervention is reopened"
MAY_NOT_CLOSE = "Only DfE staff can close or reopen {authority}'s intervention"
APPOINTMENT_ENDED_BY_CLOSING = "Ended: the intervention was closed on {closed_on:%-d %B %Y}"
ALREADY_ENDED = "This appointment already ended on {ends_on:%-d %B %Y}"


def change_reason(reason: str) -> str:
    """simple-history keeps up to 100 characters of a reason; say where it was cut."""
    return reason if len(reason) <= 100 else reason[:99] + "…"


def note_for_history(instance: Any, *, by: Any = None, reason: str = "", at: datetime.datetime | None = None) -> None:
    """Tell simple-history who made the next change to an instance, why and when, where no
    save_with_history writes the row: a many-to-many change, or a bulk helper, which reads these off each
    object. Only what is given is set; the attributes are simple-history's, which no model declares."""
    if by is not None:
        instance._history_user = by
    if reason:
        instance._change_reason = change_reason(reason)
    if at is not None:
        instance._history_date = at


def save_with_history(instance: Any, *, by: Any, reason: str = "") -> None:
    """Validate and save, recording who made the change and why in the history."""
    instance.full_clean()
    instance._history_user = by
    if reason:
        instance._change_reason = change_reason(reason)
    instance.save()


@transaction.atomic
def load_local_authorities(*, by: Any = None, path: Path = LOCAL_AUTHORITIES_CSV) -> tuple[int, int]:
    """Create or update every local authority from the reference file, matched on the DfE code
    (which, unlike the GSS code, did not change when Barnsley and Sheffield were recoded).
    Returns (created, updated); running it twice changes nothing the second time."""
    existing = {la.dfe_code: la for la in LocalAuthority.objects.all()}
    created = updated = 0
    for row in read_local_authorities(path):
        authority = existing.get(row["dfe_code"])
        if authority is None:
            save_with_history(LocalAuthority(**row), by=by, reason="Loaded from the reference file")
            created += 1
            continue
        changed = {key: value for key, value in row.items() if getattr(authority, key) != value}
        if changed:
            for key, value in changed.items():
                setattr(authority, key, value)
            save_with_history(authority, by=by, reason="Updated from the reference file")
            updated += 1
    return created, updated


@transaction.atomic
def open_intervention(
    *,
    local_authority: LocalAuthority,
    opened_on: datetime.date,
    by: Any,
    service_area: str = Intervention._meta.get_field("service_area").default,
    summary: str = "",
    recorded_from: datetime.date | None = None,
) -> Intervention:
    """Open a case. `recorded_from` is for a case entered after the fact: deadlines due before it are
    kept as historical (the reviews app's deadlines)."""
    intervention = Intervention(
        local_authority=local_authority,
        opened_on=opened_on,
        service_area=service_area,
        summary=summary,
        recorded_from=recorded_from,
    )
    if recorded_from is not None and recorded_from < opened_on:
        raise ValidationError({"recorded_from": RECORDED_FROM_BEFORE_OPENED})
    save_with_history(intervention, by=by, reason="Intervention opened")
    return intervention


@transaction.atomic
def close_intervention(*, intervention: Intervention, closed_on: datetime.date, by: Any, reason: str) -> Intervention:
    """Close the case and end the appointments still running on the closing date (their last day).
    Revoking its instruments and cancelling its deadlines belong to the apps built on this one:
    `reviews.services.closing.close_case` does the whole act, and the screens call that."""
    if not has_capability(by, intervention, Capability.MANAGE_CASE):
        raise PermissionDenied(MAY_NOT_CLOSE.format(authority=intervention.local_authority.name))
    if not reason.strip():
        raise ValidationError({"reason": CLOSING_NEEDS_A_REASON})
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.closed_on is not None:
        raise ValidationError(ALREADY_CLOSED.format(closed_on=intervention.closed_on))
    intervention.closed_on = closed_on
    intervention.closure_reason = reason.strip()
    save_with_history(intervention, by=by, reason=f"Closed on {closed_on:%-d %B %Y}: {reason.strip()}")
    running = intervention.appointments.filter(starts_on__lte=closed_on).exclude(ends_on__lte=closed_on)
    for appointment in running:
        appointment.ends_on = closed_on
        save_with_history(appointment, by=by, reason=APPOINTMENT_ENDED_BY_CLOSING.format(closed_on=closed_on))
    return intervention


@transaction.atomic
def reopen_intervention(*, intervention: Intervention, by: Any, reason: str) -> Intervention:
    """Reopen a closed case, as a recorded act. What closing ended stays ended: a new instrument and
    new appointments are recorded as such."""
    if not has_capability(by, intervention, Capability.MANAGE_CASE):
        raise PermissionDenied(MAY_NOT_CLOSE.format(authority=intervention.local_authority.name))
    if not reason.strip():
        raise ValidationError({"reason": REOPENING_NEEDS_A_REASON})
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.closed_on is None:
        raise ValidationError(NOT_CLOSED)
    closed_on = intervention.closed_on
    intervention.closed_on = None
    intervention.closure_reason = ""
    save_with_history(intervention, by=by, reason=f"Reopened (closed on {closed_on:%-d %B %Y}): {reason.strip()}")
    return intervention


@transaction.atomic
def appoint(
    *,
    person: Person,
    intervention: Intervention,
    role: Role | str,
    starts_on: datetime.date,
    by: Any,
    ends_on: datetime.date | None = None,
) -> Appointment:
    appointment = Appointment(person=person, intervention=intervention, role=role, starts_on=starts_on, ends_on=ends_on)
    save_with_history(appointment, by=by, reason="Appointed")
    return appointment


@transaction.atomic
def end_appointment(*, appointment: Appointment, ends_on: datetime.date, by: Any, reason: str) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.ends_on is not None and appointment.ends_on <= timezone.localdate():
        raise ValidationError(ALREADY_ENDED.format(ends_on=appointment.ends_on))
    appointment.ends_on = ends_on
    save_with_history(appointment, by=by, reason=reason)
    return appointment


ONLY_ADMINISTRATORS_ADD_BANK_HOLIDAYS = "Only an administrator can add or change a bank holiday"


@transaction.atomic
def record_extra_bank_holiday(*, holiday: ExtraBankHoliday, by: Any) -> ExtraBankHoliday:
    """Add (or correct) a one-off bank holiday. Administrators only: it moves every working-day
    deadline in the country. Every case's deadlines are worked out again after commit."""
    if not (by is not None and by.is_active and by.is_superuser):
        raise PermissionDenied(ONLY_ADMINISTRATORS_ADD_BANK_HOLIDAYS)
    save_with_history(holiday, by=by, reason=f"Bank holiday: {holiday.name} ({holiday.date:%-d %B %Y})")
    enqueue_after_commit("reviews.materialise_deadlines")
    return holiday


@transaction.atomic
def record_inspection(
    *,
    local_authority: LocalAuthority,
    kind: str,
    framework: str,
    fieldwork_starts_on: datetime.date,
    fieldwork_ends_on: datetime.date,
    by: Any,
    lead_inspector: str = "",
    report_received_on: datetime.date | None = None,
    published_on: datetime.date | None = None,
    judgements: dict[str, str] | None = None,
    needs_to_improve: list[str] | None = None,
    priority_actions: list[str] | None = None,
) -> Inspection:
    """Record an Ofsted inspection with its graded judgements and findings, all or nothing."""
    inspection = Inspection(
        local_authority=local_authority,
        kind=kind,
        framework=framework,
        fieldwork_starts_on=fieldwork_starts_on,
        fieldwork_ends_on=fieldwork_ends_on,
        lead_inspector=lead_inspector,
        report_received_on=report_received_on,
        published_on=published_on,
    )
    save_with_history(inspection, by=by, reason="Inspection recorded")
    for area, grade in (judgements or {}).items():
        save_with_history(Judgement(inspection=inspection, area=area, grade=grade), by=by, reason="Inspection recorded")
    for kind_, texts in (
        (Finding.Kind.NEEDS_TO_IMPROVE, needs_to_improve),
        (Finding.Kind.PRIORITY_ACTION, priority_actions),
    ):
        for position, text in enumerate(texts or [], start=1):
            save_with_history(
                Finding(inspection=inspection, kind=kind_, position=position, text=text),
                by=by,
                reason="Inspection recorded",
            )
    return inspection


def record_heartbeat(*, name: str) -> WorkerHeartbeat:
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})
    return heartbeat


# --- DfE's restricted case notes (issue 16) ---------------------------------------------------------

MAY_NOT_WRITE_NOTES = "Only DfE staff can write case notes"
NOTE_STALE = (
    "Someone else changed this note after you opened it. Their version is shown below: make your changes again."
)
ENTER_NOTE_TITLE = "Enter a title for the note"
ENTER_NOTE_TEXT = "Enter the note"


def _check_note(title: str, text: str) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = ENTER_NOTE_TITLE
    if not text.strip():
        errors["text"] = ENTER_NOTE_TEXT
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def write_case_note(
    *, intervention: Intervention, kind: str, title: str, text: str, shared_with_commissioner: bool, by: Any
) -> CaseNote:
    if not writes_case_notes(by, intervention):
        raise PermissionDenied(MAY_NOT_WRITE_NOTES)
    _check_note(title, text)
    note = CaseNote(
        intervention=intervention,
        kind=kind,
        title=title.strip(),
        text=text.strip(),
        shared_with_commissioner=shared_with_commissioner,
        written_by=by,
    )
    save_with_history(note, by=by, reason="Note written")
    return note


@transaction.atomic
def update_case_note(
    *, note: CaseNote, version: int, kind: str, title: str, text: str, shared_with_commissioner: bool, by: Any
) -> CaseNote:
    """Change a note; refuses (code "stale") a change made from a page opened before someone else's save."""
    note = CaseNote.objects.select_for_update().get(pk=note.pk)
    if not writes_case_notes(by, note.intervention):
        raise PermissionDenied(MAY_NOT_WRITE_NOTES)
    if note.version != version:
        raise ValidationError(NOTE_STALE, code="stale")
    _check_note(title, text)
    sharing = shared_with_commissioner != note.shared_with_commissioner
    note.kind, note.title, note.text = kind, title.strip(), text.strip()
    note.shared_with_commissioner = shared_with_commissioner
    note.version += 1
    reason = "Note changed"
    if sharing:
        reason = "Shared with the commissioner"
        if not shared_with_commissioner:
            reason = "No longer shared with the commissioner"
    save_with_history(note, by=by, reason=reason)
    return note


# --- API tokens (issue 16) ----------------------------------------------------------------------------

ENTER_TOKEN_NAME = "Enter a name for the token"  # noqa: S105 - a message


def hash_api_token(token: str) -> str:
    """SHA-256 of the token, in hex: enough for 256 random bits, which nobody can guess."""
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_api_token(*, name: str, by: Any) -> tuple[ApiToken, str]:
    """A new token for the person; returns it and its secret, which is shown this once and never kept."""
    if not name.strip():
        raise ValidationError({"name": ENTER_TOKEN_NAME})
    secret = secrets.token_urlsafe(32)
    token = ApiToken(user=by, name=name.strip(), token_hash=hash_api_token(secret))
    save_with_history(token, by=by, reason="Token made")
    return token, secret


@transaction.atomic
def revoke_api_token(*, token: ApiToken, by: Any) -> ApiToken:
    """Stop a token working, at once. A person revokes only their own (the page finds it among theirs)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != by.pk:
        raise PermissionDenied("You can only revoke your own tokens")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        save_with_history(token, by=by, reason="Token revoked")
    return token


def api_token_user(secret: str, *, reading: bool = True) -> tuple[Any, ApiToken] | None:
    """The active person and token a bearer token belongs to, or None: a revoked token, or one of an
    account switched off, stops working at once. Notes when it was last used to read (at most once a
    minute); a refused write leaves no trace in the database."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_api_token(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if reading and (token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1)):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # no history: a note of use, not a decision
        token.last_used_at = now
    return token.user, token


BEAT_HEARTBEAT = "beat"


def worker_heartbeat_name(hostname: str) -> str:
    """The heartbeat a worker's own health check asks it to record (`manage.py healthcheck worker`)."""
    return f"worker {hostname}"[: WorkerHeartbeat._meta.get_field("name").max_length or 50]


@dataclass(frozen=True)
class ServiceHealth:
    database_ok: bool
    beat_at: datetime.datetime | None
    max_age: datetime.timedelta

    @property
    def beat_ok(self) -> bool:
        return self.beat_at is not None and timezone.now() - self.beat_at <= self.max_age

    @property
    def ok(self) -> bool:
        return self.database_ok and self.beat_ok

    def as_json(self) -> dict[str, object]:
        return {
            "status": "ok" if self.ok else "unavailable",
            "database": "ok" if self.database_ok else "unavailable",
            "beat": "ok" if self.beat_ok else ("stale" if self.beat_at else "never seen"),
            "worker_heartbeat": self.beat_at.isoformat() if self.beat_at else None,
        }


def service_health() -> ServiceHealth:
    """Whether the database answers and when a worker last consumed beat's heartbeat task."""
    max_age = datetime.timedelta(seconds=settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS)
    try:
        heartbeat = WorkerHeartbeat.objects.filter(name=BEAT_HEARTBEAT).first()
    except DatabaseError:
        return ServiceHealth(database_ok=False, beat_at=None, max_age=max_age)
    return ServiceHealth(database_ok=True, beat_at=heartbeat.beat_at if heartbeat else None, max_age=max_age)
