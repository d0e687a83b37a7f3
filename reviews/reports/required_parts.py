"""The parts each kind of report cannot be signed off without, as it stands today (issue 14, item 4).

Registered with `reviews.reports.completeness.requires`; imported by `reviews.reports` so the checks
exist wherever `gaps()` is called. A kind module that adds a section registers that section's check
beside it. Each gap says what to do and links to the page (and field) where it is done."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from reviews.models import CabinetPaper, Report, ReportKind
from reviews.models.reviewing import service_priorities_in_force
from reviews.reports.cabinet import REQUIRED_FIELDS, REVIEWER_AREAS
from reviews.reports.completeness import Gap, requires, written

WRITE_SUMMARY = "Write the summary: the {kind} cannot say there is no data for this period"
WRITE_RISKS = "Write the risks and other points for the period"
NO_PRIORITIES = "No service priorities were in force on {end:%-d %B %Y}: choose a period when a direction was in force"
NAME_REVIEWER = "Give the name of the report reviewer for {area}"
DATE_REVIEWER = "Give the date {area} was reviewed"
WRITE_SECTION = "Write the {section}"
GIVE_MEETING_DATE = "Give the date of the cabinet meeting"
HOLD_THE_REVIEW = "Hold the review before signing off its report"
CHOOSE_A_REVIEW = "Choose the review the report is about"
RATE_PRIORITY = "Rate and describe the progress on ({label}) {name}"
WRITE_CONCLUSION = "Write the review's conclusion"
CHOOSE_RECOMMENDATION = "Choose the review's recommendation"

# Words a section may hold that say it is still to be written: they count as empty.
_written = written


def _commentary_href(report: Report) -> str:
    return reverse("report_commentary", kwargs={"pk": report.pk}) + "#id_commentary"


def _priorities_gap(report: Report) -> list[Gap]:
    if report.period_end is None or service_priorities_in_force(report.intervention, report.period_end):
        return []
    return [
        Gap(
            "Progress against the service priorities",
            NO_PRIORITIES.format(end=report.period_end),
            reverse("intervention_detail", kwargs={"pk": report.intervention_id}),
        )
    ]


@requires(ReportKind.MINISTERIAL_UPDATE)
def update_parts(report: Report) -> list[Gap]:
    found = []
    if not _written(report.commentary):
        found.append(Gap("Summary", WRITE_SUMMARY.format(kind="written update"), _commentary_href(report)))
    return found + _priorities_gap(report)


@requires(ReportKind.HIGHLIGHT)
def highlight_parts(report: Report) -> list[Gap]:
    found = _priorities_gap(report)
    if not _written(report.commentary):
        found.append(Gap("Risks", WRITE_RISKS, _commentary_href(report)))
    return found


# The anchor of a reviewer's fields on the council's words page (reviews.forms.reports.reviewer_key).
def _reviewer_field(area: str, part: str) -> str:
    suffix = "_0" if part == "date" else ""  # a date input's first box is its day
    return f"id_reviewer_{area.lower().replace(' ', '_')}_{part}{suffix}"


@requires(ReportKind.CABINET)
def cabinet_parts(report: Report) -> list[Gap]:
    found = _review_gaps(report, rated=False)
    paper = CabinetPaper.objects.filter(report=report).first()
    words = reverse("cabinet_paper", kwargs={"pk": report.pk})
    if paper is None:
        return [*found, Gap("The council's words", WRITE_SECTION.format(section="council's words"), words)]
    for name in REQUIRED_FIELDS:
        if _written(getattr(paper, name)):
            continue
        if name == "meeting_date":
            found.append(Gap("Meeting date", GIVE_MEETING_DATE, f"{words}#id_meeting_date_0"))
            continue
        field = CabinetPaper._meta.get_field(name)
        assert isinstance(field, models.Field)  # the paper's own fields, not relations to it
        label = str(field.verbose_name)
        found.append(Gap(label.capitalize(), WRITE_SECTION.format(section=label.lower()), f"{words}#id_{name}"))
    reviewers = paper.reviewers or {}
    for area in REVIEWER_AREAS:
        entry = reviewers.get(area) or {}
        part = f"Report reviewers: {area}"
        if not _written(entry.get("name")):
            found.append(Gap(part, NAME_REVIEWER.format(area=area), f"{words}#{_reviewer_field(area, 'name')}"))
        if not _written(entry.get("date")):
            found.append(Gap(part, DATE_REVIEWER.format(area=area), f"{words}#{_reviewer_field(area, 'date')}"))
    return found


def _review_gaps(report: Report, *, rated: bool) -> list[Gap]:
    review = report.review
    if review is None:
        return [Gap("Review", CHOOSE_A_REVIEW, report.get_absolute_url())]
    page = review.get_absolute_url()
    if not review.is_held:
        return [Gap("Review", HOLD_THE_REVIEW, page)]
    if not rated:
        return []
    found = []
    for assessment in review.assessments.select_related("service_priority").order_by("position"):
        if not (assessment.rag and _written(assessment.narrative)):
            priority = assessment.service_priority
            found.append(
                Gap(
                    f"Service priority ({priority.label})",
                    RATE_PRIORITY.format(label=priority.label, name=priority.short_name),
                    reverse("review_assess", kwargs={"pk": review.pk, "assessment_pk": assessment.pk}),
                )
            )
    if not _written(review.conclusion):
        found.append(Gap("Conclusion", WRITE_CONCLUSION, reverse("review_conclusion", kwargs={"pk": review.pk})))
    if not review.recommendation:
        found.append(
            Gap("Recommendation", CHOOSE_RECOMMENDATION, reverse("review_conclusion", kwargs={"pk": review.pk}))
        )
    return found


@requires(ReportKind.PROGRESS)
def progress_parts(report: Report) -> list[Gap]:
    return _review_gaps(report, rated=True)
