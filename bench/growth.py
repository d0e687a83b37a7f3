"""The growth check: a page measured over two datasets that differ in one dial (years of history, or
the number of cases) must cost the same. It fails when the page's queries change, or when its p95
CPU time over the baseline's (each run's own, so machines and moments cancel) grows by more than
GROWTH_LIMIT. Differences under NOISE_FLOOR_MS of CPU are never growth: a 3 ms page that takes 4 ms
once is the clock, not the data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

GROWTH_LIMIT = 1.3
NOISE_FLOOR_MS = 2.0


@dataclass
class Growth:
    page: str
    dial: str  # "years" or "cases"
    smaller: str
    larger: str
    queries_before: int
    queries_after: int
    cpu_p95_before: float
    cpu_p95_after: float
    growth: float
    ok: bool


def relative_cost(page: dict[str, Any]) -> float:
    """The page's p95 CPU time in units of its run's baseline p95 CPU time."""
    return page["cpu_p95_ms"] / max(page["baseline_cpu_p95_ms"], 0.01)


def compare(smaller: dict[str, Any], larger: dict[str, Any], *, dial: str, limit: float = GROWTH_LIMIT) -> list[Growth]:
    """Each page measured in both runs (`{"label": ..., "pages": [{"name": ..., ...}]}`), compared."""
    before = {page["name"]: page for page in smaller["pages"]}
    checks = []
    for page in larger["pages"]:
        old = before.get(page["name"])
        if old is None:
            continue
        growth = relative_cost(page) / max(relative_cost(old), 0.001)
        small_difference = page["cpu_p95_ms"] - old["cpu_p95_ms"] < NOISE_FLOOR_MS
        ok = page["queries"] == old["queries"] and (growth <= limit or small_difference)
        checks.append(
            Growth(
                page=page["name"],
                dial=dial,
                smaller=smaller["label"],
                larger=larger["label"],
                queries_before=old["queries"],
                queries_after=page["queries"],
                cpu_p95_before=old["cpu_p95_ms"],
                cpu_p95_after=page["cpu_p95_ms"],
                growth=round(growth, 2),
                ok=ok,
            )
        )
    return checks
