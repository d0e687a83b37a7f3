"""Issue 13 item 5: "the first by a date, then every N months from it". The anchor can itself be a due
date, and month ends are clamped from the anchor each time, never from the previous date."""

import datetime

import pytest

from directions.cadence import ANCHOR_IS_DUE_NOT_FOR_CADENCE
from directions.enums import Cadence, Deliverer, Recipient
from directions.models import ReportingObligation
from directions.schedule import Rule, due_dates
from reviews.models import Deadline
from reviews.tasks import materialise_deadlines
from tests.directions.test_instrument_rows_admin import direction_with_rows, save_checked

pytestmark = pytest.mark.django_db
D = datetime.date


def test_first_by_the_31st_then_quarterly_keeps_the_first_date_and_clamps_from_the_anchor():
    rule = Rule(cadence="every_n_months", anchor_on=D(2023, 12, 31), interval=3, anchor_is_due=True)
    assert due_dates(rule, D(2023, 1, 1), D(2024, 12, 31)) == [
        D(2023, 12, 31),
        D(2024, 3, 31),
        D(2024, 6, 30),
        D(2024, 9, 30),
        D(2024, 12, 31),  # from the anchor, not 30 September + 3 months
    ]


def test_without_the_box_the_anchor_is_only_where_counting_starts():
    rule = Rule(cadence="every_n_weeks", anchor_on=D(2024, 1, 1), interval=6)
    assert due_dates(rule, D(2024, 1, 1), D(2024, 3, 1))[0] == D(2024, 2, 12)


def test_dfe_add_first_by_31_december_then_quarterly_in_the_admin(client, dora, hereford_case, time_machine):
    time_machine.move_to(datetime.datetime(2024, 1, 10, 12, tzinfo=datetime.UTC))
    direction = direction_with_rows(hereford_case)
    client.force_login(dora)
    url = f"/admin/directions/reportingobligation/add/?instrument={direction.pk}"
    values = {
        "instrument": direction.pk,
        "what": "Progress report to the Minister",
        "deliverer": Deliverer.COMMISSIONER,
        "recipient": Recipient.MINISTER,
        "cadence": Cadence.EVERY_N_MONTHS,
        "anchor_on": "2023-12-31",
        "anchor_is_due": "on",
        "interval": "3",
    }
    save_checked(client, url, values)
    added = direction.reporting_obligations.get(what="Progress report to the Minister")
    assert added.describe() == "by 31 December 2023, then every 3 months from it"
    materialise_deadlines(intervention_id=hereford_case.pk)
    dates = list(Deadline.objects.filter(obligation=added).values_list("computed_on", flat=True)[:3])
    assert dates == [D(2023, 12, 31), D(2024, 3, 31), D(2024, 6, 30)]


def test_the_box_is_refused_for_a_cadence_that_cannot_use_it(hereford_case):
    direction = direction_with_rows(hereford_case)
    obligation = ReportingObligation(
        instrument=direction,
        what="Action plan",
        deliverer=Deliverer.COUNCIL,
        recipient=Recipient.DFE,
        cadence=Cadence.FIXED_DATE,
        due_on=D(2024, 1, 1),
        anchor_is_due=True,
    )
    with pytest.raises(Exception) as refused:
        obligation.full_clean()
    assert refused.value.message_dict["anchor_is_due"] == [ANCHOR_IS_DUE_NOT_FOR_CADENCE]
