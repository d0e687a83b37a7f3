"""Faults in the middle of the work (intervention.queue): a Celery worker killed with SIGKILL while it
sends a promised email, and the database connection terminated in the middle of a request or a task.

PostgreSQL only: the worker is a process of its own, which must see the test's database, and the
connection is ended from another one with `pg_terminate_backend`, as an operator or a failover would.
Each test starts and stops its own Redis and mail server on loopback, and counts emails and rows.
`make faults` runs these with tests/intervention/test_outbox_faults.py."""

from __future__ import annotations

import datetime
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from directions.enums import CouncilEmail
from directions.models import Instruction
from directions.tasks import EMAIL_TASK
from intervention import queue
from intervention.models import OutboxItem, OutboxState
from tests.directions.test_admin import instruction_form
from tests.directions.test_instruction_email import issue
from tests.intervention.test_celery import wait_for
from tests.intervention.test_outbox_faults import own_redis  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif("postgres" not in os.environ.get("DATABASE_URL", ""), reason="needs PostgreSQL (DATABASE_URL)"),
]
CELERY = str(Path(sys.executable).with_name("celery"))
QUIET = ["--without-mingle", "--without-gossip", "--loglevel", "INFO"]


class MailSink:
    """An SMTP server on loopback that keeps every message it accepts. The first `silent` connections
    are accepted and never answered: a worker sending on one of them is stuck there until it is killed."""

    def __init__(self, *, silent: int = 0) -> None:
        self.silent = silent
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.port = self.socket.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.messages: list[dict[str, Any]] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.socket.accept()
            except OSError:
                return
            self.connections.append(client)
            if len(self.connections) > self.silent:
                threading.Thread(target=self._talk, args=(client,), daemon=True).start()

    def _talk(self, client: socket.socket) -> None:
        reader = client.makefile("rb")

        def say(line: str) -> None:
            client.sendall(line.encode() + b"\r\n")

        say("220 sink.test ESMTP")
        recipients: list[str] = []
        try:
            for raw in reader:
                command = raw.decode().strip()
                verb = command[:4].upper()
                if verb in {"EHLO", "HELO"}:
                    say("250 sink.test")
                elif verb == "MAIL":
                    recipients = []
                    say("250 OK")
                elif verb == "RCPT":
                    recipients.append(command.partition(":")[2].strip(" <>"))
                    say("250 OK")
                elif verb == "DATA":
                    say("354 End data with <CR><LF>.<CR><LF>")
                    lines = []
                    for data in reader:
                        if data in {b".\r\n", b".\n"}:
                            break
                        lines.append(data.decode(errors="replace"))
                    self.messages.append({"to": recipients, "data": "".join(lines)})
                    say("250 OK")
                elif verb == "QUIT":
                    say("221 Bye")
                    return
                else:
                    say("250 OK")
        except OSError:
            return
        finally:
            client.close()

    def close(self) -> None:
        self.socket.close()
        for client in self.connections:
            client.close()


