"""Celery tasks: thin wrappers that take ids, re-fetch the row, and call a service."""

import logging
import smtplib

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from directions import services
from directions.models import Instruction

logger = logging.getLogger(__name__)

# A mail server that is down or busy may be back soon: these are tried again, with growing waits
# (about half a minute in all). Anything else, such as a message Django refuses to build, will not
# get better by waiting and fails at once.
RETRIED = (smtplib.SMTPException, ConnectionError)
MAX_RETRIES = 5
LONGEST_WAIT_SECONDS = 600


@shared_task(bind=True, name="directions.email_council_about_instruction", max_retries=MAX_RETRIES)
def email_council_about_instruction(self, *, instruction_id: int) -> None:
    """Email the council about a new instruction, and record the outcome on the instruction: sent,
    or, once the retries are spent, why not. A failure is logged too, and the task fails."""
    instruction = (
        Instruction.objects.select_related("intervention__local_authority", "issued_by")
        .filter(pk=instruction_id)
        .first()
    )
    if instruction is None:
        logger.warning("Instruction %s has gone; no email sent", instruction_id)
        return
    try:
        sent_to = services.email_council_about_instruction(instruction=instruction)
    except RETRIED as error:
        if self.request.retries < self.max_retries:
            wait = get_exponential_backoff_interval(
                factor=1, retries=self.request.retries, maximum=LONGEST_WAIT_SECONDS, full_jitter=True
            )
            raise self.retry(exc=error, countdown=wait) from error
        _record_failure(instruction_id, error, attempts=self.request.retries + 1)
        raise
    except Exception as error:
        _record_failure(instruction_id, error, attempts=self.request.retries + 1)
        raise
    if sent_to == 0:
        services.record_instruction_email(instruction_id=instruction_id, failure=services.NO_COUNCIL_ADDRESS)
        logger.error("Instruction %s: %s", instruction_id, services.NO_COUNCIL_ADDRESS)
        return
    services.record_instruction_email(instruction_id=instruction_id, sent_to=sent_to)


def _record_failure(instruction_id: int, error: Exception, *, attempts: int) -> None:
    described = str(error).strip() or type(error).__name__
    tries = "1 try" if attempts == 1 else f"{attempts} tries"
    services.record_instruction_email(instruction_id=instruction_id, failure=f"{described[:500]} (after {tries})")
    logger.error("Instruction %s: the email to the council failed after %s: %s", instruction_id, tries, described)
