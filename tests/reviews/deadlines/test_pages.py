"""The deadline pages, the forms to mark one met or move it, and the calendar feed."""

import datetime
import hashlib
import re
import secrets

import pytest
from icalendar import Calendar

from reviews import calendar, services
from reviews.models import CalendarFeed, Deadline

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def deadlines(quarterly, time_machine):
    time_machine.move_to(datetime.datetime(2024, 1, 15, 12, 0, tzinfo=datetime.UTC), tick=False)
    services.materialise_deadlines(today=D(2024, 1, 15))
    return Deadline.objects.filter(obligation=quarterly)


def test_a_case_shows_overdue_and_upcoming_deadlines(client, alice, hereford_case, deadlines):
    client.force_login(alice)
    response = client.get(f"/interventions/{hereford_case.pk}/deadlines/")
    assert [d.computed_on for d in response.context["overdue"]] == [D(2023, 6, 1), D(2023, 9, 1), D(2023, 12, 1)]
    assert response.context["upcoming"][0].computed_on == D(2024, 3, 1)
    assert "Mark as met" not in response.text  # council officers do not mark deadlines met


def test_the_commissioner_marks_a_deadline_met(client, charlie, hereford_case, deadlines):
    deadline = deadlines.get(computed_on=D(2023, 12, 1))
    client.force_login(charlie)
    response = client.post(
        f"/deadlines/{deadline.pk}/met/",
        {"met_on_0": "1", "met_on_1": "12", "met_on_2": "2023", "note": "Quarterly evidence review held"},
    )
    assert response.status_code == 302
    deadline.refresh_from_db()
    assert (deadline.status, deadline.met_on, deadline.history.latest().history_user) == (
        "met",
        D(2023, 12, 1),
        charlie,
    )


