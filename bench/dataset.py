"""The bench's dataset and its two dials: `cases` (how many interventions: one an authority up to all
153, then a second and later one an authority) and `years` (how deep each case's history runs:
monthly indicator values, progress updates, instructions and reviews grow with it).

A marker table, `bench_dataset`, records the dials a database was loaded with and what it then held,
so that a rerun with the same dials reuses it and any other database is refused."""

from __future__ import annotations

import datetime
import json
import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MARKER_TABLE = "bench_dataset"
SEED = 1

NOT_A_BENCH_DATABASE = (
    "This database holds {real} interventions that were not generated, and {generated} generated ones "
    "{marked}: the bench needs a database of its own, loaded by the bench with --cases {cases} --years {years}. "
    "Point DATABASE_URL at an empty database (createdb ... casework_bench) and run make bench again."
)


@dataclass(frozen=True)
class Dials:
    cases: int
    years: int

    @property
    def label(self) -> str:
        return f"{self.cases} cases, {self.years} year{'s' if self.years != 1 else ''}"

    @property
    def suffix(self) -> str:
        return f"c{self.cases}_y{self.years}"


def volume_for(years: int) -> Any:
    """How much each case holds after `years` of an intervention: what a year adds, times the years."""
    from reviews.demo.national import Volume

    months = 12 * years
    return Volume(
        indicators_per_priority=10,
        months=months,
        instructions=30 * years,
        actions_per_objective=10,
        progress_updates=600 * years,
        reviews=min(months // 3, 2 * years),
    )


def _ensure_marker_table() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
            "(cases integer NOT NULL, years integer NOT NULL, seed integer NOT NULL, "
            "dataset_version integer NOT NULL, counts text NOT NULL, loaded_at varchar(40) NOT NULL)"
        )


def marker() -> dict[str, Any] | None:
    """The dials and counts the bench recorded when it loaded this database, or None."""
    from django.db import connection

    _ensure_marker_table()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cases, years, seed, dataset_version, counts, loaded_at FROM {MARKER_TABLE}")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        return None
    cases, years, seed, version, counts, loaded_at = row
    return {
        "cases": cases,
        "years": years,
        "seed": seed,
        "dataset_version": version,
        "counts": json.loads(counts),
        "loaded_at": loaded_at,
    }


def _write_marker(dials: Dials, counts: dict[str, int]) -> None:
    from django.db import connection

    from reviews.demo.national import DATASET_VERSION

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s, %s, %s, %s, %s)",  # noqa: S608
            [
                dials.cases,
                dials.years,
                SEED,
                DATASET_VERSION,
                json.dumps(counts),
                datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            ],
        )


def load(dials: Dials, *, say: Any = print, volume: Any = None) -> dict[str, Any]:
    """Load the dataset for these dials into this (empty) database, or reuse what an earlier run
    loaded with the same dials; refuse anything else. Returns the marker (dials and counts).
    `volume` replaces what each case holds (tests load the same shape smaller)."""
    from django.db import connection

    from intervention.models import Intervention
    from reviews.demo import national as national_data
    from reviews.services import materialise_deadlines

    found = marker()
    same = found and (found["cases"], found["years"], found["seed"]) == (dials.cases, dials.years, SEED)
    if found and same and found["dataset_version"] == national_data.DATASET_VERSION:
        return found
    real = national_data.real_case_count()
    generated = Intervention.objects.filter(summary__startswith=national_data.GENERATED_MARKER).count()
    if real or generated or found:
        marked = (
            f"(marked {found['cases']} cases, {found['years']} years, version {found['dataset_version']})"
            if found
            else "(not marked by the bench)"
        )
        raise SystemExit(
            NOT_A_BENCH_DATABASE.format(
                real=real, generated=generated, marked=marked, cases=dials.cases, years=dials.years
            )
        )
    say(f"Loading {dials.label} (once for these dials)...")
    started = time.monotonic()
    national_data.generate(scale=dials.cases / 60, seed=SEED, volume=volume or volume_for(dials.years))
    materialise_deadlines()
    national_data.meet_past_deadlines(seed=SEED)
    if connection.vendor == "postgresql":
        # As autovacuum leaves a database that has been in use a while: statistics for the planner, and
        # the visibility map that lets an index answer without visiting the table. Not inside a
        # transaction (a test's), where VACUUM cannot run.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    say(f"Loaded in {time.monotonic() - started:.0f} s")
    _write_marker(dials, counts())
    found = marker()
    assert found is not None
    return found


def counts() -> dict[str, int]:
    """What the dataset holds, as the results report it."""
    from directions.models import Clause, Instruction, Instrument
    from intervention.models import Intervention, LocalAuthority
    from reviews.models import Deadline, Measurement, PlanAction, ProgressUpdate, Report, Review

    return {
        "interventions": Intervention.objects.count(),
        "authorities": LocalAuthority.objects.filter(interventions__isnull=False).distinct().count(),
        "instruments": Instrument.objects.count(),
        "clauses": Clause.objects.count(),
        "instructions": Instruction.objects.count(),
        "instruction_history": Instruction.history.count(),
        "progress_updates": ProgressUpdate.objects.count(),
        "measurements": Measurement.objects.count(),
        "plan_actions": PlanAction.objects.count(),
        "reviews": Review.objects.count(),
        "deadlines": Deadline.objects.count(),
        "reports": Report.objects.count(),
    }


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def python_speed() -> float:
    """CPU seconds this machine takes for ten million additions in a Python loop: the same work on
    every machine, so results from two machines can be put side by side (budgets are absolute)."""
    started = time.process_time()
    total = 0
    for number in range(10_000_000):
        total += number
    return round(time.process_time() - started, 2)


def machine() -> dict[str, Any]:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = "PostgreSQL " + cursor.fetchone()[0].split()[0]
    else:
        database = f"{connection.vendor} {connection.Database.sqlite_version}"  # type: ignore[attr-defined]
    try:
        load_average = [round(value, 2) for value in os.getloadavg()]
    except OSError:
        load_average = []
    return {
        "cores": os.cpu_count(),
        "cpu": cpu_model(),
        "database": database,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": load_average,
        "python_loop_seconds": python_speed(),
    }
