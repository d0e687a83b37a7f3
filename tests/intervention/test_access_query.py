"""Every request's access is read by a query compiled once (`permissions._access_query`) with the
person and the day swapped in: it must answer exactly as the query built afresh would, on the days an
appointment starts and ends, for a person appointed to nothing, and for an account with no person."""

import datetime

import pytest
from django.db import connections

from intervention import permissions
from intervention.enums import Role
from tests.factories import AppointmentFactory, InterventionFactory, UserFactory

pytestmark = pytest.mark.django_db

STARTS = datetime.date(2024, 4, 1)
ENDS = datetime.date(2025, 3, 31)


def as_built_afresh(user, day):
    return sorted(permissions.access_query(user, day), key=repr)


def as_compiled(user, day):
    connection = connections["default"]
    query = permissions._access_query(connection)
    return sorted(query.rows(connection, user=user.pk, today=permissions._day_as_sent(day, connection)), key=repr)


@pytest.fixture
def charlie_with_appointments(charlie, hereford_case, worcester_case):
    AppointmentFactory(
        person=charlie.person, intervention=worcester_case, role=Role.COMMISSIONER, starts_on=STARTS, ends_on=ENDS
    )
    AppointmentFactory(
        person=charlie.person, intervention=InterventionFactory(), role=Role.IMPROVEMENT_ADVISER, starts_on=ENDS
    )
    return charlie


@pytest.mark.parametrize(
    "day",
    [STARTS - datetime.timedelta(days=1), STARTS, ENDS, ENDS + datetime.timedelta(days=1), datetime.date(2030, 1, 1)],
)
def test_the_compiled_access_query_answers_as_the_query_built_afresh(charlie_with_appointments, alice, dora, day):
    for user in (charlie_with_appointments, alice, dora):
        assert as_compiled(user, day) == as_built_afresh(user, day), (user, day)
    assert (
        len(as_compiled(charlie_with_appointments, ENDS)) == 3
    )  # Herefordshire, Worcestershire's last day, the adviser's first


def test_an_account_with_no_person_has_no_rows_either_way():
    account = UserFactory()

    assert as_compiled(account, STARTS) == as_built_afresh(account, STARTS) == []


def test_access_follows_the_day_an_appointment_ends(charlie_with_appointments, worcester_case, time_machine):
    time_machine.move_to(datetime.datetime(2025, 3, 31, 12, tzinfo=datetime.UTC))
    assert worcester_case.pk in permissions.access_for(charlie_with_appointments).roles

    time_machine.move_to(datetime.datetime(2025, 4, 1, 12, tzinfo=datetime.UTC))
    charlie_with_appointments._intervention_access = None  # a new request
    assert worcester_case.pk not in permissions.access_for(charlie_with_appointments).roles
