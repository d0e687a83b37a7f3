"""Health checks for the processes that serve no HTTP, for docker compose and orchestrators.

    manage.py healthcheck worker   hands this machine's worker a heartbeat task on its own queue and
                                   waits for it to be done (exit 1 if not within --timeout seconds)
    manage.py healthcheck beat     checks that a worker consumed beat's heartbeat lately (what /health/ says)

A worker's health comes from work done, not from `celery inspect ping`: a worker whose children have
died still answers a ping from its main process while no task runs."""

from __future__ import annotations

import socket
import time
from typing import Any

from celery.utils.nodenames import worker_direct
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from intervention import services
from intervention.models import WorkerHeartbeat
from intervention.tasks import record_heartbeat


class Command(BaseCommand):
    help = "Exit 0 if the worker or beat is doing its work, 1 if not."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("process", choices=["worker", "beat"])
        parser.add_argument(
            "--hostname", help="the worker's node name (default: celery@ this machine's name, Celery's own default)"
        )
        parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the worker")

    def handle(self, *args: Any, process: str, hostname: str | None, timeout: float, **options: Any) -> None:
        if process == "beat":
            health = services.service_health()
            if not health.ok:
                raise CommandError(f"Not healthy: {health.as_json()}")
            self.stdout.write(f"Beat's heartbeat was done at {health.beat_at:%H:%M:%S}")
            return
        hostname = hostname or f"celery@{socket.gethostname()}"
        name = services.worker_heartbeat_name(hostname)
        asked_at = timezone.now()
        # On the worker's own queue (CELERY_WORKER_DIRECT), and dropped if not done in time, so a
        # frozen worker's queue does not fill with checks.
        record_heartbeat.apply_async(kwargs={"name": name}, queue=worker_direct(hostname), expires=timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if WorkerHeartbeat.objects.filter(name=name, beat_at__gte=asked_at).exists():
                self.stdout.write(f"{hostname} did a heartbeat task")
                return
            time.sleep(0.2)
        raise CommandError(f"{hostname} did not do a heartbeat task within {timeout:g} seconds")
