"""Celery tasks: thin wrappers that take primitive arguments and call a service."""

import smtplib

from celery import shared_task

from intervention import accounts, lockout, services


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
