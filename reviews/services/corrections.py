"""Correcting and withdrawing what the council recorded: an indicator value, a progress update, an
evidence file. Nothing is deleted. The record keeps who corrected or withdrew it, when and the whole
reason (a field of its own: simple-history's change reason is cut at 100 characters); its history
keeps the old value. A withdrawn record drops out of charts, figures and ratings
(reviews.models.corrections).

Who: those who log progress on the case (the council) and those who oversee it (the commissioner,
the advisers), while the case is open."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from intervention.models import Intervention
from intervention.permissions import Capability, capabilities_on
from intervention.services import save_with_history
from reviews.models import EvidenceFile, Measurement, ProgressUpdate
from reviews.services.progress import STALE, replace_evidence

MAY_NOT_CORRECT = "You cannot correct what is recorded on {authority}'s intervention"
REASON_REQUIRED = "Say why"
ALREADY_WITHDRAWN = "This has already been withdrawn"
NOTHING_CHANGED = "Change the value, or go back: nothing was changed"
CORRECTING_CAPABILITIES = frozenset({Capability.LOG_PROGRESS, Capability.ISSUE_INSTRUCTIONS})

Record = TypeVar("Record", Measurement, ProgressUpdate, EvidenceFile)


def may_correct(user: Any, intervention: Intervention) -> bool:
    return bool(CORRECTING_CAPABILITIES & capabilities_on(user, intervention))


def require_correct(user: Any, intervention: Intervention) -> None:
    if not may_correct(user, intervention):
        raise PermissionDenied(MAY_NOT_CORRECT.format(authority=intervention.local_authority.name))


def _current(record: Record, revision: int, reason: str) -> Record:
    """The record as it is now, locked; refused if it changed since the person's form was opened."""
    current = type(record).all_objects.select_for_update().get(pk=record.pk)
    if current.is_withdrawn:
        raise ValidationError(ALREADY_WITHDRAWN, code="withdrawn")
    if current.revision != revision:
        raise ValidationError(STALE, code="stale")
    if not reason.strip():
        raise ValidationError({"reason": [REASON_REQUIRED]})
    return current


def _mark_corrected(record: Record, *, by: Any, reason: str) -> None:
    record.corrected_at = timezone.now()
    record.corrected_by = by
    record.correction_reason = reason.strip()
    record.revision += 1


def _withdraw(record: Record, *, revision: int, reason: str, by: Any) -> Record:
    current = _current(record, revision, reason)
    current.withdrawn_at = timezone.now()
    current.withdrawn_by = by
    current.withdrawal_reason = reason.strip()
    current.revision += 1
    save_with_history(current, by=by, reason=f"Withdrawn: {current.withdrawal_reason}")
    return current


@transaction.atomic
def correct_measurement(
    *, measurement: Measurement, revision: int, value: Decimal, source_note: str, reason: str, by: Any
) -> Measurement:
    """Correct an indicator value. The old value stays in the value's history."""
    require_correct(by, measurement.case)
    current = _current(measurement, revision, reason)
    if current.value == value and current.source_note == source_note.strip():
        raise ValidationError({"value": [NOTHING_CHANGED]})
    current.value, current.source_note = value, source_note.strip()
    _mark_corrected(current, by=by, reason=reason)
    save_with_history(current, by=by, reason=f"Corrected: {current.correction_reason}")
    return current


@transaction.atomic
def withdraw_measurement(*, measurement: Measurement, revision: int, reason: str, by: Any) -> Measurement:
    """Withdraw an indicator value: it leaves the chart, the figures and the trend, and its month is
    free for a new value."""
    require_correct(by, measurement.case)
    return _withdraw(measurement, revision=revision, reason=reason, by=by)


@transaction.atomic
def correct_progress_update(
    *, update: ProgressUpdate, revision: int, narrative: str, rag: str, reason: str, by: Any
) -> ProgressUpdate:
    """Correct what a progress update says or its rating. The old words stay in its history."""
    require_correct(by, update.intervention)
    current = _current(update, revision, reason)
    if current.narrative == narrative.strip() and current.rag == rag:
        raise ValidationError({"narrative": [NOTHING_CHANGED]})
    current.narrative, current.rag = narrative.strip(), rag
    _mark_corrected(current, by=by, reason=reason)
    save_with_history(current, by=by, reason=f"Corrected: {current.correction_reason}")
    return current


@transaction.atomic
def withdraw_progress_update(*, update: ProgressUpdate, revision: int, reason: str, by: Any) -> ProgressUpdate:
    """Withdraw a progress update: its rating no longer counts as the latest, and it leaves the
    priority's list and the reports. Its page stays, saying it was withdrawn and why."""
    require_correct(by, update.intervention)
    return _withdraw(update, revision=revision, reason=reason, by=by)


@transaction.atomic
def correct_evidence(*, evidence: EvidenceFile, upload: UploadedFile[bytes], reason: str, by: Any) -> EvidenceFile:
    """A corrected evidence file is a new version, carrying the correction's reason; the old
    version and its hash stay."""
    require_correct(by, evidence.intervention)
    if not reason.strip():
        raise ValidationError({"reason": [REASON_REQUIRED]})
    if EvidenceFile.all_objects.filter(pk=evidence.pk, withdrawn_at__isnull=False).exists():
        raise ValidationError(ALREADY_WITHDRAWN)
    new = replace_evidence(evidence=evidence, upload=upload, by=by, check_right=False)
    _mark_corrected(new, by=by, reason=reason)
    save_with_history(new, by=by, reason=f"Corrected: {new.correction_reason}")
    return new


@transaction.atomic
def withdraw_evidence(*, evidence: EvidenceFile, revision: int, reason: str, by: Any) -> EvidenceFile:
    require_correct(by, evidence.intervention)
    return _withdraw(evidence, revision=revision, reason=reason, by=by)