@pytest.fixture
def mail_sink() -> Iterator[MailSink]:
    sink = MailSink(silent=1)
    try:
        yield sink
    finally:
        sink.close()


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class WorkerProcess:
    """`celery worker -P solo` as production runs it (acks late, the broker's visibility timeout as
    configured), in a process of its own, on the test's database, Redis and mail server."""

    def __init__(self, name: str, *, broker_url: str, mail_port: int, log: Path) -> None:
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "tests.fault_worker_settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker_url,
            "EMAIL_PORT": str(mail_port),
            "EMAIL_TIMEOUT": str(settings.EMAIL_TIMEOUT),  # the lease the sweep reckons with is the same
        }
        self.log = log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 (a fixed command, loopback only)
            [CELERY, "-A", "intervention", "worker", "-P", "solo", "-Q", "celery,emails", "-n", f"{name}@%h", *QUIET],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_leaves_the_email_to_the_next_worker_which_sends_it_once(
    own_redis,  # noqa: F811 (the fixture)
    mail_sink,
    tmp_path,
    charlie,
    alice,
    hereford_case,
):
    first = WorkerProcess("first", broker_url=own_redis.url, mail_port=mail_sink.port, log=tmp_path / "first.log")
    second = None
    try:
        instruction = issue(charlie, hereford_case)
        assert instruction.email_promise.dispatched is True
        promised = OutboxItem.objects.get(task_name=EMAIL_TASK)
        # The first worker claims the promise and is stuck talking to the mail server when it is killed.
        assert wait_for(lambda: len(mail_sink.connections) == 1, seconds=60), (tmp_path / "first.log").read_text()
        running = OutboxItem.objects.get(pk=promised.pk)
        assert (running.state, running.attempts) == (OutboxState.RUNNING, 1)
        first.kill()

        second = WorkerProcess(
            "second", broker_url=own_redis.url, mail_port=mail_sink.port, log=tmp_path / "second.log"
        )
        # Within its lease the row is the dead worker's: the sweep leaves it alone.
        assert queue.sweep() == {"handed": 0, "waiting": 0, "failed": 0}
        # Once the lease has run out, the sweep hands it to the next worker, which sends it once.
        after_the_lease = timezone.now() + queue.lease_for("emails") + datetime.timedelta(seconds=1)
        assert queue.sweep(now=after_the_lease)["handed"] == 1
        assert wait_for(lambda: OutboxItem.objects.get(pk=promised.pk).state == OutboxState.DONE, seconds=60), (
            tmp_path / "second.log"
        ).read_text()
        # Redis still holds the killed worker's unacknowledged message: delivered again after the
        # visibility timeout, the row is found done and nothing is sent.
        assert queue.run(promised.pk) == OutboxState.DONE
    finally:
        first.stop()
        if second is not None:
            second.stop()
    assert [message["to"] for message in mail_sink.messages] == [["alice@herefordshire.example"]]
    promised.refresh_from_db()
    assert (promised.state, promised.attempts) == (OutboxState.DONE, 2)
    instruction.refresh_from_db()
    assert instruction.council_email == CouncilEmail.SENT


def _terminate(pid: int) -> None:
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"], autocommit=True
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])


def killed_at(marker: str) -> Callable[..., Any]:
    """A wrapper for `connection.execute_wrapper` that ends this connection, from another one, just
    before the first statement containing `marker` (once)."""
    done: list[bool] = []

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        if not done and marker in sql:
            done.append(True)
            _terminate(context["connection"].connection.info.backend_pid)
        return execute(sql, params, many, context)

    return wrapper


@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_mid_request_saves_nothing_and_says_so(client, charlie, hereford_case):
    client.force_login(charlie)
    client.raise_request_exception = False
    with connection.execute_wrapper(killed_at('INSERT INTO "intervention_outboxitem"')):
        response = client.post("/admin/directions/instruction/add/", instruction_form(hereford_case))
    connection.close()  # the test's own connection was the one ended; the next query opens another
    assert response.status_code == 500
    assert "Anything you were saving when this happened was not saved." in response.text
    # The instruction was written before its promise: both went with the transaction.
    assert (Instruction.objects.count(), OutboxItem.objects.count()) == (0, 0)
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_mid_task_is_tried_again_and_sends_once(charlie, alice, hereford_case):
    instruction = issue(charlie, hereford_case)
    promised = OutboxItem.objects.get(task_name=EMAIL_TASK)

    with connection.execute_wrapper(killed_at('FROM "directions_instruction"')):
        assert queue.run(promised.pk) == OutboxState.PENDING
    promised.refresh_from_db()
    assert (promised.state, promised.attempts) == (OutboxState.PENDING, 1)
    assert "terminat" in promised.last_error
    instruction.refresh_from_db()
    assert instruction.council_email == CouncilEmail.WAITING
    assert mail.outbox == []

    with time_machine.travel(promised.next_attempt_at + datetime.timedelta(seconds=1)):
        assert queue.run(promised.pk) == OutboxState.DONE
    assert [message.to for message in mail.outbox] == [["alice@herefordshire.example"]]
    instruction.refresh_from_db()
    assert instruction.council_email == CouncilEmail.SENT
