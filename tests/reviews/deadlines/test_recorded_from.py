"""Cases recorded after the fact (issue 13, item 12): DfE records a case "from" a date; deadlines
before it are historical (not overdue anywhere, no reminders, their own section); a selection is
marked met with one note; the lists put what is coming up first and paginate."""

import datetime

import pytest

from reviews import services
from reviews.models import Deadline, Notification
from reviews.reports.common import deadline_summary
from tests.directions.test_admin import form_values

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def on_15_january_2024(time_machine):
    time_machine.move_to(datetime.datetime(2024, 1, 15, 12, 0, tzinfo=datetime.UTC), tick=False)


def record_from(client, case, day: str) -> None:
    """As DfE would: the case's admin page, the "recorded from" date, save."""
    url = f"/admin/intervention/intervention/{case.pk}/change/"
    values = form_values(client.get(url).text)
    values["recorded_from"] = day
    response = client.post(url, values)
    assert response.status_code == 302, response.context["adminform"].form.errors
    case.refresh_from_db()


def test_a_case_recorded_from_a_date_has_nothing_overdue_before_it(
    client, dora, alice, hereford_case, quarterly, on_15_january_2024
):
    services.materialise_deadlines(today=D(2024, 1, 15))
    client.force_login(dora)
    record_from(client, hereford_case, "1/10/2023")

    client.force_login(alice)
    page = client.get(f"/interventions/{hereford_case.pk}/deadlines/")
    assert [d.computed_on for d in page.context["overdue"]] == [D(2023, 12, 1)]
    assert [d.computed_on for d in page.context["historical"]] == [D(2023, 6, 1), D(2023, 9, 1)]
    assert "Before the record (2)" in page.text
    overview = client.get(f"/interventions/{hereford_case.pk}/")
    assert "1 overdue" in overview.text
    national = client.get("/deadlines/")
    assert [d.computed_on for d in national.context["overdue"]] == [D(2023, 12, 1)]
    assert national.context["historical"].paginator.count == 2
    history = Deadline.objects.get(obligation=quarterly, computed_on=D(2023, 6, 1)).history.latest()
    assert history.history_change_reason == (
        "Due before the case was recorded from 1 October 2023: whether it was met is not known"
    )


def test_deadlines_made_after_the_date_is_set_are_historical_from_the_start(
    client, dora, hereford_case, quarterly, on_15_january_2024
):
    client.force_login(dora)
    record_from(client, hereford_case, "15/1/2024")
    services.materialise_deadlines(today=D(2024, 1, 15))

    page = client.get(f"/interventions/{hereford_case.pk}/deadlines/")
    assert page.context["overdue"].paginator.count == 0
    assert [d.computed_on for d in page.context["historical"]] == [D(2023, 6, 1), D(2023, 9, 1), D(2023, 12, 1)]
    assert page.context["upcoming"][0].computed_on == D(2024, 3, 1)
    summary = deadline_summary(hereford_case, D(2023, 4, 1), D(2024, 1, 14), ahead=datetime.timedelta(days=90))
    assert summary.missed == []


def test_moving_the_date_earlier_makes_the_later_deadlines_due_again(
    client, dora, hereford_case, quarterly, on_15_january_2024
):
    services.materialise_deadlines(today=D(2024, 1, 15))
    client.force_login(dora)
    record_from(client, hereford_case, "15/1/2024")
    record_from(client, hereford_case, "1/10/2023")

    page = client.get(f"/interventions/{hereford_case.pk}/deadlines/")
    assert [d.computed_on for d in page.context["overdue"]] == [D(2023, 12, 1)]


def test_the_date_cannot_be_before_the_case_opened(client, dora, hereford_case):
    client.force_login(dora)
    url = f"/admin/intervention/intervention/{hereford_case.pk}/change/"
    values = {**form_values(client.get(url).text), "recorded_from": "1/1/2020"}
    response = client.post(url, values)
    assert "The date the case is recorded from must be the same as or after the opened date" in response.text


def test_a_deadline_before_the_record_sends_no_overdue_notice(hereford_case, quarterly, time_machine):
    time_machine.move_to(datetime.datetime(2023, 12, 5, 12, 0, tzinfo=datetime.UTC), tick=False)
    services.materialise_deadlines(today=D(2023, 12, 5))
    hereford_case.recorded_from = D(2023, 12, 5)
    hereford_case.save()

    services.plan_notifications(today=D(2023, 12, 5))

    assert Notification.objects.count() == 0


