"""A bounded load on loopback: gunicorn with 2 workers on 127.0.0.1, and N client threads that
request every page in turn, signed in with session cookies (a token for the API, nothing for a
calendar feed), for a fixed time and no more than
a fixed number of requests. Only 127.0.0.1 is ever addressed."""

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


@contextlib.contextmanager
def gunicorn(*, workers: int = 2) -> Iterator[int]:
    """Start gunicorn on a free loopback port with this process's environment; stop it afterwards."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [
            sys.executable,
            "-m",
            "gunicorn",
            "intervention.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=os.environ,
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
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(
    *, port: int, mix: list[tuple[str, str]], headers: dict[str, dict[str, str]], seconds: float, concurrency: int
) -> dict[str, Any]:
    """`concurrency` clients, each requesting the pages of `mix` in turn (each starting at a
    different one), until `seconds` have passed. A response other than 200 is an error."""
    for role, url in mix * 2:  # warm both workers up: imports, templates, connections
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

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(index,), daemon=True) for index in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    wall = time.monotonic() - started
    ordered = sorted(latencies)
    return {
        "concurrency": concurrency,
        "seconds": round(seconds),
        "requests": len(latencies),
        "rps": round(len(latencies) / wall, 1),
        "median_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p95_ms": round(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)], 1) if ordered else None,
        "errors": len(errors),
        "first_errors": errors[:10],
        "statuses": dict(statuses),
    }
