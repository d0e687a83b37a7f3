"""The dashboard's picture (stage and rating counts, now and a year ago) is kept between requests on
PostgreSQL (reviews.services.dashboard._kept_counts): each change to what it reads shows on the very
next request, and a request with nothing changed is answered from what was kept. Committed
transactions, as the service runs them: on SQLite, or inside a test's transaction, nothing is kept."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directions import services as directions
from intervention import services as cases
from intervention.enums import Role
from reviews.services import dashboard
from reviews.services.corrections import correct_progress_update
from reviews.services.progress import log_progress
from tests.factories import issued_direction

pytestmark = [
    # Committed, as the service runs (as the other transactional tests, without serialized_rollback: its
    # reload of the migrations' data collides with the content types a flush before it recreated).
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="kept on PostgreSQL only"),
]
D = datetime.date


@pytest.fixture(autouse=True)
def _nothing_kept():
    dashboard.KEPT_COUNTS.clear()
    yield
    dashboard.KEPT_COUNTS.clear()


def picture(client) -> tuple[dashboard.Counts, dashboard.Counts, bool]:
    """The page's counts now and a year ago, and whether they were counted afresh for it."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    counted = any("REPEATABLE READ" in query["sql"] for query in queries.captured_queries)
    return response.context["now"], response.context["then"], counted


def stages(counts: dashboard.Counts) -> dict[str, int]:
    return {stage.code: n for stage, n in counts.stages.items() if n}


def rags(counts: dashboard.Counts) -> dict[str, int]:
    return {rag or "not rated": n for rag, n in counts.rags.items() if n}


def test_each_change_to_what_the_picture_reads_shows_at_once(client, dora, alice, charlie, priority, worcester_case):
    today = timezone.localdate()
    a_year_ago = dashboard.a_year_before(today)
    worcester_direction = issued_direction(worcester_case, D(2017, 3, 8))
    client.force_login(dora)
    now, then, counted = picture(client)
    assert counted
    assert (stages(now), rags(now), rags(then)) == ({"direction": 2}, {"not rated": 1}, {"not rated": 1})
    assert picture(client)[2] is False  # nothing changed: kept

    # An update recorded today, for a period before a year ago: both pictures.
    update = log_progress(
        intervention=priority.instrument.intervention,
        by=alice,
        service_priority=priority,
        narrative="How it went",
        rag="green",
        period_start=a_year_ago.replace(day=1) - datetime.timedelta(days=31),
        period_end=a_year_ago.replace(day=1) - datetime.timedelta(days=1),
    )
    now, then, counted = picture(client)
    assert counted and (rags(now), rags(then)) == ({"green": 1}, {"green": 1})
    assert picture(client)[2] is False

    # Corrected since: red now; a year ago it stood as first recorded.
    update.refresh_from_db()
    correct_progress_update(
        update=update, revision=update.revision, narrative="Worse", rag="red", reason="Typo", by=alice
    )
    now, then, _ = picture(client)
    assert (rags(now), rags(then)) == ({"red": 1}, {"green": 1})

    # An instrument revoked: no instrument in force in Worcestershire from today.
    directions.revoke_instrument(instrument=worcester_direction, revoked_on=today, by=dora, reason="Ended")
    now, then, _ = picture(client)
    assert (stages(now), stages(then)) == ({"direction": 1, "none": 1}, {"direction": 2})

    # A case closed today: open until today, so a year ago still counts it.
    cases.close_intervention(intervention=worcester_case, closed_on=today, by=dora, reason="Ended")
    now, then, _ = picture(client)
    assert (stages(now), stages(then)) == ({"direction": 1}, {"direction": 2})


def test_an_appointment_made_or_ended_changes_a_commissioners_picture_at_once(client, dora, charlie, worcester_case):
    issued_direction(worcester_case, D(2017, 3, 8))
    client.force_login(charlie)
    assert picture(client)[0].cases == 1
    appointment = cases.appoint(
        person=charlie.person, intervention=worcester_case, role=Role.COMMISSIONER, starts_on=D(2024, 1, 1), by=dora
    )
    client.force_login(charlie)
    assert picture(client)[0].cases == 2
    cases.end_appointment(
        appointment=appointment, ends_on=timezone.localdate() - datetime.timedelta(days=1), by=dora, reason="Ended"
    )
    client.force_login(charlie)
    assert picture(client)[0].cases == 1


def test_a_change_committed_after_the_counting_began_is_not_kept_past_its_commit(client, dora, priority):
    """A transaction in progress while the picture is counted, committing afterwards with no history
    row above the maximum (as one that took its history id before another's, and commits after it):
    the kept picture is not used once it has committed."""
    client.force_login(dora)
    assert rags(picture(client)[0]) == {"not rated": 1}
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:  # an update, rated red, with no history row
            cursor.execute(
                "INSERT INTO reviews_progressupdate (intervention_id, service_priority_id, narrative, rag, "
                "rag_change_reason, period_start, period_end, author_id, created_at, revision, "
                "correction_reason, withdrawal_reason) "
                "VALUES (%s, %s, 'Late', 'red', '', %s, %s, %s, now(), 1, '', '')",
                [priority.instrument.intervention_id, priority.pk, D(2024, 1, 1), D(2024, 1, 31), dora.pk],
            )
        dashboard.KEPT_COUNTS.clear()
        now, _, counted = picture(client)  # counted while the other transaction is in progress
        assert counted and rags(now) == {"not rated": 1}
        assert picture(client)[2] is False  # still in progress: what was counted stands
        other.commit()
    finally:
        other.close()
    now, _, counted = picture(client)
    assert counted and rags(now) == {"red": 1}
