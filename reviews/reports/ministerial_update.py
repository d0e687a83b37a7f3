"""The quarterly written update to the Minister on the council's progress: the progress report's shape
in short. The summary (the commissioner's conclusion and numbered recommendations), the findings by
theme, each service priority's rating, the quarter's reviews and key developments, and the data
(headline indicators, instructions, what comes next) in an annex."""

from __future__ import annotations

import datetime
from typing import Any

from directions.models import Instrument
from reviews.models import Report, ReportKind
from reviews.reports.as_at import obligations_waiting_as_at
from reviews.reports.base import Renderer
from reviews.reports.common import deadline_summary, held_reviews, instruction_summary, lettered_items, paragraphs
from reviews.reports.highlight import indicator_rows, period_problems, priority_rows
from reviews.reports.ministerial_words import words_context
from reviews.reports.progress import overseer

LOOK_AHEAD = datetime.timedelta(days=92)


class MinisterialUpdate(Renderer):
    kind = ReportKind.MINISTERIAL_UPDATE
    template = "reports/ministerial_update.html"
    short_name = "Written update to the Minister"
    letterhead = "The children's services commissioner's written update to the Minister"

    def missing(self, report: Report) -> list[str]:
        return period_problems(report)

    def author(self, report: Report) -> str:
        person = overseer(report, None)
        return person.name if person else super().author(report)

    def context(self, report: Report) -> dict[str, Any]:
        case, start, end = report.intervention, report.period_start, report.period_end
        assert start is not None and end is not None  # missing() refuses a report without its period
        reviews = held_reviews(case, start, end)
        instruments = list(Instrument.objects.filter(intervention=case).in_force_on(end).order_by("issued_on"))
        rows = priority_rows(report)
        return {
            "start": start,
            "end": end,
            "look_ahead_end": end + LOOK_AHEAD,
            "rows": rows,
            "indicator_rows": indicator_rows(rows),
            "commentary": paragraphs(report.commentary),
            "reviews": reviews,
            "developments": lettered_items(item for review in reviews for item in review.key_development_list),
            "instructions": instruction_summary(case, start, end),
            "deadlines": deadline_summary(case, start, end, ahead=LOOK_AHEAD),
            "instruments": instruments,
            "waiting": obligations_waiting_as_at(instruments, end),
            "author_person": overseer(report, None),
            **words_context(report),
        }
