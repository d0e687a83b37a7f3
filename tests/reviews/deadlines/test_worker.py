"""The beat-driven tasks on a real worker over the configured broker (Redis in CI)."""

import datetime

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from directions.models import ReportingObligation
from intervention.celery import app
from reviews.models import Deadline, Notification
from reviews.tasks import materialise_deadlines, sweep_notifications
from tests.factories import issued_direction
from tests.intervention.test_celery import wait_for


@pytest.mark.django_db(transaction=True)
def test_beats_tasks_materialise_deadlines_and_send_a_reminder_once(hereford_case, alice):
    today = timezone.localdate()
    direction = issued_direction(hereford_case, today - datetime.timedelta(days=30))
    ReportingObligation.objects.create(
        instrument=direction,
        what="Updated improvement plan",
        deliverer="council",
        recipient="dfe",
        cadence="fixed_date",
        due_on=today + datetime.timedelta(days=3),
    )
    assert (
        app.conf.beat_schedule["send due reminders and overdue notices every 15 minutes"]["task"]
        == sweep_notifications.name
    )
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        materialise_deadlines.delay()
        assert wait_for(lambda: Deadline.objects.filter(computed_on=today + datetime.timedelta(days=3)).exists())
        sweep_notifications.delay()
        assert wait_for(lambda: len(mail.outbox) == 1)
        sweep_notifications.delay()
        assert wait_for(lambda: Notification.objects.filter(sent_at__isnull=False).count() == 1)
    assert [m.to for m in mail.outbox] == [["alice@herefordshire.example"]]
    assert mail.outbox[0].subject.startswith("Due in 3 days")
