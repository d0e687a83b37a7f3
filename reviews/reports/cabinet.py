"""The council's cabinet report, in the council's own format (after Herefordshire's cabinet papers of
29 September 2022 and 21 December 2023): the title block, purpose, recommendations, alternative
options, numbered key considerations, the impact and implications sections, consultees, appendices,
background papers and the report reviewers table.

The parts in the council's own words come from the report's CabinetPaper; the key considerations
are filled from the case: the inspection, the directions, the commissioner's appointment, the
reviews and their reports, the key developments and when progress will next be reviewed."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import models

from directions.enums import InstrumentKind
from directions.models import Instrument
from intervention.enums import Role
from reviews.models import CabinetPaper, Report, ReportKind, Review, ReviewKind, ReviewStatus
from reviews.reports.as_at import obligations_waiting_as_at
from reviews.reports.base import Renderer
from reviews.reports.common import Paragraph, council_paragraphs, lettered, next_review_dates
from reviews.reports.progress import case_background, overseer, review_problems

NEEDS_COUNCIL_WORDS = "Fill in the council's words before generating the cabinet report: {fields}"
REVIEWER_AREAS = (
    "Governance",
    "Finance",
    "Legal",
    "Communications",
    "Equality Duty",
    "Procurement",
    "Risk",
    "Approved by",
)
# The council's sections after the key considerations, in the order its papers print them, numbered on.
NUMBERED_SECTIONS = (
    ("community_impact", "Community impact"),
    ("environmental_impact", "Environmental Impact"),
    ("equality_duty", "Equality duty"),
    ("resource_implications", "Resource implications"),
    ("legal_implications", "Legal implications"),
    ("risk_management", "Risk management"),
    ("consultees", "Consultees"),
)
REQUIRED_FIELDS = (
    "meeting_date",
    "report_by",
    "report_author",
    "purpose",
    "recommendations",
    "alternative_options",
    *(name for name, _ in NUMBERED_SECTIONS),
)
# Opening words a conclusion may start with that read on after "The report concludes that".
RUN_ON_WORDS = frozenset(
    [
        "whilst",
        "while",
        "although",
        "though",
        "the",
        "there",
        "progress",
        "overall",
        "sufficient",
        "insufficient",
        "despite",
        "since",
        "with",
        "it",
        "this",
        "as",
        "in",
        "services",
        "children's",
    ]
)


def _run_on(text: str) -> str:
    first, _, rest = text.strip().partition(" ")
    if first.lower() in RUN_ON_WORDS:
        return f"{first.lower()} {rest}".strip()
    return text.strip()


NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]
# How the papers describe each kind of earlier review.
REVIEW_WORDS: dict[str, str] = {
    ReviewKind.CAPACITY: (
        "a review of the Council's capacity and capability to improve services within a reasonable timeframe"
    ),
}


def _months(start: datetime.date, end: datetime.date) -> int:
    return max(1, round((end - start).days / 30.44))


def _words(number: int) -> str:
    return NUMBER_WORDS[number] if 0 <= number < len(NUMBER_WORDS) else str(number)


def _field_label(name: str) -> str:
    field = CabinetPaper._meta.get_field(name)
    assert isinstance(field, models.Field)  # the paper's own fields, not relations to it
    return str(field.verbose_name)


def key_considerations(report: Report, review: Review, background: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The paragraphs a cabinet paper draws from the case, in the order of events: (text, lettered items)."""
    case = report.intervention
    authority = case.local_authority
    paragraphs: list[tuple[str, list[str]]] = []
    inspection = background["inspection"]
    if inspection is not None:
        grade = (inspection.overall_grade or "").lower()
        judged = f"judged to be {grade}" if grade else "inspected"
        published = (
            f" The inspection report was published on {inspection.published_on:%-d %B %Y} on the Ofsted website."
        )
        paragraphs.append(
            (
                f"Children's Services were {judged} during the Ofsted inspection conducted in "
                f"{inspection.fieldwork_starts_on:%B %Y}.{published}",
                [],
            )
        )
    directions = list(
        Instrument.objects.filter(
            intervention=case, kind=InstrumentKind.STATUTORY_DIRECTION, issued_on__lte=review.held_on
        )
        .issued()
        .prefetch_related("appointments__person")
        .order_by("issued_on", "pk")
    )
    earlier_reviews = list(
        Review.objects.filter(
            intervention=case,
            status=ReviewStatus.HELD,
            held_on__lt=review.held_on,
            report_published_on__isnull=False,
        ).order_by("held_on", "pk")
    )
    for index, direction in enumerate(directions):
        following = "Following the Ofsted judgement a" if inspection and index == 0 else "A"
        if direction.revokes_id:
            paragraphs.append((f"A revised Statutory Direction was issued on {direction.issued_on:%-d %B %Y}.", []))
        else:
            paragraphs.append(
                (
                    f"{following} Statutory Direction was issued to {direction.addressed_to} on "
                    f"{direction.issued_on:%-d %B %Y} in relation to children's services.",
                    [],
                )
            )
        commissioners = [a.person.name for a in direction.appointments.all() if a.role == Role.COMMISSIONER]
        if commissioners and not direction.revokes_id:
            paragraphs.append(
                (
                    "The Statutory Direction was the mechanism for the appointment of a Commissioner for Children's "
                    f"Services in {authority.name} ({', '.join(commissioners)}) and set out the Terms of Reference "
                    "to the direction.",
                    [],
                )
            )
        until = directions[index + 1].issued_on if index + 1 < len(directions) else review.held_on
        for earlier in earlier_reviews:
            if direction.issued_on <= earlier.held_on < until:
                undertook = REVIEW_WORDS.get(earlier.kind, f"a {earlier.get_kind_display().lower()}")
                paragraphs.append(
                    (
                        f"The Commissioner undertook {undertook}"
                        " and the report to the Minister was published on "
                        f"{earlier.report_published_on:%-d %B %Y} on the Department for Education website.",
                        [],
                    )
                )
                if earlier.recommendation_detail.strip():
                    paragraphs.append((earlier.recommendation_detail.strip(), []))
    appendix = " (Appendix 1)" if report.cabinet_paper.appendices.strip() else ""
    published = (
        f" This has been published on {review.report_published_on:%-d %B %Y}."
        if review.report_published_on
        else " It has not yet been published."
    )
    paragraphs.append(
        (
            f"A meeting to review progress was held on {review.held_on:%-d %B %Y}, following which the "
            f"Commissioner submitted a progress report to the Minister of State{appendix}.{published}",
            [],
        )
    )
    developments = review.key_development_list
    if developments:
        months = _months(review.period_start, review.period_end)
        paragraphs.append(
            (
                "In the progress report the Commissioner notes a number of key developments in the last "
                f"{_words(months)} month{'s' if months != 1 else ''}:",
                developments,
            )
        )
    for block in re.split(r"\n\s*\n", review.summary):
        if block.strip():
            paragraphs.append((" ".join(block.split()), []))
    if review.conclusion.strip():
        paragraphs.append((f"The report concludes that {_run_on(review.conclusion)}", []))
    next_reviews = next_review_dates(review)
    for _what, due_on, months in next_reviews:
        paragraphs.append(
            (
                f"Progress will be reviewed again, {_words(months)} months after publication of the "
                f"Commissioner's report by the Department for Education, by {due_on:%-d %B %Y}.",
                [],
            )
        )
    if not next_reviews:
        # Waiting for its event when the review was held: one recorded since had not happened.
        waiting = next(iter(obligations_waiting_as_at(background["instruments"], review.held_on)), None)
        if waiting is not None and waiting.interval:
            paragraphs.append(
                (
                    f"Progress will be reviewed again, {_words(waiting.interval)} months after publication of the "
                    "Commissioner's report by the Department for Education.",
                    [],
                )
            )
    return paragraphs


