"""Rules that span the instruments' models: issuing and revoking instruments, amending an issued
text, issuing instructions and moving them through their statuses.

Each service takes the acting user (`by`), checks their right through intervention.permissions,
and writes history with them."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from directions.enums import CouncilEmail, InstructionPriority, InstructionStatus, InstrumentStatus, Part, ResponseKind
from directions.models import (
    Amendment,
    Clause,
    Instruction,
    InstructionResponse,
    Instrument,
    ReportingObligation,
    ServicePriority,
)
from intervention import notices
from intervention.models import Appointment, Intervention, Person
from intervention.permissions import Capability, has_capability
from intervention.queue import promise
from intervention.services import note_for_history, save_with_history

NOT_A_DRAFT = "This instrument has already been issued"
ISSUE_NEEDS = "Before it can be issued, the instrument needs {missing}"
NOT_ISSUED = "Only an issued instrument can be revoked or amended"
NO_CHANGE = "The amendment changes nothing"
NEEDS_A_REASON = "Give a reason"
NEEDS_A_REFERENCE = "Give the revoking letter's reference"
REVOKED_BEFORE_ISSUE = "The revocation date must be on or after the date it was issued ({issued_on:%-d %B %Y})"
APPOINTMENT_ENDED_BY_REVOCATION = (
    "Ended: the {kind} of {issued_on:%-d %B %Y} that made it was revoked on {revoked_on:%-d %B %Y}"
)
MAY_NOT_ISSUE_INSTRUCTIONS = (
    "You are not appointed to {authority}'s intervention, so you cannot issue instructions to it"
)
MAY_NOT_MANAGE = "Only DfE staff can record or change {authority}'s instruments"
MAY_NOT_UPDATE_INSTRUCTION = "You cannot mark this instruction {status}"
CADENCE_CHANGE_NEEDS_REASON = "Say why the cadence is changing: the reason is kept in the obligation's history"
# The fields that make an obligation's rule. Recording an event's date the first time is not a
# change of rule (the date arrives after issue); correcting it is.
RULE_FIELDS = ("cadence", "due_on", "anchor_on", "anchor_is_due", "interval", "first_after", "event", "ends_on")


def _require(user: Any, intervention: Intervention, capability: Capability, message: str) -> None:
    if not has_capability(user, intervention, capability):
        raise PermissionDenied(message.format(authority=intervention.local_authority.name))


@transaction.atomic
def issue_instrument(*, instrument: Instrument, by: Any) -> Instrument:
    """Issue a draft instrument. Side effects:
    1. its text is locked from now on;
    2. the instrument it revokes (if any) shows as revoked from this one's date, with that in its history."""
    _require(by, instrument.intervention, Capability.MANAGE_CASE, MAY_NOT_MANAGE)
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    if instrument.status != InstrumentStatus.DRAFT:
        raise ValidationError(NOT_A_DRAFT)
    missing = [
        what
        for what, absent in (
            ("a date of issue", instrument.issued_on is None),
            ("a signatory", not instrument.signed_by_name),
            ("at least one numbered paragraph", not instrument.clauses.filter(part=Part.OPERATIVE).exists()),
        )
        if absent
    ]
    if missing:
        listed = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
        raise ValidationError(ISSUE_NEEDS.format(missing=listed))
    instrument.full_clean()  # includes the revocation rules
    instrument.status = InstrumentStatus.ISSUED
    save_with_history(instrument, by=by, reason=f"Issued on {instrument.issued_on:%-d %B %Y}")
    if instrument.revokes_id:
        earlier = Instrument.objects.select_for_update().get(pk=instrument.revokes_id)
        earlier.revoked_on = instrument.issued_on
        earlier.revocation_note = (
            f"Revoked by the {instrument.get_kind_display().lower()} of {instrument.issued_on:%-d %B %Y}"
        )
        save_with_history(earlier, by=by, reason=earlier.revocation_note)
        end_appointments_made_under(earlier, by=by)
    return instrument


