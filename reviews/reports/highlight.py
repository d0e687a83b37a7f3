"""The six-weekly highlight report to DfE: the RAG rating of each service priority and how it moved,
instructions issued, complied with and overdue, deadlines met and missed, what is due next, and the
risks. Every section says "no data for this period" when that is the honest answer."""

from __future__ import annotations

import datetime
from typing import Any

from intervention.enums import Role
from reviews.models import Report, ReportKind
from reviews.models.reviewing import service_priorities_in_force
from reviews.reports.base import Renderer
from reviews.reports.common import (
    appointed,
    deadline_summary,
    held_reviews,
    indicator_evidence,
    instruction_summary,
    latest_ratings,
    off_track_actions,
)
from reviews.reports.progress import overseer

NEEDS_PERIOD = "Give the period the report covers"
LOOK_AHEAD = datetime.timedelta(weeks=6)


def period_problems(report: Report) -> list[str]:
    return [] if report.period_start and report.period_end else [NEEDS_PERIOD]


def priority_rows(report: Report, *, charts: bool = False) -> list[dict[str, Any]]:
    """Each priority in force at the end of the period: its rating then and at the start, and its indicators."""
    start, end = report.period_start, report.period_end
    assert start is not None and end is not None  # missing() refuses a report without its period
    priorities = service_priorities_in_force(report.intervention, end)
    now = latest_ratings(priorities, end)
    before = latest_ratings(priorities, start - datetime.timedelta(days=1))
    evidence = indicator_evidence(priorities, start, end, charts=charts, chart_prefix=f"report-{report.pk}")
    rows = []
    for priority in priorities:
        rating, earlier = now.get(priority.pk), before.get(priority.pk)
        rows.append(
            {
                "priority": priority,
                "rating": rating,
                "earlier": earlier,
                "change": _change(earlier.rag if earlier else "", rating.rag if rating else ""),
                "indicators": evidence[priority.pk],
            }
        )
    return rows


def indicator_rows(rows: list[dict[str, Any]]) -> list[tuple[Any, Any]]:
    return [(row["priority"], evidence) for row in rows for evidence in row["indicators"]]


def _change(before: str, now: str) -> str:
    from reviews.reports.common import rag_sort_key

    if not now:
        return "Not rated"
    if not before:
        return "First rating"
    if rag_sort_key(now) > rag_sort_key(before):
        return "Improved"
    if rag_sort_key(now) < rag_sort_key(before):
        return "Worsened"
    return "No change"


class HighlightReport(Renderer):
    kind = ReportKind.HIGHLIGHT
    template = "reports/highlight_report.html"
    short_name = "Highlight report"

    def missing(self, report: Report) -> list[str]:
        return period_problems(report)

    def author(self, report: Report) -> str:
        person = overseer(report, None)
        return person.name if person else super().author(report)

    def context(self, report: Report) -> dict[str, Any]:
        case, start, end = report.intervention, report.period_start, report.period_end
        assert start is not None and end is not None  # missing() refuses a report without its period
        rows = priority_rows(report)
        deadlines = deadline_summary(case, start, end, ahead=LOOK_AHEAD)
        instructions = instruction_summary(case, start, end)
        actions, off_track_count = off_track_actions(case, end)
        return {
            "start": start,
            "end": end,
            "look_ahead_end": end + LOOK_AHEAD,
            "rows": rows,
            "indicator_rows": indicator_rows(rows),
            "red": [row for row in rows if row["rating"] and row["rating"].rag == "red"],
            "instructions": instructions,
            "deadlines": deadlines,
            "off_track_actions": actions,
            "off_track_count": off_track_count,
            "reviews": held_reviews(case, start, end),
            "author_person": overseer(report, None),
            "case_lead": next(iter(appointed(case, [Role.DFE_CASE_LEAD], end)), None),
        }
