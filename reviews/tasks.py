"""Celery tasks: thin wrappers that take ids, re-fetch, and call a service. Beat only wakes the
sweeps, which derive everything from the database, so a missed or doubled run is harmless."""

import logging
import smtplib

from celery import shared_task
from django.utils import timezone

from reviews import services

logger = logging.getLogger(__name__)

TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError)


@shared_task(name="reviews.materialise_deadlines")
def materialise_deadlines(*, intervention_id: int | None = None) -> dict[str, int]:
    report = services.materialise_deadlines(intervention_id=intervention_id)
    if report.failed:
        logger.warning("Deadlines not materialised for %d rules: %s", len(report.failed), "; ".join(report.failed))
    return {"created": report.created, "moved": report.moved, "cancelled": report.cancelled}


@shared_task(name="reviews.sweep_notifications")
def sweep_notifications() -> int:
    """Decide what is due now (reminders, overdue notices) and re-send what a crash left unsent."""
    decided = services.plan_notifications(today=timezone.localdate())
    for notification_id in services.requeue_stalled_notifications():
        send_notification.delay(notification_id=notification_id)
    return len(decided)


@shared_task(
    name="reviews.send_notification",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def send_notification(*, notification_id: int) -> bool:
    return services.send_notification(notification_id=notification_id)
