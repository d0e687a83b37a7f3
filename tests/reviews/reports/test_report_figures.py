"""The progress report's table of each priority's indicators: a column a month, four to a table."""

import datetime
from decimal import Decimal

from reviews.enums import Direction
from reviews.models import Indicator
from reviews.reports.common import Figure, IndicatorEvidence, figures_tables

D = datetime.date


def evidence(name: str, months: list[int], *, year: int = 2023) -> IndicatorEvidence:
    indicator = Indicator(name=name, target=Decimal(25), direction=Direction.LOWER_IS_BETTER)
    figures = [Figure(D(year, month, 28), Decimal(month), f"{month}%", month <= 25) for month in months]
    return IndicatorEvidence(indicator=indicator, suffix="%", figures=figures, baseline=None, chart=None)


def test_a_period_of_ten_months_takes_three_tables_of_four_months_at_most():
    tables = figures_tables([evidence("Agency social workers", list(range(1, 11)))])
    assert [[month.month for month in table.months] for table in tables] == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]
    # The targets and values before the period in the first; whether it meets the target in the last.
    assert [(table.first, table.last) for table in tables] == [(True, False), (False, False), (False, True)]


def test_a_month_an_indicator_has_no_value_for_is_an_empty_cell_not_a_shifted_row():
    agency, vacancies = evidence("Agency social workers", [1, 2, 3]), evidence("Vacancies", [1, 3])
    (table,) = figures_tables([agency, vacancies])
    assert [(item.indicator.name, [f.value if f else None for f in row]) for item, row in table.rows] == [
        ("Agency social workers", ["1%", "2%", "3%"]),
        ("Vacancies", ["1%", None, "3%"]),
    ]


def test_indicators_with_no_values_in_the_period_still_have_a_row():
    (table,) = figures_tables([evidence("Agency social workers", []), evidence("Vacancies", [])])
    assert table.months == [] and table.first and table.last
    assert [item.indicator.name for item, _ in table.rows] == ["Agency social workers", "Vacancies"]
