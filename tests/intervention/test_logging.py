"""Logs that reach someone: each line of a request says which request, whose, and which case, and the
tasks the request enqueued say the same."""

import json
import logging
import logging.config

import pytest
import structlog
from celery.contrib.testing.worker import start_worker

from intervention.celery import app
from intervention.observability import logging_config
from intervention.tasks import record_heartbeat
from tests.intervention.test_celery import wait_for

pytestmark = pytest.mark.django_db


def events(caplog, name):
    return [record.msg for record in caplog.records if isinstance(record.msg, dict) and record.msg["event"] == name]


def test_a_case_pages_log_lines_carry_the_request_the_user_and_the_case(client, caplog, alice, hereford_case):
    client.force_login(alice)
    with caplog.at_level(logging.INFO):
        client.get(f"/interventions/{hereford_case.pk}/")
    [finished] = events(caplog, "request_finished")
    assert finished["user_id"] == alice.pk
    assert finished["case_id"] == hereford_case.pk
    assert len(finished["request_id"]) == 36  # a UUID


def test_in_production_each_log_line_is_one_json_object():
    formatter = logging.config.dictConfigClass(logging_config(level="INFO", json=True)).configure_formatter(
        logging_config(level="INFO", json=True)["formatters"]["structured"]
    )
    structlog.contextvars.bind_contextvars(request_id="abc", case_id=7)
    try:
        record = logging.LogRecord("reviews", logging.WARNING, __file__, 1, "report %s failed", ("12",), None)
        line = json.loads(formatter.format(record))
    finally:
        structlog.contextvars.clear_contextvars()
    assert (line["event"], line["level"], line["request_id"], line["case_id"]) == (
        "report 12 failed",
        "warning",
        "abc",
        7,
    )


class Kept(logging.Handler):
    def __init__(self):
        super().__init__()
        self.events = []

    def emit(self, record):
        if isinstance(record.msg, dict):
            self.events.append(record.msg)


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_by_a_request_logs_with_that_requests_id():
    kept = Kept()
    # On django-structlog's own logger: a starting worker may reset the root logger's handlers.
    logging.getLogger("django_structlog.celery.receivers").addHandler(kept)
    structlog.contextvars.bind_contextvars(request_id="the-request", user_id=5, case_id=9)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            record_heartbeat.delay(name="logged")
            assert wait_for(lambda: any(event["event"] == "task_succeeded" for event in kept.events))
    finally:
        structlog.contextvars.clear_contextvars()
        logging.getLogger("django_structlog.celery.receivers").removeHandler(kept)
    # Once each, however many workers this process has started before.
    [enqueued] = [event for event in kept.events if event["event"] == "task_enqueued"]
    [started] = [event for event in kept.events if event["event"] == "task_started"]
    assert enqueued["request_id"] == "the-request"
    assert (started["request_id"], started["user_id"], started["case_id"]) == ("the-request", 5, 9)
