"""Issue 13 items 6 and 11: the obligation's admin form shows the dates a cadence gives before it is
saved, offers every cadence the engine knows, lists the obligation's deadlines on its page, and asks
why a cadence changed, keeping the answer in its history."""

import datetime
from html import escape

import pytest

from directions.enums import Cadence, Deliverer, Recipient
from directions.services import CADENCE_CHANGE_NEEDS_REASON
from reviews.tasks import materialise_deadlines
from tests.directions.test_admin import form_values
from tests.directions.test_instrument_rows_admin import direction_with_rows, save_checked

pytestmark = pytest.mark.django_db
D = datetime.date


def test_dfe_see_the_dates_before_a_new_obligation_is_saved(client, dora, hereford_case, time_machine):
    time_machine.move_to(datetime.datetime(2024, 1, 10, 12, tzinfo=datetime.UTC))
    direction = direction_with_rows(hereford_case)
    client.force_login(dora)
    url = f"/admin/directions/reportingobligation/add/?instrument={direction.pk}"
    values = {
        "instrument": direction.pk,
        "what": "Monthly data return",
        "deliverer": Deliverer.COUNCIL,
        "recipient": Recipient.DFE,
        "cadence": Cadence.EVERY_N_MONTHS,
        "anchor_on": "2023-08-31",
        "interval": "1",
    }
    response = client.post(url, values)
    assert response.status_code == 200
    assert (
        "Check the dates this gives, then save again: 30 September 2023, 31 October 2023, 30 November 2023, "
        "31 December 2023, 31 January 2024, 29 February 2024, … and the last in the window, 30 June 2025 "
        "(22 in all)"
    ) in response.text
    assert not direction.reporting_obligations.filter(what="Monthly data return").exists()
    assert 'value="Monthly data return"' in response.text  # what was typed is kept
    save_checked(client, url, values)
    assert direction.reporting_obligations.filter(what="Monthly data return").exists()


def test_working_days_after_an_event_is_offered_and_the_page_lists_its_deadline(
    client, dora, hereford_case, time_machine
):
    time_machine.move_to(datetime.datetime(2024, 1, 10, 12, tzinfo=datetime.UTC))
    direction = direction_with_rows(hereford_case)
    client.force_login(dora)
    url = f"/admin/directions/reportingobligation/add/?instrument={direction.pk}"
    page = client.get(url).text
    assert '<option value="working_days_after_event">N working days after an event</option>' in page
    values = {
        "instrument": direction.pk,
        "what": "Response to the monitoring visit letter",
        "deliverer": Deliverer.COUNCIL,
        "recipient": Recipient.OFSTED,
        "cadence": Cadence.WORKING_DAYS_AFTER_EVENT,
        "event": "the monitoring visit letter",
        "event_on": "2023-12-20",
        "interval": "10",
    }
    response = client.post(url, values)
    # 10 working days from Wednesday 20 December 2023, skipping Christmas, Boxing Day, New Year's Day.
    assert "Check the dates this gives, then save again: 8 January 2024" in response.text
    save_checked(client, url, values)
    added = direction.reporting_obligations.get(what="Response to the monitoring visit letter")
    assert added.describe() == "10 working days after the monitoring visit letter (20 December 2023)"
    materialise_deadlines(intervention_id=hereford_case.pk)
    page = client.get(f"/admin/directions/reportingobligation/{added.pk}/change/").text
    assert "8 January 2024 (open)" in page


def test_a_cadence_change_asks_why_and_its_history_keeps_the_answer(client, dora, hereford_case, time_machine):
    time_machine.move_to(datetime.datetime(2023, 4, 1, 12, tzinfo=datetime.UTC))
    direction = direction_with_rows(hereford_case)
    obligation = direction.reporting_obligations.get()
    client.force_login(dora)
    url = f"/admin/directions/reportingobligation/{obligation.pk}/change/"
    values = form_values(client.get(url).text) | {"interval": "6"}
    response = client.post(url, values)
    assert response.status_code == 200
    assert escape(CADENCE_CHANGE_NEEDS_REASON) in response.text
    obligation.refresh_from_db()
    assert obligation.interval == 3
    save_checked(client, url, values | {"change_reason": "The direction says six-monthly, not quarterly"})
    obligation.refresh_from_db()
    assert obligation.interval == 6
    latest = obligation.history.latest()
    assert latest.history_user == dora
    assert latest.history_change_reason == ("Cadence changed (interval): The direction says six-monthly, not quarterly")


def test_changing_only_the_title_asks_neither_for_a_reason_nor_a_check(client, dora, hereford_case):
    direction = direction_with_rows(hereford_case)
    obligation = direction.reporting_obligations.get()
    client.force_login(dora)
    url = f"/admin/directions/reportingobligation/{obligation.pk}/change/"
    values = form_values(client.get(url).text) | {"what": "Quarterly written update to the Minister"}
    assert client.post(url, values).status_code == 302
