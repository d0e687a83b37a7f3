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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.html import conditional_escape, format_html

from directions.enums import InstrumentKind
from directions.models import Instrument
from intervention.enums import Role
from reviews.models import (
    CabinetPaper,
    CouncilSections,
    Report,
    ReportKind,
    ReportVersion,
    Review,
    ReviewKind,
    ReviewStatus,
    VersionStatus,
)
from reviews.reports.as_at import obligations_waiting_as_at
from reviews.reports.base import Renderer
from reviews.reports.common import Paragraph, council_paragraphs, lettered, next_review_dates
from reviews.reports.completeness import Gap, requires, written
from reviews.reports.progress import case_background, overseer, review_problems

NEEDS_COUNCIL_WORDS = "Fill in the council's words before generating the cabinet report: {fields}"
# Said in the paper, in place of the sentence that would otherwise claim a report was submitted.
NO_PROGRESS_REPORT = (
    "No progress report to the Minister of State from this meeting is attached to this paper as Appendix 1: "
    "none has been signed off in this service, and no published copy has been uploaded."
)
TO_BE_COMPLETED = "To be completed."
# A paragraph of a council's standing section that the service writes for each paper: the sentence about
# the paper's review meeting and its Appendix 1 (`review_meeting_sentence`). Words kept for every paper
# cannot truly say "(Appendix 1)" or give a meeting's date.
REVIEW_MEETING = "[review meeting]"
GAP_SECTION = "Write the council's {section}: it is printed in each of the council's cabinet reports"
GAP_APPENDIX = (
    "Attach the published progress report as Appendix 1, or have the commissioner sign off the progress "
    "report on this review"
)
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
# The sections each council writes once (CouncilSections) and every one of its papers prints.
COUNCIL_SECTIONS = ("resource_implications", "legal_implications")
REQUIRED_FIELDS = (
    "meeting_date",
    "report_by",
    "report_author",
    "purpose",
    "recommendations",
    "alternative_options",
    *(name for name, _ in NUMBERED_SECTIONS if name not in COUNCIL_SECTIONS),
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


def _link(text: str, url: str) -> str:
    """A live link in the PDF and the HTML version where the paper has the address; else the words."""
    return format_html('<a href="{}">{}</a>', url, text) if url else conditional_escape(text)


def key_considerations(
    report: Report, review: Review, background: dict[str, Any], appendix: Appendix | None
) -> list[tuple[str, list[str]]]:
    """The paragraphs a cabinet paper draws from the case, in the order of events: (text, lettered items).
    Every sentence that states a fact is written only when the case records that fact; where a fact
    the paper needs is missing, the paragraph says what is missing. Text with a link is built with
    format_html, so every recorded word in it is still escaped."""
    case = report.intervention
    authority = case.local_authority
    paper = report.cabinet_paper
    paragraphs: list[tuple[str, list[str]]] = []
    inspection = background["inspection"]
    if inspection is not None:
        grade = (inspection.overall_grade or "").lower()
        judged = f"judged to be {grade}" if grade else "inspected"
        sentence = (
            f"Children's Services were {judged} during the Ofsted inspection conducted in "
            f"{inspection.fieldwork_starts_on:%B %Y}."
        )
        if inspection.published_on:
            paragraphs.append(
                (
                    format_html(
                        "{} The inspection report was published on {} on the Ofsted {}.",
                        sentence,
                        f"{inspection.published_on:%-d %B %Y}",
                        _link("website", paper.ofsted_report_url),
                    ),
                    [],
                )
            )
        else:
            paragraphs.append((sentence, []))
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
            paragraphs.append(
                (
                    format_html(
                        "A {} was issued on {}.",
                        _link("revised Statutory Direction", paper.revised_direction_url),
                        f"{direction.issued_on:%-d %B %Y}",
                    ),
                    [],
                )
            )
        else:
            paragraphs.append(
                (
                    format_html(
                        "{} {} was issued to {} on {} in relation to children's services.",
                        following,
                        _link("Statutory Direction", paper.direction_url),
                        direction.addressed_to,
                        f"{direction.issued_on:%-d %B %Y}",
                    ),
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
    meeting = review_meeting_sentence(review, appendix)
    published: str
    if review.report_published_on:
        title = appendix.title if appendix is not None else ""
        published = format_html(
            " {} published on {}",
            "This has been" if appendix is not None else "The Commissioner's report from the meeting was",
            f"{review.report_published_on:%-d %B %Y}",
        )
        if title or paper.published_report_url:
            published = format_html(
                "{} - {}.", published, _link(title or "the published report", paper.published_report_url)
            )
        else:
            published = format_html("{}.", published)
    else:
        published = " It has not yet been published." if appendix is not None else ""
    paragraphs.append((format_html("{}{}", meeting, published), []))
    in_the_report = appendix is not None
    developments = review.key_development_list
    if developments:
        months = _months(review.period_start, review.period_end)
        paragraphs.append(
            (
                (
                    "In the progress report the Commissioner notes a number of key developments in the last "
                    if in_the_report
                    else "The review meeting noted a number of key developments in the last "
                )
                + f"{_words(months)} month{'s' if months != 1 else ''}:",
                developments,
            )
        )
    for block in re.split(r"\n\s*\n", review.summary):
        if block.strip():
            paragraphs.append((" ".join(block.split()), []))
    if review.conclusion.strip():
        concludes = "The report concludes that" if in_the_report else "The review concluded that"
        paragraphs.append((f"{concludes} {_run_on(review.conclusion)}", []))
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


@dataclass(frozen=True)
class Appendix:
    """The published report a cabinet paper presents, merged into its PDF as Appendix 1."""

    title: str
    content: Callable[[], bytes]


def _read(file: Any) -> bytes:
    with file.open("rb") as handle:
        return bytes(handle.read())


def review_meeting_sentence(review: Review, appendix: Appendix | None) -> str:
    """What the paper's review meeting led to, from the data: "… following which the Commissioner
    submitted a progress report to the Minister of State (Appendix 1)." only when there is an Appendix 1."""
    held = f"A meeting to review progress was held on {review.held_on:%-d %B %Y}"
    if appendix is not None:
        submitted = "following which the Commissioner submitted a progress report to the Minister of State"
        return f"{held}, {submitted} (Appendix 1)."
    return f"{held}. {NO_PROGRESS_REPORT}"


def standing_paragraphs(
    text: str, first_number: int, review: Review, appendix: Appendix | None
) -> tuple[list[Paragraph], int]:
    """A council's standing section, numbered on: a paragraph that is just REVIEW_MEETING is the
    sentence about this paper's review meeting and its Appendix 1, written from the data, so words
    kept for every paper never speak of an appendix a paper does not have."""
    paragraphs, number = council_paragraphs(text, first_number)
    return [
        Paragraph(paragraph.number, review_meeting_sentence(review, appendix), [])
        if paragraph.text == REVIEW_MEETING and not paragraph.items
        else paragraph
        for paragraph in paragraphs
    ], number


def appendix_for(report: Report) -> Appendix | None:
    """The signed-off progress report to the Minister on the same review, or else the published report
    the council uploaded; None when there is neither."""
    if report.review_id is not None:
        signed = (
            ReportVersion.objects.filter(
                report__intervention=report.intervention_id,
                report__kind=ReportKind.PROGRESS,
                report__review=report.review_id,
                is_final=True,
                status=VersionStatus.READY,
            )
            .exclude(file="")
            .select_related("report")
            .order_by("-signed_off_on", "-pk")
            .first()
        )
        if signed is not None:
            return Appendix(title=signed.report.title, content=lambda: _read(signed.file))
    paper = getattr(report, "cabinet_paper", None)
    if paper is not None and paper.published_report:
        lines = [line.strip() for line in paper.appendices.splitlines() if line.strip()]
        title = lines[0].split(" - ", 1)[-1] if lines else "Published report"
        return Appendix(title=title, content=lambda: _read(paper.published_report))
    return None


def council_sections_of(report: Report) -> CouncilSections | None:
    return CouncilSections.objects.filter(local_authority=report.intervention.local_authority_id).first()


@requires(ReportKind.CABINET)
def council_sections_written(report: Report) -> list[Gap]:
    sections = council_sections_of(report)
    href = reverse("cabinet_paper", kwargs={"pk": report.pk})
    return [
        Gap(heading, GAP_SECTION.format(section=heading.lower()), f"{href}#id_{name}")
        for name, heading in NUMBERED_SECTIONS
        if name in COUNCIL_SECTIONS and not (sections and written(getattr(sections, name)))
    ]


@requires(ReportKind.CABINET)
def appendix_attached(report: Report) -> list[Gap]:
    if appendix_for(report) is not None:
        return []
    href = reverse("cabinet_paper", kwargs={"pk": report.pk})
    return [Gap("Appendices", GAP_APPENDIX, f"{href}#id_published_report")]


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

    def dated(self, report: Report) -> datetime.date | None:
        paper = getattr(report, "cabinet_paper", None)
        return (paper.meeting_date if paper else None) or super().dated(report)

    def appendices(self, report: Report) -> list[tuple[str, bytes]]:
        appendix = appendix_for(report)
        return [] if appendix is None else [(f"Appendix 1 - {appendix.title}", appendix.content())]

    def context(self, report: Report) -> dict[str, Any]:
        paper = report.cabinet_paper
        review = report.review
        assert review is not None  # missing() refuses a report without its review
        background = case_background(report, review)
        standing = council_sections_of(report)
        appendix = appendix_for(report)
        alternative, number = council_paragraphs(paper.alternative_options, 1)
        considerations = []
        for text, items in key_considerations(report, review, background, appendix):
            considerations.append(Paragraph(number, text, [(f"{lettered(i)}.", item) for i, item in enumerate(items)]))
            number += 1
        further, number = council_paragraphs(paper.further_considerations, number)
        sections = []
        for name, heading in NUMBERED_SECTIONS:
            words = (getattr(standing, name) if standing else "") if name in COUNCIL_SECTIONS else getattr(paper, name)
            if name in COUNCIL_SECTIONS and not words.strip():
                sections.append((heading, [Paragraph(None, TO_BE_COMPLETED, [])]))
                continue
            if name in COUNCIL_SECTIONS:
                paragraphs, number = standing_paragraphs(words, number, review, appendix)
            else:
                paragraphs, number = council_paragraphs(words, number)
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
