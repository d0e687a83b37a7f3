"""What several reports draw from the case: who holds which role, the service priorities' latest
ratings, indicator figures with their charts, instructions and deadlines in a period, and the
council's own paragraphs numbered as its cabinet papers number them. Read-only: nothing here writes."""

from __future__ import annotations

import datetime
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from directions.enums import OVERDUE_INSTRUCTION_STATUSES, InstructionStatus
from directions.models import Instruction, ServicePriority
from intervention.dates import add_months
from intervention.models import Appointment, Intervention, Person
from reviews.charts import SMALL, line_chart
from reviews.enums import DeadlineStatus, Direction, Rag, Unit
from reviews.models import Deadline, Indicator, Measurement, PlanAction, Review, ReviewStatus
from reviews.models.progress import TREND_BETTER, TREND_SAME, TREND_UNCHANGED, TREND_WORSE
from reviews.reports.as_at import (
    deadlines_as_at,
    indicators_as_at,
    instructions_as_at,
    plan_actions_as_at,
    progress_updates_as_at,
)

NO_DATA = "No data for this period."
RAG_ORDER: dict[str, int] = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


def appointed(case: Intervention, roles: Iterable[str], on: datetime.date) -> list[Person]:
    appointments = (
        Appointment.objects.filter(intervention=case, role__in=list(roles))
        .active_on(on)
        .select_related("person")
        .order_by("starts_on", "pk")
    )
    return [appointment.person for appointment in appointments]


def person_name(user: Any) -> str:
    person = Person.objects.filter(user=user).first()
    if person is not None:
        return person.name
    full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full_name or str(user)


def number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


UNIT_SUFFIXES: dict[str, str] = {Unit.PERCENT: "%", Unit.DAYS: " days"}


def unit_suffix(indicator: Indicator) -> str:
    return UNIT_SUFFIXES.get(indicator.unit, "")


