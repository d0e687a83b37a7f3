"""Faults after the commit (intervention.queue): a broker that is down when a person acts, and a mail
server that accepts a connection and never answers. Each test starts and stops its own Redis, or its
own silent mail server, on a free loopback port, and counts the emails, rows and files."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import kombu.pools
import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from directions.enums import CouncilEmail
from directions.models import Instruction
from directions.tasks import EMAIL_TASK
from intervention import queue
from intervention.celery import app
from intervention.models import OutboxItem, OutboxState, WorkerHeartbeat
from intervention.tasks import record_heartbeat
from reviews.models import ReportVersion
from reviews.services import reports
from tests.conftest import MISSING_PART_HINT
from tests.directions.test_admin import instruction_form
from tests.intervention.test_celery import wait_for
from tests.reviews.reports_support import direction_with_priorities, held_review

pytestmark = pytest.mark.services
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _require_redis_server() -> None:
    """The broker-fault tests start and stop a redis-server of their own. Without one they skip (the
    embedded default needs no Redis), unless REQUIRE_SERVICES=1 says the services must be there."""
    if os.access(REDIS_SERVER, os.X_OK):
        return
    # Worded for tests/conftest.py's closing line, which counts the tests skipped for a missing part.
    message = f"redis-server not found at {REDIS_SERVER}{MISSING_PART_HINT}sudo apt-get install redis-server"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message}. REQUIRE_SERVICES=1 makes these tests mandatory.", pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server of the test's own, on a free loopback port, with nothing written to disk."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (a fixed command, loopback only)
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self._answers, seconds=10), "redis-server did not start"

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def _use_broker(url: str, options: dict) -> None:
    app.conf.update(broker_url=url, broker_transport_options=options)
    # Forget connections to the broker used before, so the next send and the next worker use this one.
    # kombu keeps its pools in a registry keyed by broker URL: closing one without clearing the
    # registry leaves a closed pool that the next send to that URL is handed ("Acquire on closed pool").
    kombu.pools.reset()
    celery: Any = app
    celery._pool = None
    celery.amqp._producer_pool = None


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    _require_redis_server()
    redis = OwnRedis()
    redis.start()
    before = (app.conf.broker_url, dict(app.conf.broker_transport_options or {}))
    _use_broker(redis.url, {"visibility_timeout": 3600})
    try:
        yield redis
    finally:
        redis.stop()
        _use_broker(*before)


def worker():
    return start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30)


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_instruction_and_report_are_kept_and_done_once_it_is_back(
    client, own_redis, charlie, alice, dora, hereford_case
):
    direction_with_priorities(hereford_case)
    review = held_review(hereford_case, by=charlie)
    report = reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora)
    own_redis.stop()

    client.force_login(charlie)
    response = client.post("/admin/directions/instruction/add/", instruction_form(hereford_case), follow=True)
    instruction = Instruction.objects.get()
    assert (
        f"Instruction {instruction.number} issued. The email to the council will be sent when the mail queue is back."
        in response.text
    )
    assert "was not saved" not in response.text
    client.force_login(dora)
    response = client.post(f"/reports/{report.pk}/generate/", follow=True)
    assert "Version 1 is requested. It will be generated when the report queue is back." in response.text
    version = ReportVersion.objects.get(report=report)
    promised = OutboxItem.objects.filter(task_name__in=[EMAIL_TASK, "reviews.generate_report_version"])
    assert promised.filter(state=OutboxState.PENDING, dispatched_at__isnull=True).count() == 2
    assert queue.sweep() == {"handed": 0, "waiting": 2, "failed": 0}  # still down: nothing lost, nothing raised

    own_redis.start()
    with worker():
        assert queue.sweep()["handed"] == 2
        assert wait_for(lambda: ReportVersion.objects.get(pk=version.pk).status == "ready", seconds=90)
        assert wait_for(lambda: promised.filter(state=OutboxState.DONE).count() == 2, seconds=30)
        assert queue.sweep() == {"handed": 0, "waiting": 0, "failed": 0}
        time.sleep(1)  # time for a duplicate to show, if there were one
    # The council's email once (the signatory may also be told the version is ready: a notice of its own).
    assert [message.to for message in mail.outbox if "alice@herefordshire.example" in message.to] == [
        ["alice@herefordshire.example"]
    ]
    assert len({message.subject for message in mail.outbox}) == len(mail.outbox)  # nothing sent twice
    instruction.refresh_from_db()
    assert instruction.council_email == CouncilEmail.SENT
    assert ReportVersion.objects.filter(report=report).count() == 1
    version.refresh_from_db()
    with version.file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


class SilentMailServer:
    """Accepts connections and never says a word: a mail server that hangs."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.port = self.socket.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.socket.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def silent_mail_server(settings) -> Iterator[SilentMailServer]:
    server = SilentMailServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 1
    try:
        yield server
    finally:
        server.close()


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_never_answers_frees_the_worker_after_the_timeout(
    own_redis, silent_mail_server, charlie, alice, hereford_case
):
    from tests.directions.test_instruction_email import issue

    with worker():
        started = time.monotonic()
        instruction = issue(charlie, hereford_case)
        assert instruction.email_promise.dispatched is True
        promised = OutboxItem.objects.get()
        assert wait_for(lambda: OutboxItem.objects.get(pk=promised.pk).attempts == 1, seconds=15)
        record_heartbeat.delay(name="after the hanging mail server")  # the only slot must be free again
        assert wait_for(lambda: WorkerHeartbeat.objects.filter(name="after the hanging mail server").exists(), 15)
        elapsed = time.monotonic() - started
    assert silent_mail_server.accepted, "the worker never reached the mail server"
    assert elapsed < 15
    promised.refresh_from_db()
    assert (promised.state, promised.attempts) == (OutboxState.PENDING, 1)  # tried again later, by the sweep
    assert "timed out" in promised.last_error
    instruction.refresh_from_db()
    assert instruction.council_email == CouncilEmail.WAITING
    assert mail.outbox == []