def appointments_ending_with(instrument: Instrument, revoked_on: datetime.date) -> list[Appointment]:
    """The appointments `instrument` made that its revocation on `revoked_on` ends: those still running
    then, unless another instrument in force that day (its successor, which carried them over) names them."""
    ending = []
    for appointment in instrument.appointments.select_related("person", "intervention__local_authority"):
        if appointment.starts_on > revoked_on or (appointment.ends_on and appointment.ends_on <= revoked_on):
            continue
        others = Instrument.objects.filter(appointments=appointment).exclude(pk=instrument.pk)
        if any(other.in_force_on(revoked_on) for other in others):
            continue
        ending.append(appointment)
    return ending


def end_appointments_made_under(instrument: Instrument, *, by: Any) -> list[Appointment]:
    """A revoked instrument's appointments end on its revocation date (their last day), so a
    commissioner of a revoked direction holds no powers from then on."""
    assert instrument.revoked_on is not None and instrument.issued_on is not None
    reason = APPOINTMENT_ENDED_BY_REVOCATION.format(
        kind=instrument.get_kind_display().lower(), issued_on=instrument.issued_on, revoked_on=instrument.revoked_on
    )
    ended = appointments_ending_with(instrument, instrument.revoked_on)
    for appointment in ended:
        appointment.ends_on = instrument.revoked_on
        save_with_history(appointment, by=by, reason=reason)
    return ended


@transaction.atomic
def revoke_instrument(
    *, instrument: Instrument, revoked_on: datetime.date, by: Any, reason: str, reference: str = ""
) -> Instrument:
    """Revoke an instrument without a replacement (for example when the intervention ends). Side effects:
    1. it shows as revoked from `revoked_on`, with the revoking letter's reference and the reason;
    2. the appointments it made end that day, unless another instrument in force keeps them;
    3. (reviews.signals) its deadlines on or after that day are cancelled, in this transaction."""
    _require(by, instrument.intervention, Capability.MANAGE_CASE, MAY_NOT_MANAGE)
    if not reason.strip():
        raise ValidationError({"reason": NEEDS_A_REASON})
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    if instrument.status != InstrumentStatus.ISSUED:
        raise ValidationError(NOT_ISSUED)
    if instrument.revoked_on is not None:
        from directions.models import ALREADY_REVOKED

        raise ValidationError(
            ALREADY_REVOKED.format(
                kind=instrument.get_kind_display().lower(),
                issued_on=instrument.issued_on,
                revoked_on=instrument.revoked_on,
            )
        )
    assert instrument.issued_on is not None  # an issued instrument has its date
    if revoked_on < instrument.issued_on:
        raise ValidationError({"revoked_on": REVOKED_BEFORE_ISSUE.format(issued_on=instrument.issued_on)})
    instrument.revoked_on = revoked_on
    instrument.revocation_note = reason.strip()
    instrument.revocation_reference = reference.strip()
    described = f"{revoked_on:%-d %B %Y}" + (f" by {reference.strip()}" if reference.strip() else "")
    save_with_history(instrument, by=by, reason=f"Revoked from {described}: {reason.strip()}")
    end_appointments_made_under(instrument, by=by)
    return instrument


@transaction.atomic
def amend_issued_text(
    *, target: Any, changes: dict[str, Any], reason: str, by: Any, made_on: datetime.date | None = None
) -> Amendment:
    """Change the text of an issued instrument (the instrument itself, a clause, its terms of
    reference or a service priority) as an explicit amendment: recorded with its reason and the
    old and new wording, and in the history of the changed record."""
    instrument = target.owning_instrument()
    _require(by, instrument.intervention, Capability.MANAGE_CASE, MAY_NOT_MANAGE)
    if not reason.strip():
        raise ValidationError({"reason": NEEDS_A_REASON})
    if instrument.status != InstrumentStatus.ISSUED:
        raise ValidationError(NOT_ISSUED)
    described = []
    for name, value in changes.items():
        old = getattr(target, name)
        if old != value:
            described.append(f"{target._meta.get_field(name).verbose_name}: “{old}” → “{value}”")
            setattr(target, name, value)
    if not described:
        raise ValidationError(NO_CHANGE)
    target._amending = True
    save_with_history(target, by=by, reason=f"Amended: {reason}")
    amendment = Amendment(
        instrument=instrument,
        made_on=made_on or timezone.localdate(),
        reason=reason,
        changes=f"{target}\n" + "\n".join(described),
        made_by=by if getattr(by, "pk", None) else None,
    )
    save_with_history(amendment, by=by, reason="Amendment recorded")
    return amendment


