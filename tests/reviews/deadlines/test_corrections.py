"""Issue 13 items 9 and 10: a correction reaches the past, with a record, and a date a person set by
hand is kept but flagged on the case's deadlines page when the rule changes."""

import datetime
from html import escape

import pytest
from django.urls import reverse

from directions.enums import Cadence, Deliverer, Recipient
from directions.models import ReportingObligation
from reviews import services
from reviews.models import Deadline
from reviews.tasks import materialise_deadlines
from tests.directions.test_admin import form_values
from tests.directions.test_instrument_rows_admin import direction_with_rows, save_checked

pytestmark = pytest.mark.django_db
D = datetime.date


def review_after_publication(direction) -> ReportingObligation:
    obligation = ReportingObligation(
        instrument=direction,
        what="Review after the commissioner's report",
        deliverer=Deliverer.COMMISSIONER,
        recipient=Recipient.MINISTER,
        cadence=Cadence.MONTHS_AFTER_EVENT,
        event="publication of the commissioner's report",
        event_on=D(2023, 4, 20),
        interval=6,
    )
    obligation.full_clean()
    obligation.save()
    return obligation


def test_correcting_an_event_date_moves_the_past_and_the_case_page_shows_why(client, dora, hereford_case, time_machine):
    time_machine.move_to(datetime.datetime(2024, 2, 1, 12, tzinfo=datetime.UTC))
    direction = direction_with_rows(hereford_case)
    obligation = review_after_publication(direction)
    materialise_deadlines(intervention_id=hereford_case.pk)
    assert Deadline.objects.get(obligation=obligation).computed_on == D(2023, 10, 20)  # overdue, and wrong
    client.force_login(dora)
    url = f"/admin/directions/reportingobligation/{obligation.pk}/change/"
    values = form_values(client.get(url).text) | {
        "event_on": "2023-05-04",
        "change_reason": "The report was published on 4 May 2023, not 20 April",
    }
    save_checked(client, url, values)
    materialise_deadlines(intervention_id=hereford_case.pk)  # what the worker does after the save
    old = Deadline.objects.get(obligation=obligation, computed_on=D(2023, 10, 20))
    new = Deadline.objects.get(obligation=obligation, computed_on=D(2023, 11, 4))
    assert (old.status, new.status) == ("cancelled", "open")
    assert old.cancelled_reason == "The rule's date was corrected from 20 October 2023 to 4 November 2023"
    assert obligation.history.latest().history_change_reason == (
        "Cadence changed (event_on): The report was published on 4 May 2023, not 20 April"
    )
    page = client.get(reverse("case_deadlines", args=[hereford_case.pk])).text
    assert escape(old.cancelled_reason) in page
    assert "4 November 2023" in page


def test_a_date_moved_by_hand_is_kept_and_flagged_when_the_rule_changes(client, dora, hereford_case, time_machine):
    time_machine.move_to(datetime.datetime(2023, 4, 1, 12, tzinfo=datetime.UTC))
    direction = direction_with_rows(hereford_case)
    quarterly = direction.reporting_obligations.get()
    materialise_deadlines(intervention_id=hereford_case.pk)
    deadline = Deadline.objects.get(obligation=quarterly, computed_on=D(2023, 6, 1))
    services.override_deadline_date(deadline=deadline, due_on=D(2023, 3, 5), reason="Agreed early", by=dora)
    quarterly.anchor_on = D(2023, 2, 28)
    quarterly.save()
    materialise_deadlines(intervention_id=hereford_case.pk)
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.computed_on) == (D(2023, 3, 5), D(2023, 5, 28))
    client.force_login(dora)
    page = client.get(reverse("case_deadlines", args=[hereford_case.pk])).text
    assert "The rule now gives 28 May 2023; this date was set by hand to 5 March 2023" in page
    # Choosing a date again confirms it, and the flag goes.
    services.override_deadline_date(deadline=deadline, due_on=D(2023, 5, 28), reason="Rule's date", by=dora)
    deadline.refresh_from_db()
    assert deadline.rule_note == ""