class CabinetReport(Renderer):
    kind = ReportKind.CABINET
    template = "reports/cabinet_report.html"
    short_name = "Cabinet report"
    has_own_title_block = True

    def missing(self, report: Report) -> list[str]:
        problems = review_problems(report)
        paper = getattr(report, "cabinet_paper", None)
        if paper is None:
            return [*problems, NEEDS_COUNCIL_WORDS.format(fields="every section")]
        empty = [
            _field_label(name)
            for name in REQUIRED_FIELDS
            if getattr(paper, name) is None or not str(getattr(paper, name)).strip()
        ]
        if empty:
            problems.append(NEEDS_COUNCIL_WORDS.format(fields=", ".join(empty)))
        return problems

    def author(self, report: Report) -> str:
        paper = getattr(report, "cabinet_paper", None)
        if paper and paper.report_author:
            return f"{paper.report_author}, {report.intervention.local_authority.council_name}"
        return report.intervention.local_authority.council_name

    def context(self, report: Report) -> dict[str, Any]:
        paper = report.cabinet_paper
        review = report.review
        assert review is not None  # missing() refuses a report without its review
        background = case_background(report, review)
        alternative, number = council_paragraphs(paper.alternative_options, 1)
        considerations = []
        for text, items in key_considerations(report, review, background):
            considerations.append(Paragraph(number, text, [(f"{lettered(i)}.", item) for i, item in enumerate(items)]))
            number += 1
        further, number = council_paragraphs(paper.further_considerations, number)
        sections = []
        for name, heading in NUMBERED_SECTIONS:
            paragraphs, number = council_paragraphs(getattr(paper, name), number)
            sections.append((heading, paragraphs))
        reviewers = paper.reviewers or {}
        return {
            "paper": paper,
            "review": review,
            "commissioner": overseer(report, review),
            "report_by": [line.strip() for line in paper.report_by.splitlines() if line.strip()],
            "recommendations": [
                (f"{lettered(i)})", line.strip())
                for i, line in enumerate(line for line in paper.recommendations.splitlines() if line.strip())
            ],
            "alternative_options": alternative,
            "key_considerations": considerations + further,
            "sections": sections,
            "appendices": [line.strip() for line in paper.appendices.splitlines() if line.strip()],
            "reviewers": [
                (area, (reviewers.get(area) or {}).get("name", ""), _date((reviewers.get(area) or {}).get("date")))
                for area in REVIEWER_AREAS
            ],
        }


def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None