@transaction.atomic
def issue_instruction(
    *,
    intervention: Intervention,
    issued_by: Person,
    by: Any,
    title: str,
    text: str,
    issued_on: datetime.date,
    due_on: datetime.date,
    priority: str = InstructionPriority.MEDIUM,
    service_priority: ServicePriority | None = None,
    terms_item: Clause | None = None,
) -> Instruction:
    """Issue an instruction to the council. Side effects:
    1. it gets the next number of the intervention's instructions;
    2. after commit, the council's officers on the case are emailed (a Celery task)."""
    _require(by, intervention, Capability.ISSUE_INSTRUCTIONS, MAY_NOT_ISSUE_INSTRUCTIONS)
    # Lock the case row so that two instructions issued at once get different numbers.
    Intervention.objects.select_for_update().filter(pk=intervention.pk).first()
    number = (intervention.instructions.aggregate(highest=Max("number"))["highest"] or 0) + 1
    instruction = Instruction(
        intervention=intervention,
        number=number,
        issued_by=issued_by,
        title=title,
        text=text,
        issued_on=issued_on,
        due_on=due_on,
        priority=priority,
        service_priority=service_priority,
        terms_item=terms_item,
    )
    save_with_history(instruction, by=by, reason="Instruction issued")
    _promise_email(instruction, round=0)
    # In the council's work list too; not emailed again: the instruction's own email has told them.
    notices.tell(
        notices.people_on(intervention, notices.COUNCIL),
        about=instruction,
        link=instruction_link(instruction),
        what=f"New instruction to respond to: {instruction.reference} {' '.join(title.split())}",
        by=by,
        key=f"instruction-issued:{instruction.pk}",
        email=False,
        asks=True,
    )
    return instruction


def instruction_link(instruction: Instruction) -> str:
    return reverse("instruction_detail", kwargs={"pk": instruction.intervention_id, "instruction_pk": instruction.pk})


def _promise_email(instruction: Instruction, *, round: int) -> None:
    """Promise the council's email in this transaction (intervention.queue). After commit,
    `instruction.email_promise.dispatched` says whether the mail queue took it, for the page to say."""
    instruction.email_promise = promise(  # type: ignore[attr-defined]
        "directions.email_council_about_instruction",
        key=f"instruction-email:{instruction.pk}:{round}",
        intervention=instruction.intervention,
        about=f"Email to the council about instruction {instruction.number}",
        instruction_id=instruction.pk,
        round=round,
    )


MAY_NOT_SEND_AGAIN = "Only DfE or the case's commissioner can send the council's email again"
ALREADY_WAITING = "The email to the council is already waiting to be sent"


@transaction.atomic
def send_instruction_email_again(*, instruction: Instruction, by: Any) -> Instruction:
    """Email the council about the instruction again (after a failure, or an address added since).
    DfE (who manage the case) and whoever may issue instructions on it may; refused while an email
    is still waiting to go. Its history says who asked."""
    if not may_send_email_again(by, instruction):
        raise PermissionDenied(MAY_NOT_SEND_AGAIN)
    instruction = Instruction.objects.select_for_update().select_related("intervention").get(pk=instruction.pk)
    if instruction.council_email == CouncilEmail.WAITING and instruction_email_outbox(instruction).filter(
        state__in=["pending", "running"]
    ):
        raise ValidationError(ALREADY_WAITING)
    round = instruction_email_outbox(instruction).count()
    instruction.council_email = CouncilEmail.WAITING
    instruction.email_failed_reason = ""
    note_for_history(instruction, by=by, reason="Council's email sent again")
    instruction.save(update_fields=["council_email", "email_failed_reason"])
    _promise_email(instruction, round=round)
    return instruction


