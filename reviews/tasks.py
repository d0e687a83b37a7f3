"""Celery tasks: thin wrappers that take ids, re-fetch, and call a service. Beat only wakes the
sweeps, which derive everything from the database, so a missed or doubled run is harmless."""

import logging

from celery import shared_task
from django.utils import timezone

from intervention.models import OutboxItem
from intervention.queue import on_give_up
from reviews import services

logger = logging.getLogger(__name__)


@shared_task(name="reviews.materialise_deadlines")
def materialise_deadlines(*, intervention_id: int | None = None) -> dict[str, int]:
    report = services.materialise_deadlines(intervention_id=intervention_id)
    if report.failed:
        logger.warning("Deadlines not materialised for %d rules: %s", len(report.failed), "; ".join(report.failed))
    return {"created": report.created, "moved": report.moved, "cancelled": report.cancelled}


@shared_task(name="reviews.sweep_notifications")
def sweep_notifications() -> int:
    """Decide what is due now (reminders, overdue notices), promising each to the outbox, which
    sends them (intervention.queue); promise any unsent one that never was."""
    decided = services.plan_notifications(today=timezone.localdate())
    services.requeue_stalled_notifications()
    return len(decided)


@shared_task(name="reviews.send_notification")
def send_notification(*, notification_id: int) -> bool:
    """Promised through the outbox, which retries any failure with back-off, a bounded number of times."""
    return services.send_notification(notification_id=notification_id)


# --- Reports ---------------------------------------------------------------------------------------

from celery.signals import worker_process_init  # noqa: E402
from django.conf import settings  # noqa: E402


@shared_task(
    name="reviews.generate_report_version",
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT_SECONDS,
    time_limit=settings.REPORT_TIME_LIMIT_SECONDS,
)
def generate_report_version(*, version_id: int) -> str:
    """Render one report version. Not retried automatically: a failure is recorded with its reason
    and the report's page offers a person the retry."""
    from reviews.services import reports

    return reports.generate_version(version_id=version_id)


@on_give_up("reviews.generate_report_version")
def record_report_given_up(item: OutboxItem) -> None:
    from reviews.services import reports

    reports.record_generation_given_up(version_id=item.kwargs["version_id"], reason=item.last_error)


@worker_process_init.connect
def cap_child_memory(**kwargs) -> None:
    """Each prefork child's data segment is capped, so a document that makes WeasyPrint balloon
    fails that one task (MemoryError, recorded as a failed version) instead of taking the machine."""
    import resource

    limit_mb = settings.REPORT_WORKER_MEMORY_LIMIT_MB
    if limit_mb > 0:
        limit = limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


@shared_task(name="reviews.prepare_download")
def prepare_download(*, download_id: int) -> str:
    """Build a download too big to build while a person waits (issue 16). Not retried automatically:
    a failure is kept with its reason, and the downloads page lets the person ask again."""
    from reviews.services import exports

    return exports.prepare_download(download_id=download_id)


@shared_task(name="reviews.expire_downloads")
def expire_downloads() -> int:
    """Remove prepared downloads' files past their expiry (issue 16); safe to run twice."""
    from reviews.services import exports

    return exports.expire_downloads()


@shared_task(name="reviews.remove_orphan_evidence_files")
def remove_orphan_evidence_files() -> int:
    from reviews.services import progress

    return progress.remove_orphan_evidence_files()
