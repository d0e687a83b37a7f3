"""The rule engine on its own: cadences in, due dates out."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from directions.schedule import Rule, RuleError, due_dates

D = datetime.date
WINDOW = (D(2017, 1, 1), D(2026, 12, 31))


def test_herefordshires_evidence_reviews_every_three_months_from_1_march_2023():
    rule = Rule(cadence="every_n_months", anchor_on=D(2023, 3, 1), interval=3)
    assert due_dates(rule, D(2023, 1, 1), D(2024, 3, 31)) == [
        D(2023, 6, 1),
        D(2023, 9, 1),
        D(2023, 12, 1),
        D(2024, 3, 1),
    ]


def test_the_review_six_months_after_the_commissioners_report_is_published():
    waiting = Rule(cadence="months_after_event", interval=6)
    assert waiting.waiting_for_event
    assert due_dates(waiting, *WINDOW) == []
    published = Rule(cadence="months_after_event", interval=6, event_on=D(2023, 12, 13))
    assert due_dates(published, *WINDOW) == [D(2024, 6, 13)]


def test_worcestershires_formal_review_within_six_months_then_six_monthly():
    rule = Rule(cadence="once_then_every", anchor_on=D(2017, 9, 19), first_after=6, interval=6)
    assert due_dates(rule, D(2017, 9, 19), D(2019, 9, 30)) == [
        D(2018, 3, 19),
        D(2018, 9, 19),
        D(2019, 3, 19),
        D(2019, 9, 19),
    ]


def test_six_weekly_highlight_reports():
    rule = Rule(cadence="every_n_weeks", anchor_on=D(2017, 9, 19), interval=6)
    assert due_dates(rule, D(2017, 9, 19), D(2018, 1, 31))[:3] == [D(2017, 10, 31), D(2017, 12, 12), D(2018, 1, 23)]


def test_a_fixed_date_inside_and_outside_the_window():
    rule = Rule(cadence="fixed_date", due_on=D(2017, 12, 31))
    assert due_dates(rule, D(2017, 1, 1), D(2017, 12, 31)) == [D(2017, 12, 31)]
    assert due_dates(rule, D(2018, 1, 1), D(2018, 12, 31)) == []


def test_month_ends_do_not_drift():
    rule = Rule(cadence="every_n_months", anchor_on=D(2023, 1, 31), interval=1)
    assert due_dates(rule, D(2023, 1, 1), D(2023, 5, 31)) == [
        D(2023, 2, 28),
        D(2023, 3, 31),
        D(2023, 4, 30),
        D(2023, 5, 31),
    ]


def test_nothing_after_the_rules_end():
    rule = Rule(cadence="every_n_months", anchor_on=D(2023, 3, 1), interval=3, ends_on=D(2023, 10, 1))
    assert due_dates(rule, *WINDOW) == [D(2023, 6, 1), D(2023, 9, 1)]


def test_ofsteds_70_working_days_from_the_report():
    rule = Rule(cadence="working_days_after_event", interval=70, event_on=D(2022, 9, 12))
    assert due_dates(rule, *WINDOW) == [D(2022, 12, 20)]


@pytest.mark.parametrize(
    "rule",
    [
        Rule(cadence="every_n_months", anchor_on=D(2023, 3, 1), interval=0),
        Rule(cadence="every_n_months", interval=3),
        Rule(cadence="once_then_every", anchor_on=D(2023, 3, 1), interval=6, first_after=0),
        Rule(cadence="fixed_date"),
        Rule(cadence="fortnightly-ish"),
    ],
)
def test_a_cadence_that_makes_no_sense_is_an_error_not_a_loop(rule):
    with pytest.raises(RuleError):
        due_dates(rule, *WINDOW)


repeating = st.builds(
    Rule,
    cadence=st.sampled_from(["every_n_months", "every_n_weeks", "once_then_every"]),
    anchor_on=st.dates(min_value=D(2010, 1, 1), max_value=D(2030, 12, 31)),
    interval=st.integers(min_value=1, max_value=24),
    first_after=st.integers(min_value=1, max_value=24),
    ends_on=st.none() | st.dates(min_value=D(2010, 1, 1), max_value=D(2035, 12, 31)),
)
windows = st.tuples(
    st.dates(min_value=D(2005, 1, 1), max_value=D(2035, 12, 31)), st.integers(min_value=0, max_value=2000)
)


@given(repeating, windows)
def test_due_dates_are_ordered_unique_and_inside_the_window(rule, window):
    start, length = window
    end = start + datetime.timedelta(days=length)
    dates = due_dates(rule, start, end)
    assert dates == sorted(set(dates))
    assert all(start <= day <= end for day in dates)
    assert all(day > rule.anchor_on for day in dates)
    if rule.ends_on:
        assert all(day <= rule.ends_on for day in dates)


@given(repeating, windows)
def test_splitting_the_window_loses_and_duplicates_nothing(rule, window):
    start, length = window
    end = start + datetime.timedelta(days=length)
    middle = start + datetime.timedelta(days=length // 2)
    whole = due_dates(rule, start, end)
    assert due_dates(rule, start, middle) + due_dates(rule, middle + datetime.timedelta(days=1), end) == whole
