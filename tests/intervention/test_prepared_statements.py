"""Prepared statements on PostgreSQL (DATABASE_PREPARE_THRESHOLD, intervention/settings.py): a statement
run that many times on a connection is prepared by psycopg (server-side binding), so PostgreSQL parses it
once and may keep its plan; 0 sends every statement whole, as text, as a pooler in transaction mode needs."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.db import connection

import intervention.settings
from intervention.models import Intervention
from reviews.services.compiled import CompiledQuery
from tests.factories import InterventionFactory

SETTINGS_FILE = Path(intervention.settings.__file__)


def database_options(monkeypatch, threshold: str | None) -> dict[str, object]:
    monkeypatch.setenv("DATABASE_URL", "postgres://casework@db.example:5432/casework")
    if threshold is None:
        monkeypatch.delenv("DATABASE_PREPARE_THRESHOLD", raising=False)
    else:
        monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", threshold)
    return runpy.run_path(str(SETTINGS_FILE))["DATABASES"]["default"].get("OPTIONS", {})


def test_a_statement_run_five_times_on_a_connection_is_prepared_unless_told_otherwise(monkeypatch):
    assert database_options(monkeypatch, None) == {"server_side_binding": True, "prepare_threshold": 5}
    assert database_options(monkeypatch, "2") == {"server_side_binding": True, "prepare_threshold": 2}


def test_zero_sends_every_statement_whole_as_before(monkeypatch):
    # Django's own default: client-side binding, and psycopg never prepares (prepare_threshold None).
    assert database_options(monkeypatch, "0") == {}


postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's prepared statements")


def prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {statement for (statement,) in cursor.fetchall()}


@postgres_only
@pytest.mark.django_db
def test_a_query_repeated_on_a_connection_is_prepared_and_still_answers_with_each_value():
    cases = InterventionFactory.create_batch(8)
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    found = [Intervention.objects.filter(pk=case.pk).values_list("pk", flat=True).get() for case in cases]
    assert found == [case.pk for case in cases]
    assert len(cases) > threshold
    assert any('FROM "intervention_intervention"' in statement and "$1" in statement for statement in prepared())


@postgres_only
@pytest.mark.django_db
def test_a_compiled_query_is_prepared_once_and_run_with_each_case():
    # reviews/services/compiled.py sends the same SQL with other values: what prepared statements suit.
    cases = InterventionFactory.create_batch(8)
    stand_in = -918_273_647
    compiled = CompiledQuery.of(
        Intervention.objects.filter(pk=stand_in).values("pk"), connection, {"case": (stand_in, 1)}
    )
    assert [compiled.dicts(connection, case=case.pk) for case in cases] == [[{"pk": case.pk}] for case in cases]
    assert compiled.sql.replace("%s", "$1") in prepared()
