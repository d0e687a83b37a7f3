"""When CI says the suite must run on the real services, prove that it does: a silent fallback to
SQLite or to the filesystem broker fails here."""

import os

import pytest
from django.conf import settings
from django.db import connection

REQUIRED = os.environ.get("REQUIRE_SERVICES") == "1"


@pytest.mark.skipif(not REQUIRED, reason="REQUIRE_SERVICES is not set: running on the embedded default")
@pytest.mark.django_db
def test_the_suite_runs_on_postgresql_and_redis():
    import redis

    assert connection.vendor == "postgresql"
    assert redis.Redis.from_url(settings.REDIS_URL).ping() is True
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_it_was_given():
    expected = "postgresql" if settings.DATABASE_URL.startswith("postgres") else "sqlite"
    assert connection.vendor == expected