def test_a_form_error_keeps_what_was_typed(client, charlie, deadlines):
    deadline = deadlines.first()
    client.force_login(charlie)
    response = client.post(
        f"/deadlines/{deadline.pk}/met/", {"met_on_0": "1", "met_on_1": "12", "met_on_2": "2030", "note": "Held early"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "The date it was met must be today or in the past" in response.text
    assert "Held early" in response.text and 'value="2030"' in response.text
    deadline.refresh_from_db()
    assert deadline.status == "open"


def test_changing_a_date_needs_a_reason(client, dora, deadlines):
    deadline = deadlines.get(computed_on=D(2024, 3, 1))
    client.force_login(dora)
    response = client.post(
        f"/deadlines/{deadline.pk}/date/", {"due_on_0": "8", "due_on_1": "3", "due_on_2": "2024", "reason": ""}
    )
    assert "Say why the date is changing" in response.text
    client.post(
        f"/deadlines/{deadline.pk}/date/",
        {"due_on_0": "8", "due_on_1": "3", "due_on_2": "2024", "reason": "Minister's diary"},
    )
    deadline.refresh_from_db()
    assert (deadline.computed_on, deadline.due_on) == (D(2024, 3, 1), D(2024, 3, 8))
    page = client.get(f"/interventions/{deadline.intervention_id}/deadlines/").text
    assert "Moved from 1 March 2024: Minister&#x27;s diary" in page


@pytest.mark.parametrize("url", ["/deadlines/{pk}/met/", "/deadlines/{pk}/date/"])
def test_a_council_officer_cannot_change_deadlines(client, alice, deadlines, url):
    client.force_login(alice)
    assert client.get(url.format(pk=deadlines.first().pk)).status_code == 403


@pytest.mark.parametrize("url", ["/interventions/{case}/deadlines/", "/deadlines/{pk}/met/", "/deadlines/{pk}/date/"])
def test_another_councils_officer_gets_not_found(client, bob, hereford_case, deadlines, url):
    client.force_login(bob)
    assert client.get(url.format(case=hereford_case.pk, pk=deadlines.first().pk)).status_code == 404


def test_dfe_sees_every_cases_next_90_days_and_everything_overdue(client, dora, deadlines, worcester_case):
    client.force_login(dora)
    response = client.get("/deadlines/")
    assert [d.computed_on for d in response.context["upcoming"]] == [D(2024, 3, 1)]
    assert len(response.context["overdue"]) == 3
    filtered = client.get("/deadlines/", {"authority": str(worcester_case.local_authority_id)})
    assert filtered.context["overdue"].paginator.count == 0


def test_the_overview_runs_the_same_queries_for_more_deadlines(
    client, dora, deadlines, quarterly, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(dora)
    client.get("/deadlines/")
    with CaptureQueriesContext(connection) as small:
        client.get("/deadlines/")
    quarterly.interval = 1
    quarterly.save()
    services.materialise_deadlines(today=D(2024, 1, 15))
    with CaptureQueriesContext(connection) as large:
        client.get("/deadlines/")
    assert len(large.captured_queries) == len(small.captured_queries)


def make_address(client) -> str:
    """Make the signed-in person's calendar address on their calendar page, as they would; returns its path."""
    response = client.post("/calendar/rotate/", follow=True)
    match = re.search(r'<code class="app-feed-url">http://testserver(/calendar/[^<]+\.ics)</code>', response.text)
    assert match, response.text
    return match.group(1)


def test_the_calendar_feed_lists_the_users_deadlines(client, alice, deadlines):
    client.force_login(alice)
    address = make_address(client)
    client.logout()
    response = client.get(address)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert str(events[0]["summary"]) == "Herefordshire: Evidence of progress"
    # The window starts three months before 15 January 2024: June and September 2023 are out.
    assert events[0].decoded("dtstart") == D(2023, 12, 1)


def test_only_the_hash_of_the_token_is_stored(client, alice, deadlines):
    client.force_login(alice)
    token = make_address(client).removeprefix("/calendar/").removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=alice)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(CalendarFeed.objects.values())) + str(list(CalendarFeed.history.values()))


def test_the_address_is_shown_once_and_the_page_says_so_afterwards(client, alice, deadlines):
    client.force_login(alice)
    first = client.get("/calendar/").text
    assert "You do not have a calendar address yet" in first and "Make a calendar address" in first
    address = make_address(client)
    again = client.get("/calendar/").text
    assert address not in again
    assert "It was shown when it was made" in again and "Make a new address" in again


def test_the_feed_shows_nothing_of_another_council(client, bob, deadlines):
    token = calendar.make_feed_token(user=bob)
    response = client.get(f"/calendar/{token}.ics")
    assert list(Calendar.from_ical(response.content).walk("VEVENT")) == []


def test_rotating_the_address_stops_the_old_one(client, alice, deadlines):
    client.force_login(alice)
    old = make_address(client)
    page = client.post("/calendar/rotate/", follow=True).text
    assert "The old address no longer works" in page
    new = make_address(client)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_a_wrong_address_is_not_found(client, alice, deadlines):
    token = calendar.make_feed_token(user=alice)
    feed = CalendarFeed.objects.get(user=alice)
    assert client.get(f"/calendar/{secrets.token_urlsafe(32)}.ics").status_code == 404
    assert client.get(f"/calendar/{feed.token_hash}.ics").status_code == 404  # the stored hash is no key
    assert client.get(f"/calendar/{token}.ics").status_code == 200


def test_a_closed_accounts_feed_stops(client, alice, deadlines):
    token = calendar.make_feed_token(user=alice)
    alice.is_active = False
    alice.save()
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_the_overdue_list_pages_on_its_own_and_keeps_the_filter(client, dora, deadlines, hereford_case, settings):
    from reviews.views import deadlines as views

    views.PER_PAGE, saved = 1, views.PER_PAGE
    try:
        client.force_login(dora)
        authority = str(hereford_case.local_authority_id)
        response = client.get("/deadlines/", {"authority": authority, "overdue_page": "2"})
        assert response.context["overdue"].number == 2
        assert f"authority={authority}&amp;overdue_page=3" in response.text
    finally:
        views.PER_PAGE = saved
