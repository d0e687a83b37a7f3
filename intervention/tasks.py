"""Celery tasks: thin wrappers that take primitive arguments and call a service."""

import smtplib

from celery import shared_task

from intervention import accounts, lockout, notices, services


@shared_task(name="intervention.record_heartbeat")
def record_heartbeat(*, name: str) -> None:
    services.record_heartbeat(name=name)


@shared_task(
    name="intervention.email_unlock_link",
    autoretry_for=(smtplib.SMTPException, ConnectionError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def email_unlock_link(*, email: str) -> None:
    # In the worker, not the request: the page answers in the same time whether or not an email goes.
    lockout.email_unlock_link(email=email)


@shared_task(
    name="intervention.send_notice",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def send_notice(*, notice_id: int) -> bool:
    """Email one notice of a hand-over (intervention.notices): sent once, its outcome kept on the row."""
    return notices.send_notice(notice_id=notice_id)


@shared_task(name="intervention.sweep_notices")
def sweep_notices() -> int:
    """Send again what a crash left unsent."""
    stalled = notices.requeue_stalled_notices()
    for notice_id in stalled:
        send_notice.delay(notice_id=notice_id)
    return len(stalled)


@shared_task(
    name="intervention.email_invitation",
    autoretry_for=(smtplib.SMTPException, ConnectionError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def email_invitation(*, invitation_id: int, link: str) -> None:
    accounts.email_invitation(invitation_id=invitation_id, link=link)


@shared_task(
    name="intervention.email_password_reset",
    autoretry_for=(smtplib.SMTPException, ConnectionError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def email_password_reset(*, email: str) -> None:
    # In the worker, not the request: the page answers in the same time whether or not the account exists.
    accounts.email_password_reset(email=email)
