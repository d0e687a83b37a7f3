"""An invitation accepted by signing in through a single sign-on provider (issue 17): the provider's
verified email is the invitation's, so the invited person gets the invitation's account, organisation
and appointment, the identity is linked, and the invitation is used up."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from intervention import accounts
from intervention.enums import Organisation, Role
from intervention.models import Appointment, ExternalIdentity, Invitation
from tests.intervention.test_sso import CALLBACK, sign_in_through

pytestmark = pytest.mark.django_db

EMAIL = "casey@commissioner.example"


@pytest.fixture
def provider(oidc_provider):
    oidc_provider.allow_redirect(CALLBACK)
    return oidc_provider


@pytest.fixture
def invitation(dora, hereford_case):
    details = accounts.NewInvitation(
        email=EMAIL,
        name="Casey Jones",
        organisation=Organisation.INDEPENDENT,
        intervention=hereford_case,
        role=Role.COMMISSIONER,
    )
    return accounts.invite(details=details, by=dora)


def test_an_invited_person_signing_in_through_a_provider_gets_the_invitations_appointment(
    client, provider, invitation, hereford_case
):
    provider.add_person(EMAIL)

    response = sign_in_through(client, provider, EMAIL)

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    user = invitation.person.user
    assert client.session[SESSION_KEY] == str(user.pk)
    assert user.has_usable_password() is False
    assert invitation.person.organisation == Organisation.INDEPENDENT
    appointment = Appointment.objects.get(person=invitation.person)
    assert (appointment.intervention, appointment.role) == (hereford_case, Role.COMMISSIONER)
    assert ExternalIdentity.objects.get(user=user).is_linked
    assert invitation.history.latest().history_change_reason == "Accepted through single sign-on"


def test_a_used_invitation_is_not_accepted_again_through_a_provider(client, provider, invitation):
    provider.add_person(EMAIL)
    sign_in_through(client, provider, EMAIL)
    client.logout()

    response = sign_in_through(client, provider, EMAIL)

    assert response.status_code == 302  # signed in by the linked identity, nothing new made
    assert Invitation.objects.filter(accepted_at__isnull=False).count() == 1
    assert ExternalIdentity.objects.count() == 1


def test_an_expired_invitation_does_not_let_anyone_in_through_a_provider(client, provider, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    provider.add_person(EMAIL)

    response = sign_in_through(client, provider, EMAIL)

    assert response.status_code == 403
    assert client.session.get(SESSION_KEY) is None
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_someone_with_another_email_gets_nothing_from_the_invitation(client, provider, invitation):
    provider.add_person("someone.else@commissioner.example")

    response = sign_in_through(client, provider, "someone.else@commissioner.example")

    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
