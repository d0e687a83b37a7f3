"""The Celery app. Beat's schedule lives here, with readable keys.

Beat only wakes tasks that derive everything from the database, so a missed or doubled run is harmless.
"""

import os
from typing import Any

from celery import Celery, bootsteps
from celery.schedules import crontab
from celery.signals import setup_logging, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intervention.settings")

app = Celery("intervention")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class StructlogWorkerStep(bootsteps.Step):
    """Each task's log lines carry the request_id, user_id and case_id of the request that enqueued it.

    django-structlog's own step connects a fresh receiver every time a worker starts, on top of the one
    its app config connected for publishing: each event was logged twice in a worker, and once more for
    every worker a process had started (the tests start several). Its app config's receiver, connected
    again, is the same receiver, which Celery's signals keep once."""

    def __init__(self, parent: object, **kwargs: object) -> None:
        super().__init__(parent, **kwargs)
        from django.apps import apps

        structlog_app: Any = apps.get_app_config("django_structlog")
        structlog_app._celery_receiver.connect_worker_signals()


app.steps["worker"].add(StructlogWorkerStep)


@setup_logging.connect
def use_djangos_logging(**kwargs: object) -> None:
    """The worker and beat log as the web does (JSON lines in production), not in Celery's own format:
    a receiver of this signal stops Celery configuring logging itself."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


app.conf.beat_schedule = {
    "materialise deadlines from the rules every night": {
        "task": "reviews.materialise_deadlines",
        "schedule": crontab(hour=1, minute=30),
    },
    "send due reminders and overdue notices every 15 minutes": {
        "task": "reviews.sweep_notifications",
        "schedule": crontab(minute="*/15"),
    },
    "hand the worker every promise it should have every minute": {
        "task": "intervention.sweep_outbox",
        "schedule": crontab(minute="*"),
    },
    "remove evidence files no record owns every hour": {
        "task": "reviews.remove_orphan_evidence_files",
        "schedule": crontab(minute=45),
    },
    "remove prepared downloads past their expiry every hour": {
        "task": "reviews.expire_downloads",
        "schedule": crontab(minute=15),
    },
    "record a worker heartbeat every minute": {
        "task": "intervention.record_heartbeat",
        "schedule": crontab(minute="*"),
        "kwargs": {"name": "beat"},
    },
}


@worker_init.connect
def load_the_pdf_renderer(**kwargs: object) -> None:
    """WeasyPrint takes about half a second to import: a worker pays it once as it starts, before
    its children fork, rather than on the first report each child renders. Web processes never
    import it (reviews.reports.base)."""
    import reviews.reports.pdf  # noqa: F401
