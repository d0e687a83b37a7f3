"""The calendar feed over a window, with conditional GETs and a per-person cache (issue 20, item 6)."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from reviews import calendar, services
from reviews.models import Deadline

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def deadlines(quarterly, time_machine):
    time_machine.move_to(datetime.datetime(2024, 1, 15, 12, 0, tzinfo=datetime.UTC), tick=False)
    cache.clear()
    services.materialise_deadlines(today=D(2024, 1, 15))
    return Deadline.objects.filter(obligation=quarterly)


def dates(response) -> list[datetime.date]:
    return [event.decoded("dtstart") for event in Calendar.from_ical(response.content).walk("VEVENT")]


def test_the_feed_covers_three_months_back_and_eighteen_ahead(client, alice, deadlines):
    far = deadlines.order_by("computed_on").last()
    far.override_on, far.override_reason = D(2025, 8, 1), "Moved past the window"
    far.save()
    token = calendar.make_feed_token(user=alice)

    shown = dates(client.get(f"/calendar/{token}.ics"))

    assert shown, "the window holds some deadlines"
    assert min(shown) >= D(2023, 10, 15) and max(shown) <= D(2025, 7, 15)
    assert D(2023, 9, 1) not in shown and D(2025, 8, 1) not in shown
    assert D(2023, 12, 1) in shown


def test_the_second_poll_with_the_etag_is_a_304(client, alice, deadlines):
    token = calendar.make_feed_token(user=alice)
    first = client.get(f"/calendar/{token}.ics")

    again = client.get(f"/calendar/{token}.ics", headers={"if-none-match": first["ETag"]})
    since = client.get(f"/calendar/{token}.ics", headers={"if-modified-since": first["Last-Modified"]})

    assert (first.status_code, again.status_code, since.status_code) == (200, 304, 304)
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_changed_deadline_gives_a_new_etag_and_the_new_date(client, alice, charlie, deadlines, time_machine):
    token = calendar.make_feed_token(user=alice)
    first = client.get(f"/calendar/{token}.ics")
    time_machine.shift(datetime.timedelta(minutes=5))
    deadline = deadlines.get(computed_on=D(2024, 3, 1))
    services.override_deadline_date(deadline=deadline, due_on=D(2024, 3, 8), reason="Agreed with DfE", by=charlie)

    second = client.get(f"/calendar/{token}.ics", headers={"if-none-match": first["ETag"]})

    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert D(2024, 3, 8) in dates(second) and D(2024, 3, 1) not in dates(second)


def test_a_person_never_gets_another_persons_cached_feed(client, alice, bob, deadlines):
    alices = client.get(f"/calendar/{calendar.make_feed_token(user=alice)}.ics")
    bobs = client.get(f"/calendar/{calendar.make_feed_token(user=bob)}.ics")
    bobs_with_alices_etag = client.get(
        f"/calendar/{calendar.make_feed_token(user=bob)}.ics", headers={"if-none-match": alices["ETag"]}
    )

    assert dates(alices) != []
    assert dates(bobs) == []
    assert bobs_with_alices_etag.status_code == 200
    assert dates(bobs_with_alices_etag) == []


def test_the_feed_runs_the_same_queries_for_more_deadlines(client, dora, deadlines, quarterly):
    token = calendar.make_feed_token(user=dora)
    with CaptureQueriesContext(connection) as small:
        assert len(dates(client.get(f"/calendar/{token}.ics"))) >= 1
    cached_and_unchanged = len(small.captured_queries)
    quarterly.interval = 1
    quarterly.save()
    services.materialise_deadlines(today=D(2024, 1, 15))
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        many = dates(client.get(f"/calendar/{token}.ics"))
    with CaptureQueriesContext(connection) as cached:
        client.get(f"/calendar/{token}.ics")

    assert len(many) > 8
    assert len(large.captured_queries) == cached_and_unchanged <= 6
    # A cached feed costs the token and the stamp (and the person's access), never the deadlines.
    assert len(cached.captured_queries) == len(large.captured_queries) - 1