def may_send_email_again(user: Any, instruction: Instruction) -> bool:
    case = instruction.intervention
    return has_capability(user, case, Capability.MANAGE_CASE) or has_capability(
        user, case, Capability.ISSUE_INSTRUCTIONS
    )


def council_email_words(instruction: Instruction) -> str:
    """Whether and when the council was emailed about the instruction, or that it failed, in words
    for the instruction's pages (GOV.UK and admin)."""
    from django.utils.formats import date_format

    def at(moment: datetime.datetime) -> str:
        local = timezone.localtime(moment)
        return f"{date_format(local, 'j F Y')} at {local:%H:%M}"

    if instruction.council_email == CouncilEmail.SENT and instruction.emailed_at:
        return f"Sent on {at(instruction.emailed_at)}"
    if instruction.council_email == CouncilEmail.FAILED:
        return (
            f"Failed: {instruction.email_failed_reason}. The council has not been told of this instruction by "
            "email: check that its officers on the case have email addresses, then send it again or tell "
            "them another way."
        )
    if instruction.council_email == CouncilEmail.WAITING:
        latest = instruction_email_outbox(instruction).first()
        if latest is not None and latest.attempts and latest.state == "pending":
            tries = "once" if latest.attempts == 1 else f"{latest.attempts} times"
            return f"Not sent yet: tried {tries}, trying again after {at(latest.next_attempt_at)}"
        if latest is not None and latest.dispatched_at is None:
            return "Not sent yet: it will be sent when the mail queue is back"
        return "Not sent yet: waiting to be sent"
    return instruction.get_council_email_display()


def instruction_email_outbox(instruction: Instruction) -> Any:
    """The promises to email the council about this instruction, latest first."""
    from intervention.models import OutboxItem

    return OutboxItem.objects.filter(key__startswith=f"instruction-email:{instruction.pk}:").order_by("-created_at")


# Who may make each move: the council acknowledges and works on an instruction; only the
# commissioner or adviser closes it (compliance is not self-declared) or withdraws it.
CAPABILITY_FOR_STATUS: dict[str, Capability] = {
    InstructionStatus.ACKNOWLEDGED: Capability.LOG_PROGRESS,
    InstructionStatus.IN_PROGRESS: Capability.LOG_PROGRESS,
    InstructionStatus.SUBMITTED: Capability.LOG_PROGRESS,
    InstructionStatus.COMPLIED: Capability.ISSUE_INSTRUCTIONS,
    InstructionStatus.WITHDRAWN: Capability.ISSUE_INSTRUCTIONS,
}


@transaction.atomic
def change_instruction_status(*, instruction: Instruction, status: str, by: Any, note: str = "") -> Instruction:
    instruction = Instruction.objects.select_for_update().get(pk=instruction.pk)
    needed = CAPABILITY_FOR_STATUS.get(status)
    if needed is None or not (
        has_capability(by, instruction.intervention, needed)
        or has_capability(by, instruction.intervention, Capability.ISSUE_INSTRUCTIONS)
    ):
        raise PermissionDenied(MAY_NOT_UPDATE_INSTRUCTION.format(status=InstructionStatus(status).label.lower()))
    if status == InstructionStatus.WITHDRAWN and not note.strip():
        raise ValidationError({"status_note": NEEDS_A_REASON})
    instruction.status = status
    if note:
        instruction.status_note = note
    save_with_history(
        instruction, by=by, reason=f"Marked {InstructionStatus(status).label.lower()}" + (f": {note}" if note else "")
    )
    return instruction


def withdraw_instruction(*, instruction: Instruction, reason: str, by: Any) -> Instruction:
    """The commissioner takes an instruction back: with a reason, kept whole on it and in its history."""
    return change_instruction_status(
        instruction=instruction, status=InstructionStatus.WITHDRAWN, by=by, note=reason.strip()
    )


