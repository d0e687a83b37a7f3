"""Timing a page against the baseline so that the verdict does not follow the machine's load.

Each page is measured in pairs: a baseline request, then the page's request, again and again (ABAB),
so both see the same moment of the machine. Each request records its wall time and its CPU time: the
serving thread's own (`time.thread_time`) plus, on a local PostgreSQL, the database backend's
(`/proc/<backend pid>/schedstat`, nanoseconds on a CPU). CPU time is what the page costs; a busy
machine adds waiting to wall time but hardly any CPU. The pair's ratio (page over baseline) cancels
what slows both."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WARM_UP = 3


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class QueryCounter:
    """Counts every query the connection executes, logged or not."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


class CpuClock:
    """The CPU time spent serving: this thread's, and the database backend's when it runs on this
    machine and its /proc entry can be read (else this thread's only, as on SQLite, where the
    database runs in this thread)."""

    def __init__(self) -> None:
        self._backend: Path | None = None
        self._connection: Any = None

    def _backend_stat(self) -> Path | None:
        from django.db import connection

        if connection.vendor != "postgresql":
            return None
        if connection.connection is None or connection.connection is not self._connection:
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid(), inet_server_addr()")
                pid, address = cursor.fetchone()
            self._connection = connection.connection
            local = address is None or str(address).startswith(("127.", "::1"))
            stat = Path(f"/proc/{pid}/schedstat")
            self._backend = stat if local and stat.exists() else None
        return self._backend

    def now(self) -> float:
        """Seconds of CPU so far (thread plus backend)."""
        own = time.thread_time()
        stat = self._backend
        if stat is None:
            return own
        try:
            return own + int(stat.read_text().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            return own

    def prepare(self) -> bool:
        """Find the backend (outside any timed request). True when its CPU is counted."""
        return self._backend_stat() is not None


@dataclass
class Samples:
    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)


@dataclass
class Pairs:
    """A page measured in pairs with the baseline."""

    queries: int
    page: Samples
    baseline: Samples
    backend_cpu: bool

    def summary(self) -> dict[str, Any]:
        wall_ratio = [p / max(b, 0.001) for p, b in zip(self.page.wall_ms, self.baseline.wall_ms, strict=True)]
        cpu_ratio = [p / max(b, 0.001) for p, b in zip(self.page.cpu_ms, self.baseline.cpu_ms, strict=True)]
        return {
            "queries": self.queries,
            "samples": len(self.page.wall_ms),
            "median_ms": round(statistics.median(self.page.wall_ms), 1),
            "p95_ms": round(percentile(self.page.wall_ms, 0.95), 1),
            "cpu_median_ms": round(statistics.median(self.page.cpu_ms), 1),
            "cpu_p95_ms": round(percentile(self.page.cpu_ms, 0.95), 1),
            "baseline_p95_ms": round(percentile(self.baseline.wall_ms, 0.95), 2),
            "baseline_cpu_p95_ms": round(percentile(self.baseline.cpu_ms, 0.95), 2),
            "ratio_median": round(statistics.median(wall_ratio), 2),
            "ratio_p95": round(percentile(wall_ratio, 0.95), 2),
            "cpu_ratio_median": round(statistics.median(cpu_ratio), 2),
            "cpu_ratio_p95": round(percentile(cpu_ratio, 0.95), 2),
            "backend_cpu": self.backend_cpu,
        }


def _one(send: Callable[[], Any], clock: CpuClock, expect: int, into: Samples) -> None:
    cpu, wall = clock.now(), time.perf_counter()
    response = send()
    wall_end, cpu_end = time.perf_counter(), clock.now()
    _check(response, expect)
    into.wall_ms.append((wall_end - wall) * 1000)
    into.cpu_ms.append(max(0.0, cpu_end - cpu) * 1000)


def count_queries(send: Callable[[], Any]) -> tuple[int, Any]:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        response = send()
    return counter.count, response


def measure_pairs(
    send: Callable[[], Any], baseline: Callable[[], Any], *, expect: int = 200, requests: int = 60
) -> Pairs:
    """Warm up, count one request's queries, then time `requests` interleaved pairs."""
    for _ in range(WARM_UP):
        _check(baseline(), 200)
        _check(send(), expect)
    queries, response = count_queries(send)
    _check(response, expect)
    clock = CpuClock()
    backend = clock.prepare()
    page, base = Samples(), Samples()
    for _ in range(requests):
        backend = clock.prepare() and backend  # a new connection has a new backend
        _one(baseline, clock, 200, base)
        _one(send, clock, expect, page)
    return Pairs(queries=queries, page=page, baseline=base, backend_cpu=backend)


def _check(response: Any, expect: int) -> None:
    if response.status_code != expect:
        where = getattr(response, "request", {}).get("PATH_INFO", "?")
        raise SystemExit(
            f"{where}: expected {expect}, got {response.status_code} {response.get('Location', '')} "
            f"{getattr(response, 'content', b'')[:300]!r}"
        )
