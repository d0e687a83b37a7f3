"""reviews 0005 hashes the calendar tokens already handed out, so their addresses go on working."""

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reviews", "0004_open_deadline_due_on")]
AFTER = [("reviews", "0005_calendar_feed_token_hash")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_0004(transactional_db):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("reviews")
    try:
        yield migrate(BEFORE)
    finally:
        migrate(latest)


def test_a_token_handed_out_before_keeps_working(at_0004, client, alice):
    old_feed = at_0004.get_model("reviews", "CalendarFeed")
    token = old_feed.objects.create(user_id=alice.pk).token
    assert len(token) == 43
    new_feed = migrate(AFTER).get_model("reviews", "CalendarFeed")
    assert new_feed.objects.get(user_id=alice.pk).token_hash == hashlib.sha256(token.encode()).hexdigest()
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("reviews"))
    assert client.get(f"/calendar/{token}.ics").status_code == 200


def test_going_back_gives_each_feed_a_new_token(at_0004, alice):
    old_feed = at_0004.get_model("reviews", "CalendarFeed")
    token = old_feed.objects.create(user_id=alice.pk).token
    migrate(AFTER)
    back = migrate(BEFORE).get_model("reviews", "CalendarFeed")
    restored = back.objects.get(user_id=alice.pk).token
    assert len(restored) == 43 and restored != token
