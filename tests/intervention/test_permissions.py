"""The permission module, role by role: who may see and change which case."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils.functional import SimpleLazyObject

from intervention.enums import Role
from intervention.models import Appointment, Intervention
from intervention.permissions import (
    NO_ACCESS,
    Capability,
    access_for,
    can_change,
    can_view,
    capabilities_on,
    forget_access,
)
from tests.factories import AppointmentFactory, InterventionFactory

pytestmark = pytest.mark.django_db


def visible(user):
    return set(Intervention.objects.visible_to(user))


def test_a_council_officer_sees_only_their_own_councils_cases(alice, hereford_case, worcester_case):
    assert visible(alice) == {hereford_case}
    assert can_view(alice, hereford_case)
    assert not can_view(alice, worcester_case)


def test_a_council_officer_logs_progress_but_cannot_manage_the_case(alice, hereford_case):
    assert capabilities_on(alice, hereford_case) == {Capability.VIEW, Capability.LOG_PROGRESS}
    assert not can_change(alice, hereford_case)


def test_another_councils_officer_sees_nothing_of_herefordshire(bob, hereford_case, worcester_case):
    assert visible(bob) == {worcester_case}
    assert capabilities_on(bob, hereford_case) == frozenset()


def test_a_commissioner_sees_the_cases_they_are_appointed_to(charlie, hereford_case, worcester_case):
    assert visible(charlie) == {hereford_case}
    assert capabilities_on(charlie, hereford_case) == {
        Capability.VIEW,
        Capability.ISSUE_INSTRUCTIONS,
        Capability.HOLD_REVIEWS,
    }
    assert not can_view(charlie, worcester_case)


def test_a_commissioner_serving_two_councils_sees_both(charlie, hereford_case, worcester_case):
    AppointmentFactory(person=charlie.person, intervention=worcester_case, role=Role.COMMISSIONER)
    forget_access(charlie)
    assert visible(charlie) == {hereford_case, worcester_case}


def test_an_appointment_gives_access_only_while_it_runs(charlie, hereford_case, time_machine):
    appointment = Appointment.objects.get(person=charlie.person)
    appointment.ends_on = datetime.date(2024, 3, 31)
    appointment.save()
    time_machine.move_to(datetime.datetime(2024, 3, 31, 12, 0))
    forget_access(charlie)
    assert visible(charlie) == {hereford_case}
    time_machine.move_to(datetime.datetime(2024, 4, 1, 12, 0))
    forget_access(charlie)
    assert visible(charlie) == set()


def test_an_appointment_that_has_not_started_gives_no_access(hereford_case, worcester_case, charlie, time_machine):
    AppointmentFactory(person=charlie.person, intervention=worcester_case, starts_on=datetime.date(2030, 1, 1))
    forget_access(charlie)
    assert visible(charlie) == {hereford_case}


def test_an_improvement_adviser_holds_the_commissioners_powers(hereford_case):
    adviser = AppointmentFactory(intervention=hereford_case, role=Role.IMPROVEMENT_ADVISER).person.user
    assert Capability.ISSUE_INSTRUCTIONS in capabilities_on(adviser, hereford_case)


def test_an_improvement_board_chair_may_only_read(hereford_case):
    chair = AppointmentFactory(intervention=hereford_case, role=Role.IMPROVEMENT_BOARD_CHAIR).person.user
    assert capabilities_on(chair, hereford_case) == {Capability.VIEW}


def test_dfe_staff_see_every_intervention_and_manage_them(dora, hereford_case, worcester_case):
    assert visible(dora) == {hereford_case, worcester_case}
    assert can_change(dora, worcester_case)
    assert Capability.ISSUE_INSTRUCTIONS not in capabilities_on(dora, hereford_case)


def test_a_dfe_case_lead_holds_reviews_on_their_case(dora, hereford_case):
    AppointmentFactory(person=dora.person, intervention=hereford_case, role=Role.DFE_CASE_LEAD)
    forget_access(dora)
    assert Capability.HOLD_REVIEWS in capabilities_on(dora, hereford_case)


def test_an_administrator_may_do_everything(administrator, hereford_case):
    assert capabilities_on(administrator, hereford_case) == set(Capability)


def test_a_closed_case_can_be_read_but_not_worked_on(alice, charlie, hereford_case):
    hereford_case.closed_on = datetime.date(2025, 1, 31)
    hereford_case.save()
    assert capabilities_on(alice, hereford_case) == {Capability.VIEW}
    assert capabilities_on(charlie, hereford_case) == {Capability.VIEW}


def test_a_user_without_a_person_sees_nothing(hereford_case, django_user_model):
    stranger = django_user_model.objects.create_user("stranger@example.com", password="a long enough password")
    assert visible(stranger) == set()
    assert not can_view(stranger, hereford_case)


def test_an_anonymous_visitor_sees_nothing(hereford_case):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()


def test_a_deactivated_account_sees_nothing(alice, hereford_case):
    alice.is_active = False
    alice.save()
    forget_access(alice)
    assert visible(alice) == set()


def test_inspections_are_seen_by_those_working_in_that_authority(alice, bob, charlie, dora, herefordshire):
    from intervention.enums import Framework, InspectionKind
    from intervention.models import Inspection
    from intervention.services import record_inspection

    inspection = record_inspection(
        local_authority=herefordshire,
        kind=InspectionKind.STANDARD_ILACS,
        framework=Framework.ILACS_2018,
        fieldwork_starts_on=datetime.date(2022, 7, 18),
        fieldwork_ends_on=datetime.date(2022, 7, 29),
        by=dora,
    )
    assert [can_view(user, inspection) for user in (alice, bob, charlie, dora)] == [True, False, True, True]
    assert list(Inspection.objects.visible_to(bob)) == []


def test_access_is_worked_out_once_per_request(alice, hereford_case, django_assert_num_queries):
    access_for(alice)
    with django_assert_num_queries(0):
        access_for(alice)
        visible_ids = Intervention.objects.visible_to(alice).query  # building the query runs nothing
    assert visible_ids is not None


def test_access_through_the_requests_lazy_user_is_the_users_own(alice, hereford_case, django_assert_num_queries):
    """request.user is a lazy stand-in: access read through it is worked out for the user it stands
    for, cached on that user, and an anonymous or deactivated one has none."""
    lazy = SimpleLazyObject(lambda: alice)
    access = access_for(lazy)
    assert access.person_id == alice.person.pk
    with django_assert_num_queries(0):
        assert access_for(alice) is access
        assert access_for(SimpleLazyObject(lambda: alice)) is access
        assert access_for(SimpleLazyObject(lambda: SimpleLazyObject(lambda: alice))) is access
    assert access_for(SimpleLazyObject(AnonymousUser)) is NO_ACCESS
    alice.is_active = False
    assert access_for(lazy) is NO_ACCESS


def test_a_second_case_in_the_same_council_is_visible_to_its_officers(alice, herefordshire):
    send_case = InterventionFactory(
        local_authority=herefordshire, service_area="send", opened_on=datetime.date(2024, 1, 1)
    )
    assert send_case in visible(alice)
