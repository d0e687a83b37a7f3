"""The growth check: a page measured over two datasets that differ in one dial (years of history, or
the number of cases) must cost the same. It fails when the page's queries change, or when its p95
CPU time over the baseline's (each run's own, so machines and moments cancel) grows by more than
GROWTH_LIMIT. Differences under NOISE_FLOOR_MS of CPU are never growth: a 3 ms page that takes 4 ms
once is the clock, not the data.

A download (kind "export") lists every row by design: a CSV of 153 cases has four times the rows of one of
38, and its cost follows them as its size does. Such a page is compared per row instead (its cost over the
baseline's, divided by the rows it held in each run), so a download passes when each row costs no more with
more data, and fails when it does (a row that costs more as the data grow, or queries that grow with the
rows). Its absolute budget, like every page's, is the same 50 ms at the budget's dials (bench/run.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

GROWTH_LIMIT = 1.3
NOISE_FLOOR_MS = 2.0


@dataclass
class Growth:
    page: str
    dial: str  # "years" or "cases"
    per_row: bool  # compared per row of a download (rows_before -> rows_after)
    smaller: str
    larger: str
    queries_before: int
    queries_after: int
    cpu_p95_before: float
    cpu_p95_after: float
    growth: float
    ok: bool
    rows_before: int | None = None
    rows_after: int | None = None


def relative_cost(page: dict[str, Any]) -> float:
    """The page's p95 CPU time in units of its run's baseline p95 CPU time."""
    return page["cpu_p95_ms"] / max(page["baseline_cpu_p95_ms"], 0.01)


def per_row(page: dict[str, Any]) -> bool:
    return page.get("kind") == "export" and bool(page.get("rows"))


def compare(smaller: dict[str, Any], larger: dict[str, Any], *, dial: str, limit: float = GROWTH_LIMIT) -> list[Growth]:
    """Each page measured in both runs (`{"label": ..., "pages": [{"name": ..., ...}]}`), compared."""
    before = {page["name"]: page for page in smaller["pages"]}
    checks = []
    for page in larger["pages"]:
        old = before.get(page["name"])
        if old is None:
            continue
        by_row = per_row(page) and per_row(old)
        if by_row:
            growth = (relative_cost(page) / page["rows"]) / max(relative_cost(old) / old["rows"], 0.000001)
            # Within the noise floor of what the smaller run's cost a row predicts for these rows.
            small_difference = page["cpu_p95_ms"] - old["cpu_p95_ms"] * page["rows"] / old["rows"] < NOISE_FLOOR_MS
        else:
            growth = relative_cost(page) / max(relative_cost(old), 0.001)
            small_difference = page["cpu_p95_ms"] - old["cpu_p95_ms"] < NOISE_FLOOR_MS
        ok = page["queries"] == old["queries"] and (growth <= limit or small_difference)
        checks.append(
            Growth(
                page=page["name"],
                dial=dial,
                per_row=by_row,
                smaller=smaller["label"],
                larger=larger["label"],
                queries_before=old["queries"],
                queries_after=page["queries"],
                cpu_p95_before=old["cpu_p95_ms"],
                cpu_p95_after=page["cpu_p95_ms"],
                growth=round(growth, 2),
                ok=ok,
                rows_before=old.get("rows") if by_row else None,
                rows_after=page.get("rows") if by_row else None,
            )
        )
    return checks
