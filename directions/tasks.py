"""Celery tasks: thin wrappers that take ids, re-fetch the row, and call a service."""

import logging
import smtplib

from celery import shared_task

from directions import services
from directions.models import Instruction

logger = logging.getLogger(__name__)


@shared_task(
    name="directions.email_council_about_instruction",
    autoretry_for=(smtplib.SMTPException, ConnectionError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def email_council_about_instruction(*, instruction_id: int) -> None:
    instruction = (
        Instruction.objects.select_related("intervention__local_authority", "issued_by")
        .filter(pk=instruction_id)
        .first()
    )
    if instruction is None:
        logger.warning("Instruction %s has gone; no email sent", instruction_id)
        return
    services.email_council_about_instruction(instruction=instruction)
