"""What council officers record: progress updates, measurements, plan changes and evidence. Each
service checks the acting user's right on the case and writes history with them."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from directions.models import Instruction, InstructionResponse, ServicePriority
from directions.services import respond_to_instruction
from intervention.models import Intervention
from intervention.permissions import Capability, has_capability
from intervention.services import note_for_history, save_with_history
from reviews.evidence_checks import DetectedFile, evidence_name, inspect_upload
from reviews.models import EvidenceFile, Indicator, Measurement, PlanAction, ProgressUpdate
from reviews.services import planning

MAY_NOT_LOG = "You cannot record progress on {authority}'s intervention"
RAG_REASON_REQUIRED = "The rating has changed from {previous}: say why"
STALE = "Someone else changed this since you opened it"
SUBJECT_OF_ANOTHER_CASE = "That is not part of this intervention"


def require_log_progress(user: Any, intervention: Intervention) -> None:
    if not has_capability(user, intervention, Capability.LOG_PROGRESS):
        raise PermissionDenied(MAY_NOT_LOG.format(authority=intervention.local_authority.name))


def check_uploads(uploads: Sequence[UploadedFile[bytes]]) -> list[DetectedFile]:
    """Check every file before anything is written, so that one bad file saves nothing. Raises one
    ValidationError naming each file that was refused, and why."""
    detected, problems = [], []
    for upload in uploads:
        try:
            detected.append(inspect_upload(upload))
        except ValidationError as error:
            problems.append(f"{upload.name}: {error.messages[0]}")
    if problems:
        raise ValidationError({"evidence": problems})
    return detected


def _store_evidence(
    *,
    intervention: Intervention,
    upload: UploadedFile[bytes],
    by: Any,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    progress_update: ProgressUpdate | None = None,
    instruction_response: InstructionResponse | None = None,
    replaces: EvidenceFile | None = None,
    detected: DetectedFile | None = None,
) -> EvidenceFile:
    detected = detected or inspect_upload(upload)
    evidence = EvidenceFile(
        intervention=intervention,
        progress_update=progress_update,
        instruction_response=instruction_response,
        original_name=evidence_name(upload.name or "", detected.extension),
        content_type=detected.content_type,
        extension=detected.extension,
        size=detected.size,
        sha256=detected.sha256,
        period_start=period_start,
        period_end=period_end,
        uploaded_by=by,
        replaces=replaces,
    )
    evidence.file.save("upload", upload, save=False)
    try:
        save_with_history(evidence, by=by, reason="Evidence uploaded" if replaces is None else "New version uploaded")
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


SUBJECT_FIELDS = ["intervention", "service_priority", "plan_action", "instruction", "author"]


def _case_id(subject: ServicePriority | PlanAction | Instruction) -> int:
    """The id of the case a subject belongs to, without reading the case."""
    if isinstance(subject, ServicePriority):
        return subject.instrument.intervention_id
    if isinstance(subject, PlanAction):
        return subject.objective.plan.intervention_id
    return subject.intervention_id


def previous_rag(
    *,
    service_priority: ServicePriority | None = None,
    plan_action: PlanAction | None = None,
    instruction: Instruction | None = None,
) -> str | None:
    subject = {"service_priority": service_priority, "plan_action": plan_action, "instruction": instruction}
    subject = {key: value for key, value in subject.items() if value is not None}
    latest = ProgressUpdate.objects.filter(**subject).order_by("-period_end", "-created_at", "-pk").first()
    if latest is not None:
        return latest.rag
    if plan_action is not None:
        return plan_action.rag
    return None


@transaction.atomic
def log_progress(
    *,
    intervention: Intervention,
    by: Any,
    narrative: str,
    rag: str,
    period_start: datetime.date,
    period_end: datetime.date,
    rag_change_reason: str = "",
    service_priority: ServicePriority | None = None,
    plan_action: PlanAction | None = None,
    instruction: Instruction | None = None,
    evidence: Sequence[UploadedFile[bytes]] = (),
) -> ProgressUpdate:
    """Record a progress update with its evidence, all or nothing. Side effects:
    1. a changed RAG rating needs a reason, kept with the update's history;
    2. an update on a plan action sets the action's RAG rating;
    3. an update on an instruction records a 'progress' round and moves it to in progress."""
    require_log_progress(by, intervention)
    for subject in (service_priority, plan_action, instruction):
        if subject is not None and _case_id(subject) != intervention.pk:
            raise ValidationError(SUBJECT_OF_ANOTHER_CASE)
    # Lock the subject before reading its rating, so two updates at once are taken one after the
    # other: the second compares with the first's rating, and the action ends with the latest one.
    locked_action: PlanAction | None = None
    if plan_action is not None:
        locked_action = PlanAction.objects.select_for_update().get(pk=plan_action.pk)
    elif service_priority is not None:
        type(service_priority).objects.select_for_update().filter(pk=service_priority.pk).first()
    elif instruction is not None:
        type(instruction).objects.select_for_update().filter(pk=instruction.pk).first()
    previous = previous_rag(service_priority=service_priority, plan_action=locked_action, instruction=instruction)
    errors: dict[str, Any] = {}
    detected: list[DetectedFile] = []
    try:
        detected = check_uploads(evidence)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not narrative.strip():
        from reviews.models.progress import NARRATIVE_REQUIRED

        errors["narrative"] = [NARRATIVE_REQUIRED]
    if previous and previous != rag and not rag_change_reason.strip():
        from reviews.enums import Rag

        errors["rag_change_reason"] = [RAG_REASON_REQUIRED.format(previous=Rag(previous).label.lower())]
    update = ProgressUpdate(
        intervention=intervention,
        service_priority=service_priority,
        plan_action=plan_action,
        instruction=instruction,
        narrative=narrative.strip(),
        rag=rag,
        rag_change_reason=rag_change_reason.strip(),
        period_start=period_start,
        period_end=period_end,
        author=by,
    )
    try:
        # The case, the subject and the author were all read in this request: checking that each
        # still exists would cost a query apiece. clean() checks there is exactly one subject, as
        # the database's check constraint does.
        update.full_clean(exclude=SUBJECT_FIELDS)
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    note_for_history(
        update,
        by=by,
        reason="Progress logged"
        + (f"; rating changed: {update.rag_change_reason}" if update.rag_change_reason else ""),
    )
    update.save()  # validated just above
    for upload, checked in zip(evidence, detected, strict=True):
        _store_evidence(
            intervention=intervention,
            upload=upload,
            by=by,
            period_start=period_start,
            period_end=period_end,
            progress_update=update,
            detected=checked,
        )
    if locked_action is not None and locked_action.rag != rag:
        action = locked_action
        action.rag = rag
        action.rag_change_reason = update.rag_change_reason
        action.version += 1
        save_with_history(action, by=by, reason=f"Rating changed with a progress update: {update.rag_change_reason}")
    if instruction is not None:
        respond_to_instruction(instruction=instruction, kind="progress", text=update.narrative, by=by)
    return update


@transaction.atomic
def respond_with_evidence(
    *, instruction: Instruction, kind: str, text: str, by: Any, evidence: Sequence[UploadedFile[bytes]] = ()
) -> InstructionResponse:
    detected = check_uploads(evidence)
    response = respond_to_instruction(instruction=instruction, kind=kind, text=text, by=by)
    for upload, checked in zip(evidence, detected, strict=True):
        _store_evidence(
            intervention=instruction.intervention,
            upload=upload,
            by=by,
            instruction_response=response,
            detected=checked,
        )
    return response


@transaction.atomic
def replace_evidence(
    *,
    evidence: EvidenceFile,
    upload: UploadedFile[bytes],
    by: Any,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    check_right: bool = True,
) -> EvidenceFile:
    """A new version of an evidence file. The old file and its hash stay, linked from the new one.
    `check_right` is off only for reviews.services.corrections, which asks its own right."""
    if check_right:
        require_log_progress(by, evidence.intervention)
    current = EvidenceFile.objects.select_for_update().get(pk=evidence.pk)
    if hasattr(current, "replaced_by"):
        raise ValidationError("A newer version of this file has already been uploaded: replace that one")
    return _store_evidence(
        intervention=current.intervention,
        upload=upload,
        by=by,
        period_start=period_start or current.period_start,
        period_end=period_end or current.period_end,
        progress_update=current.progress_update,
        instruction_response=current.instruction_response,
        replaces=current,
    )


@transaction.atomic
def record_measurement(
    *, indicator: Indicator, period_end: datetime.date, value: Decimal, by: Any, source_note: str = ""
) -> Measurement:
    require_log_progress(by, indicator.case)
    measurement = Measurement(
        indicator=indicator, period_end=period_end, value=value, source_note=source_note.strip(), recorded_by=by
    )
    save_with_history(measurement, by=by, reason="Value recorded")
    return measurement


@transaction.atomic
def update_plan_action(
    *, action: PlanAction, version: int, changes: dict[str, Any], by: Any, reason: str = ""
) -> PlanAction:
    """Change an improvement-plan action. `version` is the one the person's form was opened at: if
    someone saved since, nothing is saved and the conflict is reported, never overwritten."""
    require_log_progress(by, action.case)
    current = PlanAction.objects.select_for_update().get(pk=action.pk)
    if current.version != version:
        raise ValidationError(STALE, code="stale")
    if "rag" in changes and changes["rag"] != current.rag and not reason.strip():
        from reviews.enums import Rag

        raise ValidationError({"reason": RAG_REASON_REQUIRED.format(previous=Rag(current.rag).label.lower())})
    changes = dict(changes)
    due_on = changes.pop("due_on", current.due_on)
    if "rag" in changes and changes["rag"] != current.rag:
        current.rag_change_reason = reason.strip()  # whole: the history's change reason is cut at 100
    for name, value in changes.items():
        setattr(current, name, value)
    if due_on != current.due_on:
        # With a reason, and perhaps only once the commissioner agrees (reviews.services.planning).
        planning.record_due_date_move(action=current, to_on=due_on, reason=reason, by=by)
        if not changes and current.due_on != due_on:
            return current  # the move waits for agreement; nothing else changed
    current.version += 1
    save_with_history(current, by=by, reason=reason.strip() or "Action updated")
    return current


def _stored_names(storage: Any, folder: str = "") -> list[str]:
    folders, files = storage.listdir(folder)
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names += _stored_names(storage, f"{folder}/{sub}" if folder else sub)
    return names


def remove_orphan_evidence_files(*, older_than: datetime.timedelta = datetime.timedelta(hours=1)) -> int:
    """Delete evidence files that no record (nor any version in a record's history) owns: written for
    an upload whose transaction then rolled back (a killed connection, a failed commit), where the
    request could not tidy up. Files about children must not outlive their record. Only files older
    than `older_than` are touched, so an upload still being saved is left alone. Returns the count,
    which is logged."""
    import logging

    from django.utils import timezone

    storage = EvidenceFile._meta.get_field("file").storage
    if not storage.exists(""):
        return 0
    owned = set(EvidenceFile.objects.values_list("file", flat=True))
    owned |= set(EvidenceFile.history.values_list("file", flat=True))
    cutoff = timezone.now() - older_than
    removed = 0
    for name in _stored_names(storage):
        if name in owned or storage.get_modified_time(name) > cutoff:
            continue
        storage.delete(name)
        removed += 1
    logging.getLogger(__name__).log(
        logging.WARNING if removed else logging.INFO,
        "Removed %d evidence file%s that no record owns",
        removed,
        "" if removed == 1 else "s",
    )
    return removed