def council_recipients(intervention: Intervention) -> list[str]:
    """Email addresses of the council's people on the case: its staff with an active account, and
    anyone appointed to a council role on it today."""
    from django.db.models import Q

    from intervention.enums import COUNCIL_ROLES, Organisation

    today = timezone.localdate()
    people = Person.objects.filter(
        Q(organisation=Organisation.COUNCIL, local_authority=intervention.local_authority_id)
        | Q(
            appointments__intervention=intervention,
            appointments__role__in=COUNCIL_ROLES,
            appointments__starts_on__lte=today,
        )
        & (Q(appointments__ends_on__isnull=True) | Q(appointments__ends_on__gte=today))
    ).select_related("user")
    addresses = set()
    for person in people:
        address = person.email or (person.user.email if person.user else "")
        if address and (person.user is None or person.user.is_active):
            addresses.add(address.lower())
    return sorted(addresses)


def email_council_about_instruction(*, instruction: Instruction, round: int = 0) -> int:
    """Tell the council's officers that an instruction was issued. Returns how many were emailed.
    The Message-ID is the same for every attempt of one round, so a mail client folds the duplicate
    that at-least-once delivery can send (docs/architecture.md, "Side effects")."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string

    from intervention.queue import stable_message_id

    recipients = council_recipients(instruction.intervention)
    if not recipients:
        return 0
    context = {"instruction": instruction, "site_url": settings.SITE_URL}
    # Titles are one line by validation; one saved before that rule still makes a valid subject.
    title = " ".join(instruction.title.split())
    subject = f"New instruction for {instruction.intervention.local_authority.council_name}: {title}"
    body = render_to_string("directions/email/instruction_issued.txt", context)
    message_id = stable_message_id(f"instruction-{instruction.pk}" + (f"-again-{round}" if round else ""))
    EmailMessage(subject, body, None, recipients, headers={"Message-ID": message_id}).send()
    return len(recipients)


NO_COUNCIL_ADDRESS = "No one at the council on this case has an email address"


@transaction.atomic
def record_instruction_email(*, instruction_id: int, sent_to: int = 0, failure: str = "") -> Instruction | None:
    """Keep what became of the email telling the council about an instruction, where DfE sees it
    (the instruction's admin page and list) and in its history: sent to `sent_to` addresses, or why
    it failed. A later success clears an earlier failure. Written by the system, so no user."""
    instruction = Instruction.objects.select_for_update().filter(pk=instruction_id).first()
    if instruction is None:
        return None
    if failure:
        instruction.council_email = CouncilEmail.FAILED
        instruction.email_failed_reason = failure
        reason = f"Email to the council failed: {failure}"
    else:
        instruction.council_email = CouncilEmail.SENT
        instruction.emailed_at = timezone.now()
        instruction.email_failed_reason = ""
        reason = f"Council emailed ({sent_to} address{'' if sent_to == 1 else 'es'})"
    note_for_history(instruction, reason=reason)  # written by the worker: no user
    # Only these columns: the rest of the row is the people's, and validated when they change it.
    instruction.save(update_fields=["council_email", "emailed_at", "email_failed_reason"])
    return instruction


# Each round of the exchange, who may make it, and where it leaves the instruction.
RESPONSES: dict[str, tuple[Capability, str | None]] = {
    ResponseKind.ACKNOWLEDGED: (Capability.LOG_PROGRESS, InstructionStatus.ACKNOWLEDGED),
    ResponseKind.PROGRESS: (Capability.LOG_PROGRESS, InstructionStatus.IN_PROGRESS),
    ResponseKind.SUBMITTED: (Capability.LOG_PROGRESS, InstructionStatus.SUBMITTED),
    ResponseKind.ACCEPTED: (Capability.ISSUE_INSTRUCTIONS, InstructionStatus.COMPLIED),
    ResponseKind.RETURNED: (Capability.ISSUE_INSTRUCTIONS, InstructionStatus.IN_PROGRESS),
}
MAY_NOT_RESPOND = "You cannot {action} this instruction"
RESPONSE_TEXT_REQUIRED: dict[str, str] = {
    ResponseKind.ACKNOWLEDGED: "Say who will lead the council's response",
    ResponseKind.PROGRESS: "Describe the progress made",
    ResponseKind.SUBMITTED: "Describe how the council has complied",
    ResponseKind.ACCEPTED: "Say why the instruction is complied with",
    ResponseKind.RETURNED: "Say what is still needed",
}
CLOSED_INSTRUCTION = "This instruction is {status}: nothing more can be added to it"


@transaction.atomic
def respond_to_instruction(*, instruction: Instruction, kind: str, text: str, by: Any) -> InstructionResponse:
    """Record one round of the exchange and move the instruction on. Compliance is not
    self-declared: the council submits, and only the commissioner accepts or returns."""
    capability, status = RESPONSES[kind]
    instruction = (
        Instruction.objects.select_for_update().select_related("intervention__local_authority").get(pk=instruction.pk)
    )
    if not has_capability(by, instruction.intervention, capability):
        raise PermissionDenied(MAY_NOT_RESPOND.format(action=ResponseKind(kind).label.split(":")[0].lower()))
    if instruction.status in (InstructionStatus.COMPLIED, InstructionStatus.WITHDRAWN):
        raise ValidationError(CLOSED_INSTRUCTION.format(status=instruction.get_status_display().lower()))
    if not text.strip():
        raise ValidationError({"text": RESPONSE_TEXT_REQUIRED[kind]})
    response = InstructionResponse(instruction=instruction, kind=kind, text=text.strip(), by=by)
    save_with_history(response, by=by, reason=ResponseKind(kind).label)
    if status is not None and instruction.status != status:
        instruction.status = status
        save_with_history(instruction, by=by, reason=f"{ResponseKind(kind).label}: {text.strip()[:200]}")
    from_council = capability == Capability.LOG_PROGRESS
    notices.tell(
        notices.people_on(instruction.intervention, notices.OVERSEERS if from_council else notices.COUNCIL),
        about=instruction,
        link=instruction_link(instruction),
        what=f"{RESPONSE_NOTICE[kind]}: {instruction.reference} {' '.join(instruction.title.split())}",
        by=by,
        key=f"instruction-response:{response.pk}",
        asks=kind == ResponseKind.SUBMITTED,  # to accept or return: in their list while it waits
    )
    return response


# What each round tells the other side, in a notice's first words.
RESPONSE_NOTICE: dict[str, str] = {
    ResponseKind.ACKNOWLEDGED: "The council acknowledged an instruction",
    ResponseKind.PROGRESS: "The council reported progress on an instruction",
    ResponseKind.SUBMITTED: "Instruction submitted as complied, to accept or return",
    ResponseKind.ACCEPTED: "Instruction accepted as complied",
    ResponseKind.RETURNED: "Instruction returned: more is needed",
}


def rule_changes(obligation: ReportingObligation) -> list[str]:
    """The fields of the obligation's rule that differ from the stored row (none for a new one)."""
    if obligation.pk is None:
        return []
    stored = ReportingObligation.objects.filter(pk=obligation.pk).first()
    if stored is None:
        return []
    changed = [name for name in RULE_FIELDS if getattr(stored, name) != getattr(obligation, name)]
    if stored.event_on is not None and stored.event_on != obligation.event_on:
        changed.append("event_on")
    return changed


@transaction.atomic
def save_obligation(*, obligation: ReportingObligation, by: Any, reason: str = "") -> ReportingObligation:
    """Save a reporting obligation. A change to its rule on an existing obligation needs a reason,
    which its history keeps ("Cadence changed (interval): …"); its deadlines then follow
    (reviews.signals)."""
    _require(by, obligation.instrument.intervention, Capability.MANAGE_CASE, MAY_NOT_MANAGE)
    changed = rule_changes(obligation)
    if changed and not reason.strip():
        raise ValidationError({"change_reason": CADENCE_CHANGE_NEEDS_REASON})
    if changed:
        why = f"Cadence changed ({', '.join(changed)}): {reason.strip()}"
    else:
        why = reason.strip() or ("Changed" if obligation.pk else "Added")
    save_with_history(obligation, by=by, reason=why)
    return obligation
