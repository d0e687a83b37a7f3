"""Month, working-day and clear-day arithmetic."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intervention.dates import add_months, add_working_days, is_working_day, latest_notice_for_clear_days

D = datetime.date


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2023, 8, 31), 6, D(2024, 2, 29)),  # a leap year
        (D(2022, 8, 31), 6, D(2023, 2, 28)),
        (D(2023, 3, 1), 3, D(2023, 6, 1)),
        (D(2023, 12, 13), 6, D(2024, 6, 13)),
        (D(2017, 9, 19), 6, D(2018, 3, 19)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2023, 1, 31), 2, D(2023, 3, 31)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),
    ],
)
def test_months_clamp_to_the_end_of_a_shorter_month(start, months, expected):
    assert add_months(start, months) == expected


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)), st.integers(min_value=0, max_value=240))
def test_adding_months_never_moves_backwards_and_keeps_the_day_where_it_can(day, months):
    result = add_months(day, months)
    assert result >= day
    assert (result.year - day.year) * 12 + result.month - day.month == months
    assert result.day == day.day or (result.day < day.day and (result + datetime.timedelta(days=1)).day == 1)


def test_weekends_christmas_good_friday_and_bank_holidays_are_not_working_days():
    assert not is_working_day(D(2022, 9, 17))  # Saturday
    assert not is_working_day(D(2022, 12, 25))  # Christmas Day (a Sunday)
    assert not is_working_day(D(2022, 12, 27))  # Christmas Day's substitute
    assert not is_working_day(D(2023, 4, 7))  # Good Friday
    assert not is_working_day(D(2022, 9, 19))  # the Queen's funeral, a one-off bank holiday
    assert not is_working_day(D(2023, 5, 8))  # the King's coronation
    assert is_working_day(D(2022, 9, 20))


def test_a_one_off_holiday_can_be_added_by_hand():
    assert is_working_day(D(2031, 6, 4))
    assert not is_working_day(D(2031, 6, 4), extra_holidays={D(2031, 6, 4)})


def test_herefordshires_action_plan_was_due_70_working_days_after_the_report():
    # Report received 12 September 2022; the cabinet paper says the action plan was due by 20 December 2022.
    assert add_working_days(D(2022, 9, 12), 70) == D(2022, 12, 20)


def test_the_event_day_is_day_zero_even_at_a_weekend():
    assert add_working_days(D(2023, 6, 3), 1) == D(2023, 6, 5)  # Saturday → Monday
    assert add_working_days(D(2023, 6, 5), 0) == D(2023, 6, 5)


def test_30_working_days_across_christmas():
    # 25, 26 December and 1 January are bank holidays: 3 + 15 + 3 + 4 + 5 = 30 on 17 January.
    assert add_working_days(D(2023, 12, 1), 30) == D(2024, 1, 17)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)), st.integers(min_value=1, max_value=80))
def test_working_days_land_on_a_working_day_and_count_exactly(day, count):
    result = add_working_days(day, count)
    assert is_working_day(result)
    between = [day + datetime.timedelta(days=n) for n in range(1, (result - day).days + 1)]
    assert sum(is_working_day(d) for d in between) == count


def test_five_clear_days_before_a_cabinet_meeting():
    # Cabinet on Thursday 21 December 2023: notice by Friday 15 December leaves 16 to 20 December clear.
    assert latest_notice_for_clear_days(D(2023, 12, 21), 5) == D(2023, 12, 15)


def test_28_clear_days_for_a_key_decision():
    assert latest_notice_for_clear_days(D(2023, 12, 21), 28) == D(2023, 11, 22)
