"""The Celery app. Beat's schedule lives here, with readable keys.

Beat only wakes tasks that derive everything from the database, so a missed or doubled run is harmless.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intervention.settings")

app = Celery("intervention")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "record a worker heartbeat every minute": {
        "task": "intervention.record_heartbeat",
        "schedule": crontab(minute="*"),
        "kwargs": {"name": "beat"},
    },
}
