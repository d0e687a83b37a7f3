"""Deactivating and reactivating someone's account from the service's own page (issue 17): DfE says
why, the person's sessions end and their API tokens are revoked at once, they cannot sign in by
password, and the history says who did it and why."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from intervention import accounts, services
from intervention.models import AccountSession, ApiToken, Person
from intervention.stale import STALE

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough password"


def signed_in_as(client, user):
    other = client.__class__()
    other.force_login(user)
    return other


def test_dfe_deactivates_a_person_who_is_signed_out_everywhere_and_loses_their_tokens(client, dora, alice):
    alices = signed_in_as(client, alice)
    assert alices.get(reverse("account")).status_code == 200
    key = alices.session.session_key
    token, secret = services.create_api_token(name="Analysis", by=alice)
    client.force_login(dora)

    page = client.get(reverse("account_access", args=[alice.pk]))
    response = client.post(
        reverse("account_access", args=[alice.pk]), {"reason": "Left the council", "was_active": "yes"}
    )

    assert page.status_code == 200
    assert "Deactivate their account" in page.text
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.is_active is False
    assert not AccountSession.objects.filter(session_key=key).exists()
    assert not Session.objects.filter(session_key=key).exists()
    assert alices.get(reverse("account"))["Location"].startswith("/sign-in/")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert services.api_token_user(secret) is None
    latest = Person.history.filter(user=alice).latest("history_date")
    assert (latest.history_user, latest.history_change_reason) == (dora, f"{accounts.DEACTIVATED}: Left the council")


def test_a_deactivated_person_cannot_sign_in_with_their_password(client, dora, alice):
    alice.set_password(PASSWORD)
    alice.save()
    accounts.deactivate(user=alice, by=dora, reason="Left")

    response = client.post(reverse("login"), {"username": "alice@herefordshire.example", "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_dfe_reactivates_a_deactivated_person(client, dora, alice):
    accounts.deactivate(user=alice, by=dora, reason="Left")
    client.force_login(dora)

    response = client.post(
        reverse("account_access", args=[alice.pk]), {"reason": "Came back", "was_active": "no"}, follow=True
    )

    alice.refresh_from_db()
    assert alice.is_active is True
    assert "Alice Hughes&#x27;s account is active again" in response.text
    latest = Person.history.filter(user=alice).latest("history_date")
    assert latest.history_change_reason == f"{accounts.REACTIVATED}: Came back"


def test_a_deactivation_sent_from_a_page_read_before_a_reactivation_is_refused(client, dora, alice):
    client.force_login(dora)

    response = client.post(reverse("account_access", args=[alice.pk]), {"reason": "Left", "was_active": "no"})

    assert response.status_code == 200
    assert STALE in response.text
    alice.refresh_from_db()
    assert alice.is_active is True


def test_the_page_needs_a_reason(client, dora, alice):
    client.force_login(dora)

    response = client.post(reverse("account_access", args=[alice.pk]), {"reason": "", "was_active": "yes"})

    assert "Enter why" in response.text
    alice.refresh_from_db()
    assert alice.is_active is True


def test_nobody_deactivates_their_own_account(client, dora):
    client.force_login(dora)

    response = client.post(reverse("account_access", args=[dora.pk]), {"reason": "Oops", "was_active": "yes"})

    assert accounts.MAY_NOT_DEACTIVATE_YOURSELF in response.text
    dora.refresh_from_db()
    assert dora.is_active is True


@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_only_dfe_and_administrators_reach_the_page(client, request, who, bob):
    client.force_login(request.getfixturevalue(who))

    response = client.post(reverse("account_access", args=[bob.pk]), {"reason": "Left", "was_active": "yes"})

    assert response.status_code == 404  # not even whether the account exists
    bob.refresh_from_db()
    assert bob.is_active is True


def test_the_page_reads_a_fixed_number_of_queries(client, dora, alice, django_assert_max_num_queries):
    client.force_login(dora)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("account_access", args=[alice.pk]))

    assert response.status_code == 200
