"""Health that tells the truth: /health/ is the whole service (database, and beat's heartbeat done by a
worker lately), /health/live/ is the web process alone."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from intervention import services

pytestmark = pytest.mark.django_db


def test_health_is_ok_while_a_worker_does_beats_heartbeat_every_minute(client):
    services.record_heartbeat(name="beat")
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_health_fails_when_beat_has_stopped(client):
    services.record_heartbeat(name="beat")
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6)):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["beat"] == "stale"


def test_health_fails_before_beat_has_ever_run(client):
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "beat": "never seen",
        "worker_heartbeat": None,
    }


@pytest.mark.django_db(transaction=True)
def test_health_fails_when_the_database_is_unreachable_and_liveness_does_not_care(client, monkeypatch):
    services.record_heartbeat(name="beat")
    connection.close()
    unreachable = {"NAME": "/nonexistent/folder/db.sqlite3"} if connection.vendor == "sqlite" else {"PORT": "1"}
    for key, value in unreachable.items():
        monkeypatch.setitem(connection.settings_dict, key, value)
    try:
        response = client.get("/health/")
        assert response.status_code == 503
        assert response.json()["database"] == "unavailable"
        live = client.get("/health/live/")
        assert (live.status_code, live.text) == (200, "ok")
    finally:
        connection.close()
        monkeypatch.undo()
    assert client.get("/health/").status_code == 200


def test_liveness_reads_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/health/live/").status_code == 200


def test_beats_health_check_follows_the_heartbeat():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Not healthy"):
        call_command("healthcheck", "beat")
    services.record_heartbeat(name="beat")
    call_command("healthcheck", "beat")
