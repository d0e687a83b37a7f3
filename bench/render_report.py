"""Render one report, its content and its PDF, in this fresh process, as a report worker's child
does, and print the time (wall and CPU), the queries and the peak memory as one line of JSON.

    python bench/render_report.py REPORT_ID [--months N]    (run by bench/run.py, with its environment)

With --months, the report's period is stretched (in memory, never saved) to end where it ends and
start N months before: the progress report over a long period."""

from __future__ import annotations

import argparse
import io
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def peak_mb() -> float:
    """This process's peak resident memory. Not getrusage's ru_maxrss, which Linux carries over from
    the parent across exec: VmHWM is this program's own."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(report_id: int, months: int | None = None) -> dict[str, object]:
    import django

    django.setup()
    import weasyprint  # noqa: F401 - a worker child has it loaded before its first report
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pypdf import PdfReader

    from reviews.models import Report, ReportVersion
    from reviews.reports import renderer_for

    report = Report.objects.select_related("intervention__local_authority", "review", "instrument").get(pk=report_id)
    if months and report.period_end:
        end = report.period_end
        start_month = end.year * 12 + end.month - 1 - months + 1
        report.period_start = end.replace(year=start_month // 12, month=start_month % 12 + 1, day=1)
    renderer = renderer_for(report.kind)
    before = peak_mb()
    with CaptureQueriesContext(connection) as captured:
        started, cpu_started = time.perf_counter(), time.process_time()
        missing = renderer.missing(report)
        body = renderer.render_body(report)
        content_done = time.perf_counter()
        version = ReportVersion(
            report=report, number=report.versions.count() + 1, body_html=body, requested_by_id=report.created_by_id
        )
        _, _, pdf = renderer.render(report, version)
        finished, cpu_finished = time.perf_counter(), time.process_time()
    return {
        "report": report.pk,
        "period": [str(report.period_start), str(report.period_end)],
        "missing": missing,
        "content_seconds": round(content_done - started, 2),
        "pdf_seconds": round(finished - content_done, 2),
        "seconds": round(finished - started, 2),
        # This process's CPU (the database's share is small: the queries above): what a busy machine
        # does not lengthen.
        "cpu_seconds": round(cpu_finished - cpu_started, 2),
        "queries": len(captured),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "charts": body.count("<svg"),
        "bytes": len(pdf),
        "peak_mb": round(peak_mb(), 1),
        "render_mb": round(peak_mb() - before, 1),
    }


if __name__ == "__main__":
    arguments = argparse.ArgumentParser()
    arguments.add_argument("report_id", type=int)
    arguments.add_argument("--months", type=int)
    parsed = arguments.parse_args()
    print(json.dumps(main(parsed.report_id, parsed.months)))