def lettered(index: int) -> str:
    """a, b, … z, aa, ab, …: the letters the documents number their lists with."""
    letters = string.ascii_lowercase
    return letters[index] if index < 26 else letters[index // 26 - 1] + letters[index % 26]


# --- Ratings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rating:
    rag: str
    source: str

    @property
    def label(self) -> str:
        return Rag(self.rag).label if self.rag else "Not rated"


def latest_ratings(priorities: list[ServicePriority], on: datetime.date) -> dict[int, Rating]:
    """Each priority's rating as of the day: the latest progress update's (as it stood then), else the
    latest held review's (a held review is locked, so it stands as held)."""
    ratings: dict[int, Rating] = {}
    # As recorded by the end of the day: a rating changed since does not change what the report says.
    for update in progress_updates_as_at([priority.pk for priority in priorities], on):
        assert update.service_priority_id is not None  # filtered by priority
        if update.service_priority_id not in ratings:
            ratings[update.service_priority_id] = Rating(
                update.rag, f"Progress update to {update.period_end:%-d %B %Y}"
            )
    missing = [priority.pk for priority in priorities if priority.pk not in ratings]
    if missing:
        from reviews.models import Assessment

        assessments = (
            Assessment.objects.filter(
                service_priority__in=missing, review__status=ReviewStatus.HELD, review__held_on__lte=on
            )
            .exclude(rag="")
            .select_related("review")
            .order_by("service_priority_id", "-review__held_on", "-pk")
        )
        for assessment in assessments:
            if assessment.service_priority_id not in ratings:
                ratings[assessment.service_priority_id] = Rating(
                    assessment.rag, f"Review of {assessment.review.held_on:%-d %B %Y}"
                )
    return ratings


# --- Indicators ----------------------------------------------------------------------------------


# The indicator's one trend rule (Indicator.trend), in a report's words.
REPORT_TREND_WORDS = {
    TREND_BETTER: "Improving",
    TREND_WORSE: "Worsening",
    TREND_SAME: "No real change",
    TREND_UNCHANGED: "No change",
}


@dataclass
class Figure:
    period_end: datetime.date
    raw: Decimal
    value: str
    meets_target: bool | None


@dataclass
class IndicatorEvidence:
    indicator: Indicator
    suffix: str
    figures: list[Figure]
    baseline: Figure | None
    chart: SafeString | None
    # The figures the annex prints and charts: all of them in a period of up to ANNEX_MONTHS months;
    # in a longer one, every `every`th month ending with the latest, so the annex stays the same size.
    shown: list[Figure] | None = None
    every: int = 1

    @property
    def annex_figures(self) -> list[Figure]:
        return self.figures if self.shown is None else self.shown

    @property
    def has_data(self) -> bool:
        return bool(self.figures)

    @property
    def latest(self) -> Figure | None:
        return self.figures[-1] if self.figures else None

    @property
    def target(self) -> str:
        return f"{number(self.indicator.target)}{self.suffix}" if self.indicator.target is not None else "None set"

    @property
    def direction(self) -> str:
        return Direction(self.indicator.direction).label

    @property
    def trend(self) -> str:
        """The change over the period, in words a reader can check against the figures."""
        if not self.figures:
            return NO_DATA
        start = self.baseline or self.figures[0]
        end = self.figures[-1]
        if start is end:
            return "One value in the period"
        return REPORT_TREND_WORDS[self.indicator.trend(start.raw, end.raw)]


def _figure(indicator: Indicator, measurement: Measurement) -> Figure:
    return Figure(
        period_end=measurement.period_end,
        raw=measurement.value,
        value=f"{number(measurement.value)}{unit_suffix(indicator)}",
        meets_target=indicator.is_good(measurement.value),
    )


# The annex of a report over a long period stays the size of a short one's: its small charts and tables
# show at most this many months (two tables of four), evenly spaced and ending with the latest (issue 20).
# Laying out the figure tables is most of a long report's time (about 0.1 s a table at national scale).
# The trend, the latest value and the baseline still come from every value in the period.
ANNEX_MONTHS = 8


def annex_months(months: list[datetime.date]) -> tuple[list[datetime.date], int]:
    """At most ANNEX_MONTHS of these (sorted) months, every nth counting back from the latest, and n."""
    if len(months) <= ANNEX_MONTHS:
        return months, 1
    every = -(-len(months) // ANNEX_MONTHS)  # ceiling division
    return months[::-1][::every][::-1], every


def indicator_evidence(
    priorities: list[ServicePriority],
    start: datetime.date | None,
    end: datetime.date,
    *,
    charts: bool = True,
    chart_prefix: str = "chart",
) -> dict[int, list[IndicatorEvidence]]:
    """For each priority, its indicators' values in the period (with the last value before it as the
    baseline) and, when asked, an SVG chart of them, as they stood at the end of the period. A fixed
    number of queries, however many indicators; a fixed size, however long the period (ANNEX_MONTHS)."""
    # The indicators and their values as they stood at the end of the period (reviews.reports.as_at):
    # a value corrected since, or a target moved since, does not change the report.
    indicators = indicators_as_at([priority.pk for priority in priorities], end, since=start)
    evidence: dict[int, list[IndicatorEvidence]] = {priority.pk: [] for priority in priorities}
    for indicator, up_to_end in indicators:
        within = [m for m in up_to_end if start is None or m.period_end >= start]
        before = [m for m in up_to_end if start is not None and m.period_end < start]
        evidence[indicator.service_priority_id].append(
            IndicatorEvidence(
                indicator=indicator,
                suffix=unit_suffix(indicator),
                figures=[_figure(indicator, m) for m in within],
                baseline=_figure(indicator, before[-1]) if before else None,
                chart=None,
            )
        )
    for items in evidence.values():
        # One choice of months a priority, so its charts and its table show the same ones.
        kept, every = annex_months(sorted({f.period_end for item in items for f in item.figures}))
        keep = set(kept)
        for item in items:
            item.shown = [f for f in item.figures if f.period_end in keep]
            item.every = every
            if charts and item.shown:
                # Drawn small, to sit two to a row under the priority's table of figures: a report
                # may chart ten indicators for each of seven priorities.
                item.chart = mark_safe(  # noqa: S308 - line_chart escapes every text it draws
                    line_chart(
                        title=f"{item.indicator.name}" + (f" ({item.suffix.strip()})" if item.suffix else ""),
                        points=[(f.period_end, f.raw) for f in item.shown],
                        target=item.indicator.target,
                        unit_suffix=item.suffix,
                        chart_id=f"{chart_prefix}-{item.indicator.pk}",
                        frame=SMALL,
                    )
                )
    return evidence


@dataclass
class FiguresTable:
    """A priority's indicators' values in a period, a row an indicator and a column a month: where
    each stands and the figures its chart draws, in one table rather than one table a chart. A long
    period takes several tables (two at most, ANNEX_MONTHS): the first has the targets and the
    values before the period, the last has whether the latest value meets the target and the trend."""

    months: list[datetime.date]
    rows: list[tuple[IndicatorEvidence, list[Figure | None]]]
    first: bool
    last: bool
    # 1, or n when the period is longer than ANNEX_MONTHS and the table shows every nth month.
    every: int = 1


FIGURE_MONTHS_PER_TABLE = 4  # as many monthly columns as fit across an A4 page beside the others


def figures_tables(evidence: list[IndicatorEvidence]) -> list[FiguresTable]:
    """A priority's indicators and the values the annex shows, four months to a table."""
    months = sorted({figure.period_end for item in evidence for figure in item.annex_figures})
    by_month = [{figure.period_end: figure for figure in item.annex_figures} for item in evidence]
    every = max((item.every for item in evidence), default=1)
    pairs = list(zip(evidence, by_month, strict=True))
    chunks = [months[i : i + FIGURE_MONTHS_PER_TABLE] for i in range(0, len(months), FIGURE_MONTHS_PER_TABLE)] or [[]]
    return [
        FiguresTable(
            months=chunk,
            rows=[(item, [values.get(month) for month in chunk]) for item, values in pairs],
            first=number == 0,
            last=number == len(chunks) - 1,
            every=every,
        )
        for number, chunk in enumerate(chunks)
    ]


# --- Instructions, deadlines, plan actions --------------------------------------------------------


@dataclass
class InstructionSummary:
    issued: list[Instruction] = field(default_factory=list)
    complied: list[Instruction] = field(default_factory=list)
    overdue: list[Instruction] = field(default_factory=list)
    # Open (not complied with nor withdrawn) at the end of the period, overdue or not.
    open: list[Instruction] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.issued or self.complied or self.overdue or self.open)


OPEN_INSTRUCTION_STATUSES = (*OVERDUE_INSTRUCTION_STATUSES, InstructionStatus.SUBMITTED)


def instruction_summary(case: Intervention, start: datetime.date, end: datetime.date) -> InstructionSummary:
    """As they stood at the end of the period: issued in the period; accepted as complied in the
    period; open at its end; open and past their due date at its end."""
    summary = InstructionSummary()
    for item in instructions_as_at(case, end):
        instruction = item.instruction
        if start <= instruction.issued_on <= end:
            summary.issued.append(instruction)
        if item.complied_on and start <= item.complied_on <= end:
            summary.complied.append(instruction)
        if instruction.status in OPEN_INSTRUCTION_STATUSES:
            summary.open.append(instruction)
        if instruction.is_overdue_on(end):
            summary.overdue.append(instruction)
    return summary


@dataclass
class DeadlineSummary:
    met: list[Deadline] = field(default_factory=list)
    missed: list[Deadline] = field(default_factory=list)
    upcoming: list[Deadline] = field(default_factory=list)


def deadline_summary(
    case: Intervention, start: datetime.date, end: datetime.date, *, ahead: datetime.timedelta
) -> DeadlineSummary:
    """As they stood at the end of the period: met in the period; missed in the period (past due and
    still open, or met late); due in the `ahead` after the period."""
    # As they stood at the end of the period (reviews.reports.as_at): neither cancelled then nor from
    # before the case's record (whether those were met is not known: issue 13, item 12).
    deadlines = [deadline for deadline in deadlines_as_at(case, end) if deadline.due_on <= end + ahead]
    summary = DeadlineSummary()
    for deadline in deadlines:
        due = deadline.due_on
        if deadline.status == DeadlineStatus.MET and deadline.met_on and start <= deadline.met_on <= end:
            summary.met.append(deadline)
        if start <= due < end and (
            (deadline.status == DeadlineStatus.OPEN) or (deadline.met_on and deadline.met_on > due)
        ):
            summary.missed.append(deadline)
        if deadline.status == DeadlineStatus.OPEN and end < due:
            summary.upcoming.append(deadline)
    return summary


def off_track_actions(case: Intervention, on: datetime.date, *, limit: int = 10) -> tuple[list[PlanAction], int]:
    """The improvement plan actions off track on the day, as they stood then (rating, status, due date)."""
    actions = [action for action in plan_actions_as_at(case, on) if action.is_off_track_on(on)]
    return actions[:limit], len(actions)


def held_reviews(case: Intervention, start: datetime.date | None, end: datetime.date) -> list[Review]:
    reviews = Review.objects.filter(intervention=case, status=ReviewStatus.HELD, held_on__lte=end)
    if start is not None:
        reviews = reviews.filter(held_on__gte=start)
    return list(reviews.order_by("held_on", "pk"))


def next_review_dates(review: Review) -> list[tuple[str, datetime.date, int]]:
    """The obligations the review's publication dated: (what, due date, months after publication)."""
    from directions.enums import Cadence
    from directions.models import ReportingObligation

    if review.report_published_on is None:
        return []
    obligations = ReportingObligation.objects.filter(
        instrument__intervention=review.intervention,
        cadence=Cadence.MONTHS_AFTER_EVENT,
        event_on=review.report_published_on,
    ).order_by("pk")
    return [
        (obligation.what, add_months(review.report_published_on, obligation.interval), obligation.interval)
        for obligation in obligations
        if obligation.interval
    ]


# --- The council's paragraphs ----------------------------------------------------------------------

ITEM = re.compile(r"^\s*[-*]\s+")


@dataclass
class Paragraph:
    number: int | None  # None for an unnumbered paragraph (a quotation, a lead-in)
    text: str
    items: list[tuple[str, str]]


def council_paragraphs(text: str, first_number: int) -> tuple[list[Paragraph], int]:
    """The council's words, numbered on from `first_number` as its cabinet papers are: paragraphs are
    separated by a blank line; a paragraph that starts with ">" is not numbered; lines that start
    with "- " are its lettered items, a), b), … Returns the paragraphs and the next number."""
    paragraphs = []
    next_number = first_number
    for block in re.split(r"\n\s*\n", text.strip()):
        if not block.strip():
            continue
        lead: list[str] = []
        items: list[str] = []
        for line in block.splitlines():
            if ITEM.match(line):
                items.append(ITEM.sub("", line).strip())
            elif items:
                items[-1] += " " + line.strip()
            else:
                lead.append(line.strip())
        lead_text = " ".join(lead)
        numbered = not lead_text.startswith(">")
        paragraphs.append(
            Paragraph(
                number=next_number if numbered else None,
                text=lead_text.lstrip("> ").strip(),
                items=[(f"{lettered(i)})", item) for i, item in enumerate(items)],
            )
        )
        if numbered:
            next_number += 1
    return paragraphs, next_number


def rag_sort_key(rag: str) -> int:
    return RAG_ORDER.get(rag, -1)


def paragraphs(text: str) -> list[str]:
    """Free text as paragraphs: a blank line starts a new one."""
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]


def lettered_items(items: Iterable[str], suffix: str = ".") -> list[tuple[str, str]]:
    return [(f"{lettered(i)}{suffix}", item) for i, item in enumerate(items)]
