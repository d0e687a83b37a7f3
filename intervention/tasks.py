"""Celery tasks: thin wrappers that take primitive arguments and call a service."""

import smtplib

from celery import shared_task

from intervention import lockout, services


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
