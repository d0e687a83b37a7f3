"""A record's version names its latest history row, found by a query compiled once for each model
(and number of records) with stand-ins for the ids (intervention.stale._latest_history_sql): it must
find what the same query built afresh finds, for one record and for many, and its own query only."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Max

from intervention import stale
from intervention.models import Appointment, Intervention
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


def latest_history_ids(model, pks):
    return dict(
        model.history.filter(id__in=pks).values("id").annotate(latest=Max("history_id")).values_list("id", "latest")
    )


def test_versions_name_the_latest_history_rows_as_a_query_built_afresh_finds_them(hereford_case, worcester_case):
    appointments = [AppointmentFactory(intervention=hereford_case) for _ in range(3)]
    appointments[1].ends_on = datetime.date(2025, 1, 31)
    appointments[1].save()  # a second history row
    worcester_case.summary = "Changed"
    worcester_case.save()

    read = list(Appointment.objects.filter(pk__in=[a.pk for a in appointments]).order_by("pk"))
    versions = stale.versions_as_read(read)
    latest = latest_history_ids(Appointment, [a.pk for a in appointments])

    assert {pk: version.split(".")[0] for pk, version in versions.items()} == {pk: str(h) for pk, h in latest.items()}
    for case in (hereford_case, worcester_case):
        expected = latest_history_ids(Intervention, [case.pk])[case.pk]
        assert stale.version_of(Intervention, case.pk).split(".")[0] == str(expected)
        assert stale.version_as_read(Intervention.objects.get(pk=case.pk)) == stale.version_of(Intervention, case.pk)


def test_a_record_with_no_history_row_and_one_gone_have_none(hereford_case):
    appointment = AppointmentFactory(intervention=hereford_case)
    appointment.history.all().delete()

    assert stale.versions_as_read([appointment])[appointment.pk].startswith("0.")
    assert stale.version_of(Intervention, 999_999_999) == ""
    assert stale._history_id(Intervention, 999_999_999) is None


def test_the_compiled_query_is_one_query_with_the_ids_sent_as_values(hereford_case, django_assert_num_queries):
    appointments = [AppointmentFactory(intervention=hereford_case) for _ in range(2)]

    with django_assert_num_queries(1) as captured:
        stale.versions_as_read(appointments)

    sql = captured.captured_queries[0]["sql"]
    assert str(appointments[0].pk) in sql and str(appointments[1].pk) in sql
    assert str(stale._STAND_IN) not in sql
