"""Celery for real: a task enqueued after commit runs on a real worker over the configured broker
(Redis in CI, the filesystem transport otherwise) and its effect is in the database."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from intervention.celery import app
from intervention.models import WorkerHeartbeat
from intervention.tasks import record_heartbeat


def wait_for(condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_on_commit_runs_on_a_real_worker():
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        with transaction.atomic():
            transaction.on_commit(lambda: record_heartbeat.delay(name="round trip"))
            assert not WorkerHeartbeat.objects.filter(name="round trip").exists()
        assert wait_for(lambda: WorkerHeartbeat.objects.filter(name="round trip").exists())


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_in_a_rolled_back_transaction_never_runs():
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        try:
            with transaction.atomic():
                transaction.on_commit(lambda: record_heartbeat.delay(name="rolled back"))
                raise RuntimeError("the request failed")
        except RuntimeError:
            pass
        record_heartbeat.delay(name="after")
        assert wait_for(lambda: WorkerHeartbeat.objects.filter(name="after").exists())
    assert not WorkerHeartbeat.objects.filter(name="rolled back").exists()


def test_beat_wakes_the_heartbeat_every_minute():
    entry = app.conf.beat_schedule["record a worker heartbeat every minute"]
    assert entry["task"] == record_heartbeat.name
    assert app.conf.timezone == "UTC"


@pytest.mark.django_db(transaction=True)
def test_a_workers_health_check_passes_only_when_that_worker_does_a_task():
    from django.core.management import CommandError, call_command

    hostname = "health-check@casework-test"
    with pytest.raises(CommandError, match="did not do a heartbeat task"):
        call_command("healthcheck", "worker", hostname=hostname, timeout=1)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20, hostname=hostname):
        call_command("healthcheck", "worker", hostname=hostname, timeout=20)
    assert WorkerHeartbeat.objects.filter(name=f"worker {hostname}").exists()
    # Another worker's check is not answered by this one.
    other = start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20, hostname="other@here")
    with other, pytest.raises(CommandError):
        call_command("healthcheck", "worker", hostname="frozen@here", timeout=2)
