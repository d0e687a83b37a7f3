"""The commissioner's progress report to the Minister, in the shape of published commissioners'
reports: the summary (the commissioner's conclusion and numbered recommendations), the findings by
theme, progress against each service priority (ratings and narratives), the background, and the
indicators' charts and tables in an annex. It reports one held review; the commissioner's words are
a MinisterialReportWords (reviews.reports.ministerial_words)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from directions.models import Instrument
from intervention.enums import OVERSEEING_ROLES, Role
from intervention.models import Inspection
from reviews.models import Assessment, Report, ReportKind, Review, ReviewStatus
from reviews.reports.base import Renderer
from reviews.reports.common import (
    appointed,
    figures_tables,
    indicator_evidence,
    lettered_items,
    next_review_dates,
    paragraphs,
)
from reviews.reports.ministerial_words import words_context

NEEDS_REVIEW = "Choose the review this report is about"
NO_REVIEW_HELD = (
    "Choose the review this report is about. No review has been recorded as held for this case yet: "
    "record the review first"
)
REVIEW_NOT_HELD = "The {review} is still being written: record it as held before producing its report"


def review_problems(report: Report) -> list[str]:
    if report.review is None:
        held = Review.objects.filter(intervention=report.intervention_id).held().exists()
        return [NEEDS_REVIEW if held else NO_REVIEW_HELD]
    if not report.review.is_held:
        return [REVIEW_NOT_HELD.format(review=str(report.review)[0].lower() + str(report.review)[1:])]
    return []


def overseer(report: Report, review: Review | None) -> Any:
    """The commissioner (or the adviser in that role) appointed when the review was held."""
    day = review.held_on if review else report.period_end
    if day is None:
        return None
    people = appointed(report.intervention, [Role.COMMISSIONER], day) or appointed(
        report.intervention, OVERSEEING_ROLES, day
    )
    return people[0] if people else None


def case_background(report: Report, review: Review) -> dict[str, Any]:
    """The inspection and instruments that frame a review: shared by the progress and cabinet reports."""
    case = report.intervention
    instruments = list(
        Instrument.objects.filter(intervention=case).in_force_on(review.held_on).order_by("issued_on", "pk")
    )
    inspection = (
        Inspection.objects.filter(local_authority=case.local_authority_id, published_on__lte=review.held_on)
        .prefetch_related("judgements")
        .order_by("-published_on")
        .first()
    )
    previous = (
        Review.objects.filter(intervention=case, status=ReviewStatus.HELD, held_on__lt=review.held_on)
        .order_by("-held_on", "-pk")
        .first()
    )
    return {"instruments": instruments, "inspection": inspection, "previous_review": previous}


class ProgressReport(Renderer):
    kind = ReportKind.PROGRESS
    template = "reports/progress_report.html"
    short_name = "Progress report to the Minister"
    letterhead = "The children's services commissioner's report to the Minister"

    def missing(self, report: Report) -> list[str]:
        return review_problems(report)

    def author(self, report: Report) -> str:
        person = overseer(report, report.review)
        return person.name if person else super().author(report)

    def context(self, report: Report) -> dict[str, Any]:
        review = report.review
        assert review is not None  # missing() refuses a report without its review
        start = report.period_start or review.period_start
        end = report.period_end or review.period_end
        assessments = list(
            Assessment.objects.filter(review=review)
            .select_related("service_priority")
            .prefetch_related(Prefetch("progress_updates"))
            .order_by("position", "pk")
        )
        evidence = indicator_evidence(
            [a.service_priority for a in assessments], start, end, chart_prefix=f"report-{report.pk}"
        )
        for assessment in assessments:
            assessment.narrative_paragraphs = paragraphs(assessment.narrative)  # type: ignore[attr-defined]  # for the template
        return {
            "review": review,
            "developments": lettered_items(review.key_development_list),
            "summary": paragraphs(review.summary),
            "conclusion": paragraphs(review.conclusion),
            "recommendation_detail": paragraphs(review.recommendation_detail),
            "start": start,
            "end": end,
            "commissioner": overseer(report, review),
            "assessments": assessments,
            "sections": [
                (a, evidence[a.service_priority_id], figures_tables(evidence[a.service_priority_id]))
                for a in assessments
            ],
            "next_reviews": next_review_dates(review),
            **case_background(report, review),
            **words_context(report),
        }
