"""The table shortcuts write exactly what Django's own date filter and `reverse` write."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse

from intervention.paths import reverse_ids

SHORTCUTS = Template("{% load long_dates %}{{ value|long_date }}|{{ value|short_date }}")
DATE_FILTER = Template('{{ value|date:"j F Y" }}|{{ value|date:"j M Y" }}')


@pytest.mark.parametrize(
    "value",
    [
        *(datetime.date(2026, month, 3) for month in range(1, 13)),
        datetime.date(2024, 2, 29),
        # Half past eleven at night in UTC is the next day in London in summer.
        datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC),
        datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC),
        None,
        "",
    ],
)
def test_long_and_short_dates_read_as_the_date_filter_writes_them(value):
    assert SHORTCUTS.render(Context({"value": value})) == DATE_FILTER.render(Context({"value": value}))


def test_addresses_by_id_are_the_ones_reverse_gives():
    assert reverse_ids("intervention_detail", 7) == reverse("intervention_detail", kwargs={"pk": 7})
    assert reverse_ids("report_version_download", 12, 3) == reverse(
        "report_version_download", kwargs={"pk": 12, "number": 3}
    )
    assert reverse_ids("case_deadlines", 1234567890) == reverse("case_deadlines", args=[1234567890])
