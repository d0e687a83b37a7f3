"""A progress report over a long period (issue 20, item 8): its annex shows at most eight months,
evenly spaced and ending with the latest, so its size does not grow with the period; the trend and the
latest value still come from every value."""

import datetime
import io
import re
from decimal import Decimal

import pypdf
import pytest

from reviews.models import Indicator, Measurement, ReportVersion
from reviews.reports import renderer_for
from reviews.reports.common import ANNEX_MONTHS, annex_months
from reviews.services import reports
from tests.reviews.reports_support import D, direction_with_priorities, held_review

pytestmark = pytest.mark.django_db

END = D(2024, 12, 31)


def month_ends(first: datetime.date, count: int) -> list[datetime.date]:
    ends = []
    year, month = first.year, first.month
    for _ in range(count):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        ends.append(D(year, month, 1) - datetime.timedelta(days=1))
    return ends


def test_a_year_or_less_keeps_every_month():
    months = month_ends(D(2024, 1, 1), ANNEX_MONTHS)
    assert annex_months(months) == (months, 1)


def test_a_year_keeps_every_second_month_ending_with_the_latest():
    kept, every = annex_months(month_ends(D(2024, 1, 1), 12))
    assert (every, kept) == (2, month_ends(D(2024, 1, 1), 12)[1::2])


def test_two_years_keep_every_third_month_ending_with_the_latest():
    kept, every = annex_months(month_ends(D(2023, 1, 1), 24))
    assert (len(kept), every, kept[0], kept[-1]) == (8, 3, D(2023, 3, 31), D(2024, 12, 31))


def test_ten_years_keep_at_most_the_annex_months():
    kept, every = annex_months(month_ends(D(2015, 1, 1), 120))
    assert (len(kept), every, kept[-1]) == (ANNEX_MONTHS, 15, D(2024, 12, 31))


@pytest.fixture
def monthly_values(charlie, hereford_case):
    """Four years of monthly values for two indicators of each of the case's two priorities."""
    direction = direction_with_priorities(hereford_case)
    for priority in direction.service_priorities.all():
        for name in ("Agency social workers", "Caseloads over 20"):
            indicator = Indicator.objects.create(
                service_priority=priority, name=name, unit="percent", direction="lower", target=Decimal(25)
            )
            Measurement.objects.bulk_create(
                Measurement(indicator=indicator, period_end=end, value=Decimal(60 - n % 30), recorded_by=charlie)
                for n, end in enumerate(month_ends(D(2021, 1, 1), 48))
            )
    return direction


def progress_report(case, review, *, by, months: int):
    start = D(END.year - months // 12 + 1, 1, 1)
    return reports.create_report(
        intervention=case, kind="progress", review=review, period_start=start, period_end=END, by=by
    )


def annex(body: str) -> str:
    return body[body.index("Annex: the data") :]


def test_the_annex_of_four_years_is_the_size_of_the_annex_of_two(charlie, hereford_case, monthly_values):
    review = held_review(hereford_case, by=charlie, held_on=D(2025, 1, 20), period=(D(2024, 1, 1), END))
    renderer = renderer_for("progress")
    one_year, two_years, four_years = (
        annex(renderer.render_body(progress_report(hereford_case, review, by=charlie, months=months)))
        for months in (12, 24, 48)
    )

    tables = re.compile(r'<table class="govuk-table app-report-figures[ "]')
    assert len(tables.findall(four_years)) == len(tables.findall(two_years)) == 2 * 2  # two priorities
    assert four_years.count("<svg") == two_years.count("<svg") == 4
    assert four_years.count("<circle") == two_years.count("<circle") == 4 * ANNEX_MONTHS
    assert abs(len(four_years) - len(two_years)) < 0.02 * len(two_years)
    assert "show one month in every 6, ending with the latest" in four_years
    assert "show one month in every 2, ending with the latest" in one_year


def test_a_four_year_report_takes_the_pages_of_a_two_year_report(charlie, hereford_case, monthly_values):
    review = held_review(hereford_case, by=charlie, held_on=D(2025, 1, 20), period=(D(2024, 1, 1), END))
    renderer = renderer_for("progress")
    pages = []
    for months in (24, 48):
        report = progress_report(hereford_case, review, by=charlie, months=months)
        version = ReportVersion(report=report, number=1, body_html=renderer.render_body(report))
        _, content_type, pdf = renderer.render(report, version)
        assert content_type == "application/pdf"
        pages.append(len(pypdf.PdfReader(io.BytesIO(pdf)).pages))
    assert pages[1] == pages[0]
