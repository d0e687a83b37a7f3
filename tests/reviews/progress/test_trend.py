"""One trend rule for every page and report (issue 15): a move no bigger than the indicator's tolerance
(half a percentage point for a percentage without one) is no real change, not "worsening" in one place
and "up, worse" in another."""

from decimal import Decimal

import pytest

from reviews.models import Indicator, Measurement
from reviews.reports.common import indicator_evidence
from tests.reviews.reports_support import D, direction_with_priorities

pytestmark = pytest.mark.django_db


@pytest.fixture
def direction(hereford_case):
    return direction_with_priorities(hereford_case)


def indicator_with(direction, values, *, by, tolerance=None, unit="percent") -> Indicator:
    indicator = Indicator.objects.create(
        service_priority=direction.service_priorities.get(label="i"),
        name="Agency social workers",
        unit=unit,
        direction="lower",
        target=Decimal(25),
        tolerance=tolerance,
    )
    for month, value in enumerate(values, start=5):
        Measurement.objects.create(
            indicator=indicator, period_end=D(2023, month, 28), value=Decimal(value), recorded_by=by
        )
    return indicator


def words_in_report_and_on_case_page(client, case, indicator, by) -> tuple[str, str]:
    priority = indicator.service_priority
    [evidence] = indicator_evidence([priority], D(2023, 5, 1), D(2023, 12, 31), charts=False)[priority.pk]
    client.force_login(by)
    page = " ".join(client.get(case.get_absolute_url()).text.split())
    line = page[page.index(f"{indicator.name}:") :][:80]
    return evidence.trend, line


@pytest.mark.parametrize(
    ("values", "tolerance", "report", "case_page"),
    [
        (("24.5", "24.4"), None, "No real change", "(no real change)"),
        (("24.4", "24.5"), None, "No real change", "(no real change)"),
        (("30", "24"), None, "Improving", "(down, better)"),
        (("24", "30"), None, "Worsening", "(up, worse)"),
        (("30", "29"), Decimal(2), "No real change", "(no real change)"),
        (("30", "27"), Decimal(2), "Improving", "(down, better)"),
        (("30", "30"), None, "No change", "(no change)"),
    ],
)
def test_the_report_and_the_case_page_judge_a_move_alike(
    client, alice, hereford_case, direction, values, tolerance, report, case_page
):
    indicator = indicator_with(direction, values, by=alice, tolerance=tolerance)
    in_report, on_page = words_in_report_and_on_case_page(client, hereford_case, indicator, alice)
    assert in_report == report
    assert case_page in on_page


def test_a_count_without_a_tolerance_counts_any_move(direction, alice):
    indicator = indicator_with(direction, (), by=alice, unit="count")
    assert indicator.trend(Decimal(10), Decimal(11)) == "worse"
    assert indicator.trend(Decimal(10), Decimal(9)) == "better"
