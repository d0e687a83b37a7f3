"""The commissioner's own words in a report to the Minister (`MinisterialReportWords`), as the
progress report and the quarterly written update print them, and the parts of them neither can be
signed off without.

Published commissioners' reports on children's services open with the commissioner's conclusion and
numbered recommendations to the Minister, then set out the findings by theme. Nothing here is
invented: a part the commissioner has not written is printed as not written (and is a gap that
blocks sign-off), never filled with standing words."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from reviews.models import ReportKind
from reviews.models.reports import FINDING_THEMES, MINISTER, MinisterialReportWords, Report
from reviews.reports.common import paragraphs
from reviews.reports.completeness import Gap, requires

CONCLUSION_MISSING = "The commissioner's conclusion has not been written."
RECOMMENDATIONS_MISSING = "The commissioner's recommendations to the Minister have not been written."
THEME_MISSING = "The commissioner's findings on {theme} have not been written."
NOTHING_TO_REPORT = "The commissioner has nothing to report under this heading."
NO_REVIEW_DATE = "The commissioner has not recommended a date for the next review."

WRITE_CONCLUSION = "Write the commissioner's conclusion"
WRITE_RECOMMENDATIONS = "Write at least one recommendation to the Minister"
WRITE_THEME = "Write the findings on {theme}, or mark it as nothing to report"

SUMMARY_PART = "Summary and recommendations"
FINDINGS_PART = "Findings"


@dataclass(frozen=True)
class Theme:
    key: str
    heading: str
    paragraphs: list[str]
    nothing_to_report: bool

    @property
    def is_missing(self) -> bool:
        return not self.paragraphs and not self.nothing_to_report

    @property
    def missing_words(self) -> str:
        return THEME_MISSING.format(theme=theme_words(self.heading))


def theme_words(heading: str) -> str:
    """A heading as it reads inside a sentence: "leadership and governance", "the council's capacity …"."""
    return heading[0].lower() + heading[1:]


def words_of(report: Report) -> MinisterialReportWords | None:
    """The report's words as saved now (never a cached copy), or None for a report started before
    there were any."""
    return MinisterialReportWords.objects.filter(report=report).first()


def themes(words: MinisterialReportWords | None) -> list[Theme]:
    return [
        Theme(
            key=key,
            heading=heading,
            paragraphs=paragraphs(words.findings(key)) if words else [],
            nothing_to_report=bool(words and words.nothing_to_report(key) and not words.findings(key).strip()),
        )
        for key, heading in FINDING_THEMES
    ]


def words_context(report: Report) -> dict[str, Any]:
    """What the templates' summary and findings print: the commissioner's words, each part either
    as written or with the sentence that says it has not been."""
    words = words_of(report)
    review_date: datetime.date | None = words.review_date if words else None
    return {
        "words": words,
        "addressed_to": (words.addressed_to if words else "") or MINISTER,
        "commissioner_conclusion": paragraphs(words.conclusion) if words else [],
        "recommendations": words.recommendation_list if words else [],
        "review_date": review_date,
        "themes": themes(words),
        "conclusion_missing": CONCLUSION_MISSING,
        "recommendations_missing": RECOMMENDATIONS_MISSING,
        "nothing_to_report": NOTHING_TO_REPORT,
        "no_review_date": NO_REVIEW_DATE,
    }


def words_url(report: Report, field: str = "") -> str:
    url = reverse("ministerial_words", kwargs={"pk": report.pk})
    return f"{url}#id_{field}" if field else url


def words_gaps(report: Report) -> list[Gap]:
    """Conclusion written, at least one recommendation, and each theme written or marked as nothing to report."""
    words = words_of(report)
    found = []
    if words is None or not words.conclusion.strip():
        found.append(Gap(SUMMARY_PART, WRITE_CONCLUSION, words_url(report, "conclusion")))
    if words is None or not words.recommendation_list:
        found.append(Gap(SUMMARY_PART, WRITE_RECOMMENDATIONS, words_url(report, "recommendations")))
    for theme in themes(words):
        if theme.is_missing:
            found.append(
                Gap(
                    f"{FINDINGS_PART}: {theme.heading}",
                    WRITE_THEME.format(theme=theme_words(theme.heading)),
                    words_url(report, f"findings_{theme.key}"),
                )
            )
    return found


@requires(ReportKind.PROGRESS)
def progress_report_words(report: Report) -> list[Gap]:
    return words_gaps(report)


@requires(ReportKind.MINISTERIAL_UPDATE)
def ministerial_update_words(report: Report) -> list[Gap]:
    return words_gaps(report)
