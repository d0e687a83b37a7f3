"""A bounded load on loopback: gunicorn as deployed (gunicorn.conf.py) on 127.0.0.1, and N client
threads that request every page in turn, signed in with session cookies (a token for the API,
nothing for a calendar feed), for a fixed time and no more than a fixed number of requests. Only
127.0.0.1 is ever addressed.

The latencies are wall time, which on a shared machine follows the neighbours: the clients run here
too, and a test suite beside the bench takes half the cores. So the CPU time over the run is read as
well, from /proc: the whole machine's, the service's (gunicorn's workers and their PostgreSQL
backends) and the clients' (this process). What neither the service nor anything idle had is the
share the others took, clients included (in service they run elsewhere). With clients that never
pause, a request's latency is the queue's length times the CPU a request takes, divided by the cores
serving it; so the p95 the service would give with the machine to itself is the p95 measured times
the share the others left it. The budget is judged on that; both figures are reported. The service's
own idle time is not credited: a service that leaves cores idle is slower for it."""

from __future__ import annotations

import contextlib
import http.client
import math
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
MAX_REQUESTS = 50_000  # a bound whatever the time: 30 s at this rate is far fewer
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def get(port: int, url: str, headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", url, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Server:
    port: int
    pid: int
    application_name: str  # what its database connections are called, to find their backends

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def backends(self) -> list[int]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [self.application_name])
            return [row[0] for row in cursor.fetchall()]

    def cpu_seconds(self) -> float | None:
        """CPU time so far of gunicorn's workers and their database backends; None where /proc or
        PostgreSQL's activity view cannot tell (another system, SQLite)."""
        from django.db import connection

        if connection.vendor != "postgresql" or not Path("/proc/self/stat").exists():
            return None
        return sum(process_cpu_seconds(pid) for pid in [*self.workers(), *self.backends()])


def machine_busy_seconds() -> float | None:
    """CPU time all the machine's cores have spent on anything but idling, from /proc/stat."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = fields
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    own = os.times()
    return own.user + own.system


def process_cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process (0 if it has gone), from /proc/PID/stat."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def gunicorn() -> Iterator[Server]:
    """Start gunicorn on a free loopback port with this process's environment and the deployed
    settings (gunicorn.conf.py: its worker count); stop it afterwards."""
    port = free_port()
    application_name = f"bench-load-{port}"
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [
            sys.executable,
            "-m",
            "gunicorn",
            "intervention.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--access-logfile",
            os.devnull,
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env={**os.environ, "PGAPPNAME": application_name},
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn stopped with code {process.returncode}")
            try:
                # Liveness, not /health/: readiness needs a worker's heartbeat, and the bench runs none.
                if get(port, "/health/live/", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not answer on {HOST}:{port} within {STARTUP_SECONDS} s")
            time.sleep(0.2)
        yield Server(port=port, pid=process.pid, application_name=application_name)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(
    *, server: Server, mix: list[tuple[str, str]], headers: dict[str, dict[str, str]], seconds: float, concurrency: int
) -> dict[str, Any]:
    """`concurrency` clients, each requesting the pages of `mix` in turn (each starting at a
    different one), until `seconds` have passed. A response other than 200 is an error."""
    port = server.port
    workers = len(server.workers())
    for role, url in mix * workers:  # warm every worker up: imports, templates, connections
        get(port, url, headers[role])
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    errors: list[str] = []
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        turn = index
        while time.monotonic() < deadline:
            with lock:
                if len(latencies) >= MAX_REQUESTS:
                    return
            role, url = mix[turn % len(mix)]
            turn += 1
            started = time.perf_counter()
            try:
                status, _ = get(port, url, headers[role])
                outcome = str(status)
            except OSError as error:
                status, outcome = 0, type(error).__name__
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[outcome] += 1
                if status != 200:
                    errors.append(f"{url}: {outcome}")

    cpu_before = (server.cpu_seconds(), own_cpu_seconds(), machine_busy_seconds())
    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(index,), daemon=True) for index in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    wall = time.monotonic() - started
    cpu_after = (server.cpu_seconds(), own_cpu_seconds(), machine_busy_seconds())
    ordered = sorted(latencies)
    p95 = round(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)], 1) if ordered else None
    service_share = clients_share = left_share = None
    if None not in cpu_before and None not in cpu_after:
        capacity = wall * (os.cpu_count() or 1)
        service, clients, machine = (
            (after or 0.0) - (before or 0.0) for after, before in zip(cpu_after, cpu_before, strict=True)
        )
        service_share, clients_share = round(service / capacity, 2), round(clients / capacity, 2)
        left_share = round(min(1.0, max(0.0, 1 - (machine - service) / capacity)), 2)
    return {
        "workers": workers,
        "concurrency": concurrency,
        "seconds": round(seconds),
        "requests": len(latencies),
        "rps": round(len(latencies) / wall, 1),
        "median_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p95_ms": p95,
        # The shares of the machine's cores the service used and the others (clients included) left it,
        # and the p95 with the machine to itself.
        "service_cpu_share": service_share,
        "clients_cpu_share": clients_share,
        "left_to_service_share": left_share,
        "p95_all_cores_ms": round(p95 * left_share, 1) if p95 is not None and left_share is not None else None,
        "errors": len(errors),
        "first_errors": errors[:10],
        "statuses": dict(statuses),
    }
