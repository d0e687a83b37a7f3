"""Celery tasks: thin wrappers that take ids, re-fetch the row, and call a service. They are promised
through the outbox (intervention.queue), which retries any transient failure with growing waits and
gives up after settings.OUTBOX_MAX_ATTEMPTS, calling the `on_give_up` hook below."""

import logging

from celery import shared_task

from directions import services
from directions.models import Instruction
from intervention.models import OutboxItem
from intervention.queue import on_give_up

logger = logging.getLogger(__name__)

EMAIL_TASK = "directions.email_council_about_instruction"


@shared_task(name=EMAIL_TASK)
def email_council_about_instruction(*, instruction_id: int, round: int = 0) -> None:
    """Email the council about a new instruction, and record on the instruction that it was sent.
    An error is raised for the outbox to try again; `round` counts "send again"s, for the Message-ID."""
    instruction = (
        Instruction.objects.select_related("intervention__local_authority", "issued_by")
        .filter(pk=instruction_id)
        .first()
    )
    if instruction is None:
        logger.warning("Instruction %s has gone; no email sent", instruction_id)
        return
    sent_to = services.email_council_about_instruction(instruction=instruction, round=round)
    if sent_to == 0:
        services.record_instruction_email(instruction_id=instruction_id, failure=services.NO_COUNCIL_ADDRESS)
        logger.error("Instruction %s: %s", instruction_id, services.NO_COUNCIL_ADDRESS)
        return
    services.record_instruction_email(instruction_id=instruction_id, sent_to=sent_to)


@on_give_up(EMAIL_TASK)
def record_failure(item: OutboxItem) -> None:
    tries = "1 try" if item.attempts == 1 else f"{item.attempts} tries"
    services.record_instruction_email(
        instruction_id=item.kwargs["instruction_id"], failure=f"{item.last_error[:500]} (after {tries})"
    )
