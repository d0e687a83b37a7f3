"""Profile one page at national scale: its queries (with their time) and where Python spends its time.

    DATABASE_URL=postgres://.../casework_bench python bench/profile_page.py /deadlines/ --as dfe

`--as` is dfe, officer or commissioner, as in bench/run.py; `{case}`, `{instruction}`, `{priority}`,
`{indicator}` and `{instrument}` in the URL are replaced by the bench's subjects. SORT=tottime (or
any pstats key) orders the profile differently from the default, cumulative time."""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--as", dest="role", default="dfe", choices=["dfe", "officer", "commissioner"])
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sql", action="store_true", help="print every query with its time")
    parser.add_argument("--callees", metavar="FUNCTION", help="also print what the functions matching this call")
    args = parser.parse_args()

    from bench.pages import choose_subjects, clients
    from bench.run import production_environment

    os.environ.update(production_environment())
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    subjects = choose_subjects()
    url = args.url.format(
        case=subjects.case.pk,
        instruction=subjects.instruction.pk,
        priority=subjects.priority.pk,
        indicator=subjects.indicator.pk,
        instrument=subjects.instrument.pk,
    )
    client = clients(subjects)[args.role]
    for _ in range(3):
        client.get(url)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    print(f"{url}: {response.status_code}, {elapsed:.1f} ms, {len(captured)} queries taking {sql_ms:.1f} ms")
    if args.sql:
        for query in captured.captured_queries:
            print(f"{float(query['time']) * 1000:7.1f} ms  {query['sql'][:400]}")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("SORT", "cumulative"))
    stats.print_stats(args.top)
    if args.callees:
        stats.print_callees(args.callees)
    print(out.getvalue())


if __name__ == "__main__":
    main()