def test_dfe_marks_a_selection_met_with_one_note(client, dora, hereford_case, quarterly, on_15_january_2024):
    services.materialise_deadlines(today=D(2024, 1, 15))
    hereford_case.recorded_from = D(2024, 1, 1)
    hereford_case.save()
    chosen = list(Deadline.objects.filter(obligation=quarterly, computed_on__lt=D(2024, 1, 1)))
    client.force_login(dora)
    page = client.get(f"/interventions/{hereford_case.pk}/deadlines/")
    assert all(f'id="deadline-{d.pk}" name="deadlines"' in page.text for d in chosen)

    response = client.post(
        f"/interventions/{hereford_case.pk}/deadlines/met/",
        {
            "deadlines": [str(d.pk) for d in chosen],
            "met_on_0": "20",
            "met_on_1": "12",
            "met_on_2": "2023",
            "note": "Reports found in the department's files",
        },
    )

    assert response.status_code == 302
    assert "Marked 3 deadlines as met" in client.get(response["Location"]).text
    for deadline in chosen:
        deadline.refresh_from_db()
        latest = deadline.history.latest()
        assert (deadline.status, deadline.met_on, deadline.met_note, latest.history_user) == (
            "met",
            D(2023, 12, 20),
            "Reports found in the department's files",
            dora,
        )
        assert latest.history_change_reason == "Met: Reports found in the department's files"


def test_a_bulk_form_error_keeps_the_selection_and_marks_nothing(
    client, dora, hereford_case, quarterly, on_15_january_2024
):
    services.materialise_deadlines(today=D(2024, 1, 15))
    first = Deadline.objects.filter(obligation=quarterly).order_by("computed_on").first()
    client.force_login(dora)
    response = client.post(
        f"/interventions/{hereford_case.pk}/deadlines/met/",
        {"deadlines": [str(first.pk)], "met_on_0": "20", "met_on_1": "12", "met_on_2": "2023", "note": ""},
    )
    assert response.status_code == 200
    assert "Say how the deadlines were met" in response.text
    assert f'value="{first.pk}" checked' in response.text
    first.refresh_from_db()
    assert first.status == "open"
    nothing = client.post(
        f"/interventions/{hereford_case.pk}/deadlines/met/",
        {"met_on_0": "20", "met_on_1": "12", "met_on_2": "2023", "note": "Found"},
    )
    assert "Choose the deadlines that were met" in nothing.text


def test_a_council_officer_cannot_mark_deadlines_met_in_bulk(client, alice, hereford_case, quarterly):
    services.materialise_deadlines(today=D(2024, 1, 15))
    first = Deadline.objects.filter(obligation=quarterly).first()
    client.force_login(alice)
    assert 'name="deadlines"' not in client.get(f"/interventions/{hereford_case.pk}/deadlines/").text
    response = client.post(
        f"/interventions/{hereford_case.pk}/deadlines/met/",
        {"deadlines": [str(first.pk)], "met_on_0": "1", "met_on_1": "12", "met_on_2": "2023", "note": "Met"},
    )
    assert response.status_code == 403
    first.refresh_from_db()
    assert first.status == "open"


def test_the_lists_put_what_is_coming_up_first_and_paginate(client, dora, hereford_case, quarterly, on_15_january_2024):
    quarterly.interval = 1
    quarterly.save()
    services.materialise_deadlines(today=D(2024, 1, 15))
    client.force_login(dora)
    page = client.get(f"/interventions/{hereford_case.pk}/deadlines/")
    assert page.text.index("Coming up") < page.text.index("Overdue")
    assert page.context["overdue"].paginator.count == 10
    national = client.get("/deadlines/")
    assert national.text.index("Due in the next 90 days") < national.text.index("Overdue")


def test_a_case_opened_with_a_recorded_from_date_starts_its_record_there(herefordshire, dora):
    from django.core.exceptions import ValidationError

    from intervention.services import open_intervention

    case = open_intervention(
        local_authority=herefordshire, opened_on=D(2015, 4, 1), recorded_from=D(2024, 1, 1), by=dora
    )
    assert case.recorded_from == D(2024, 1, 1)
    with pytest.raises(ValidationError, match="must be the same as or after the opened date"):
        open_intervention(local_authority=herefordshire, opened_on=D(2015, 4, 1), recorded_from=D(2014, 1, 1), by=dora)


def test_a_review_held_back_then_may_meet_a_deadline_from_before_the_record(
    client, dora, hereford_case, quarterly, on_15_january_2024
):
    from reviews.services import reviewing

    services.materialise_deadlines(today=D(2024, 1, 15))
    client.force_login(dora)
    record_from(client, hereford_case, "1/10/2023")
    before = Deadline.objects.get(obligation=quarterly, computed_on=D(2023, 6, 1))

    met = reviewing.meet_deadline(deadline=before, met_on=D(2023, 6, 1), note="Quarterly review held", by=dora)
    assert met.status == "met"
    assert met.history.latest().history_user == dora


def test_the_calendar_leaves_out_deadlines_from_before_the_record(
    client, dora, hereford_case, quarterly, on_15_january_2024
):
    from reviews.calendar import feed_for

    services.materialise_deadlines(today=D(2024, 1, 15))
    client.force_login(dora)
    record_from(client, hereford_case, "1/10/2023")

    feed = feed_for(dora, start=D(2023, 1, 1)).decode()
    assert "20231201" in feed
    assert "20230601" not in feed and "20230901" not in feed
