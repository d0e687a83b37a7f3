"""The named cast the tests use, as in the demo data:
alice, an officer of Herefordshire Council; bob, an officer of Worcestershire County Council;
charlie, the commissioner appointed to Herefordshire; dora, a DfE case lead; and an administrator."""

import datetime

import pytest
from hypothesis import HealthCheck, settings

from intervention.enums import Organisation, Role
from tests.factories import AppointmentFactory, InterventionFactory, PersonFactory, UserFactory, authority

# Hypothesis's 200 ms per example, and its check that generating examples is not slow, are timings,
# and timings belong in `make bench`: on a loaded machine they failed a rule that was right. The
# examples still run; only the clocks are off.
settings.register_profile("casework", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("casework")


@pytest.fixture
def herefordshire():
    return authority("884")


@pytest.fixture
def worcestershire():
    return authority("885")


@pytest.fixture
def hereford_case(herefordshire):
    return InterventionFactory(local_authority=herefordshire, opened_on=datetime.date(2021, 5, 18))


@pytest.fixture
def worcester_case(worcestershire):
    return InterventionFactory(local_authority=worcestershire, opened_on=datetime.date(2017, 3, 8))


def _member(email: str, name: str, organisation: str, local_authority=None, **user_fields):
    user = UserFactory(username=email, **user_fields)
    PersonFactory(user=user, name=name, organisation=organisation, local_authority=local_authority, email=email)
    return user


@pytest.fixture
def alice(herefordshire):
    return _member("alice@herefordshire.example", "Alice Hughes", Organisation.COUNCIL, herefordshire)


@pytest.fixture
def bob(worcestershire):
    return _member("bob@worcestershire.example", "Bob Evans", Organisation.COUNCIL, worcestershire)


@pytest.fixture
def charlie(hereford_case):
    user = _member("charlie@commissioner.example", "Charlie Brazil", Organisation.INDEPENDENT, is_staff=True)
    AppointmentFactory(person=user.person, intervention=hereford_case, role=Role.COMMISSIONER)
    return user


@pytest.fixture
def dora():
    return _member("dora@education.example", "Dora Patel", Organisation.DFE, is_staff=True)


@pytest.fixture
def administrator():
    return _member("admin@casework.example", "Ada Admin", Organisation.OTHER, is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True, scope="session")
def force_login_means_signed_in_fully():
    """Tests sign people in with `client.force_login(user)` to test what comes after signing in: that
    means the whole of signing in, second step included, as django-otp's `login(request, device)`
    would mark it (with the person's authenticator, set up for them if they had none). The second
    step itself is tested by signing in through the two steps (tests/intervention/test_two_factor.py)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from intervention.two_factor import SESSION_PENDING
    from tests.factories import authenticator_for

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        if session.get(SESSION_PENDING):
            session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
            session[SESSION_PENDING] = False
            session.save()

    Client.force_login = force_login
    yield
    Client.force_login = original
