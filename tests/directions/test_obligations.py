"""Reporting obligations: structured cadences, refused when they make no sense, read back in plain English."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from directions.models import ReportingObligation
from tests.factories import issued_direction

pytestmark = pytest.mark.django_db


@pytest.fixture
def direction(hereford_case):
    return issued_direction(hereford_case, datetime.date(2023, 3, 1))


def obligation(direction, **fields):
    defaults = {"what": "Evidence of progress", "deliverer": "commissioner", "recipient": "minister"}
    return ReportingObligation(instrument=direction, **(defaults | fields))


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        ({"cadence": "fixed_date", "due_on": datetime.date(2017, 12, 31)}, "by 31 December 2017"),
        (
            {"cadence": "every_n_months", "interval": 3, "anchor_on": datetime.date(2023, 3, 1)},
            "every 3 months from 1 March 2023",
        ),
        (
            {"cadence": "every_n_months", "interval": 1, "anchor_on": datetime.date(2023, 3, 1)},
            "every month from 1 March 2023",
        ),
        (
            {"cadence": "every_n_weeks", "interval": 6, "anchor_on": datetime.date(2017, 9, 19)},
            "every 6 weeks from 19 September 2017",
        ),
        (
            {"cadence": "once_then_every", "first_after": 6, "interval": 6, "anchor_on": datetime.date(2017, 9, 19)},
            "6 months after 19 September 2017, then every 6 months",
        ),
        (
            {
                "cadence": "months_after_event",
                "interval": 6,
                "event": "publication of the commissioner's progress report",
            },
            "6 months after publication of the commissioner's progress report (waiting for its date)",
        ),
        (
            {
                "cadence": "months_after_event",
                "interval": 6,
                "event": "publication of the commissioner's progress report",
                "event_on": datetime.date(2023, 12, 13),
            },
            "6 months after publication of the commissioner's progress report (13 December 2023)",
        ),
        (
            {
                "cadence": "every_n_months",
                "interval": 3,
                "anchor_on": datetime.date(2023, 3, 1),
                "ends_on": datetime.date(2024, 3, 1),
            },
            "every 3 months from 1 March 2023, until 1 March 2024",
        ),
    ],
)
def test_each_cadence_reads_as_a_sentence(direction, fields, sentence):
    rule = obligation(direction, **fields)
    rule.full_clean()
    assert rule.describe() == sentence


def test_the_full_sentence_names_what_and_to_whom(direction):
    rule = obligation(
        direction,
        cadence="every_n_weeks",
        interval=6,
        anchor_on=datetime.date(2017, 9, 19),
        what="Highlight report",
        recipient="dfe_contract_manager",
    )
    assert rule.sentence == "Highlight report, to the DfE contract manager, every 6 weeks from 19 September 2017"


def test_every_zero_months_is_refused(direction):
    with pytest.raises(ValidationError) as error:
        obligation(direction, cadence="every_n_months", interval=0, anchor_on=datetime.date(2023, 3, 1)).full_clean()
    assert error.value.message_dict["interval"] == ["The interval must be at least 1"]


def test_a_cadence_missing_its_anchor_says_what_to_enter(direction):
    with pytest.raises(ValidationError) as error:
        obligation(direction, cadence="every_n_months", interval=3).full_clean()
    assert error.value.message_dict["anchor_on"] == ["Enter the date it counts from for this cadence"]


def test_fields_another_cadence_uses_are_refused(direction):
    with pytest.raises(ValidationError) as error:
        obligation(direction, cadence="fixed_date", due_on=datetime.date(2017, 12, 31), interval=3).full_clean()
    assert error.value.message_dict["interval"] == ["Leave this empty: the cadence 'By a fixed date' does not use it"]


def test_an_end_before_the_anchor_is_refused(direction):
    with pytest.raises(ValidationError) as error:
        obligation(
            direction,
            cadence="every_n_months",
            interval=3,
            anchor_on=datetime.date(2023, 3, 1),
            ends_on=datetime.date(2023, 1, 1),
        ).full_clean()
    assert error.value.message_dict["ends_on"] == ["The end date must be after the date the cadence counts from"]


def test_an_event_date_can_be_recorded_after_the_direction_is_issued(dora, direction):
    rule = obligation(direction, cadence="months_after_event", interval=6, event="publication of the report")
    rule.full_clean()
    rule.save()
    rule.event_on = datetime.date(2023, 12, 13)
    rule._history_user = dora
    rule.full_clean()
    rule.save()
    assert rule.history.latest().history_user == dora
    assert rule.history.earliest().event_on is None
