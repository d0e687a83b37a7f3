"""Signing in and out, lock-out and session timeouts (DfE Secure by Design), as a person sees them."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from intervention.forms import WRONG_EMAIL_OR_PASSWORD
from intervention.two_factor import SESSION_PENDING
from tests.factories import authenticator_for, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough password"


OFFICE = "192.0.2.10"
ELSEWHERE = "203.0.113.20"
ADDRESS_LIMIT = 20


def sign_in(client, username, password=PASSWORD, address="127.0.0.1"):
    """Both steps of signing in: the password, then (for whoever needs one) the authenticator's code.
    Returns the password step's response."""
    response = client.post("/sign-in/", {"username": username, "password": password}, REMOTE_ADDR=address)
    if client.session.get(SESSION_PENDING):
        user = get_user_model().objects.get(username=username.strip().lower())
        code = totp_code(authenticator_for(user))
        second = client.post(reverse("second_factor"), {"code": code}, REMOTE_ADDR=address)
        assert second.status_code == 302, second.text
    return response


def main_content(response):
    text = response.text
    return text[text.index("<main") : text.index("</main>")]


def test_the_sign_in_page_is_a_gov_uk_page(client):
    response = client.get("/sign-in/")
    assert response.status_code == 200
    assert 'class="govuk-template' in response.text
    assert "Skip to main content" in response.text
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in response.text


def test_signing_in_takes_a_council_officer_to_their_case(client, alice, hereford_case):
    response = sign_in(client, "Alice@Herefordshire.example")
    assert response.status_code == 302
    assert client.get(response.url).url == f"/interventions/{hereford_case.pk}/"


def test_signing_in_takes_dfe_staff_to_every_intervention(client, dora, hereford_case, worcester_case):
    response = client.get(sign_in(client, "dora@education.example").url, follow=True)
    assert response.request["PATH_INFO"] == "/interventions/"
    assert "Herefordshire" in response.text and "Worcestershire" in response.text


def test_a_wrong_password_gets_a_clear_error_and_keeps_the_email(client, alice):
    response = sign_in(client, "alice@herefordshire.example", "not the password")
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert WRONG_EMAIL_OR_PASSWORD in response.text
    assert 'value="alice@herefordshire.example"' in response.text
    assert "_auth_user_id" not in client.session


def test_an_empty_form_says_what_to_enter(client):
    response = client.post("/sign-in/", {"username": "", "password": ""})
    assert "Enter your email address" in response.text
    assert "Enter your password" in response.text


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(client, alice):
    for _ in range(5):
        sign_in(client, "alice@herefordshire.example", "wrong password here")
    response = sign_in(client, "alice@herefordshire.example")
    assert response.status_code == 429
    assert "You cannot sign in at the moment" in response.text
    assert "signing in is blocked for 30 minutes" in response.text
    assert "_auth_user_id" not in client.session


def test_the_account_lock_holds_whichever_address_the_guesses_come_from(client, alice):
    for n in range(5):
        sign_in(client, "alice@herefordshire.example", "wrong password here", address=f"198.51.100.{n}")
    assert sign_in(client, "alice@herefordshire.example", address="203.0.113.9").status_code == 429


def test_one_persons_mistakes_do_not_lock_out_their_office(client, alice, bob):
    for _ in range(5):
        sign_in(client, "alice@herefordshire.example", "wrong password here")
    assert sign_in(client, "bob@worcestershire.example").status_code == 302


def test_password_spraying_from_one_address_is_stopped(client, bob):
    # The probe: 32 guesses from one address, each at a different account.
    answers = [
        sign_in(client, f"person{n}@herefordshire.example", "Summer2026!", address=OFFICE).status_code
        for n in range(32)
    ]
    # The guess that reaches the limit is answered with the lock, as an account's fifth wrong password is.
    assert answers == [200] * (ADDRESS_LIMIT - 1) + [429] * (32 - ADDRESS_LIMIT + 1)
    # Every sign-in from that address is now blocked, the right password or not...
    assert sign_in(client, "bob@worcestershire.example", address=OFFICE).status_code == 429
    # ...and nowhere else.
    assert sign_in(client, "bob@worcestershire.example", address=ELSEWHERE).status_code == 302


def test_an_office_has_headroom_below_the_address_limit(client, alice, bob):
    for n in range(ADDRESS_LIMIT - 1):
        sign_in(client, f"person{n}@herefordshire.example", "wrong password here", address=OFFICE)
    assert sign_in(client, "bob@worcestershire.example", address=OFFICE).status_code == 302


def test_signing_in_takes_only_your_own_mistakes_off_the_address_count(client, alice, bob):
    for _ in range(4):
        sign_in(client, "alice@herefordshire.example", "wrong password here", address=OFFICE)
    assert sign_in(client, "alice@herefordshire.example", address=OFFICE).status_code == 302
    client.logout()
    # Alice's four are forgotten: nineteen more failures still leave the office one short of the limit.
    for n in range(ADDRESS_LIMIT - 1):
        sign_in(client, f"person{n}@herefordshire.example", "wrong password here", address=OFFICE)
    # Bob signing in does not clear the others' failures, so an account holder cannot reset the address's count.
    assert sign_in(client, "bob@worcestershire.example", address=OFFICE).status_code == 302
    client.logout()
    sign_in(client, "someone@herefordshire.example", "wrong password here", address=OFFICE)
    assert sign_in(client, "alice@herefordshire.example", address=OFFICE).status_code == 429


def test_an_address_lock_and_an_account_lock_read_the_same(client, alice, bob):
    for _ in range(5):
        sign_in(client, "alice@herefordshire.example", "wrong password here", address=ELSEWHERE)
    account_locked = sign_in(client, "alice@herefordshire.example", address=ELSEWHERE)
    for n in range(ADDRESS_LIMIT):
        sign_in(client, f"person{n}@herefordshire.example", "wrong password here", address=OFFICE)
    address_locked = sign_in(client, "bob@worcestershire.example", address=OFFICE)
    assert account_locked.status_code == address_locked.status_code == 429
    assert main_content(account_locked) == main_content(address_locked)
    assert "alice" not in account_locked.text and "bob" not in address_locked.text


def test_the_locked_out_page_offers_an_unlock_link(client, alice):
    for _ in range(6):
        response = sign_in(client, "alice@herefordshire.example", "wrong password here")
    assert response.status_code == 429
    assert f'href="{reverse("unlock_request")}"' in response.text


def test_the_address_comes_from_the_trusted_proxy_not_the_client(client, alice, settings):
    settings.PROXY_COUNT = 1
    # The client wrote the first entry; the proxy appended the address it saw.
    for n in range(ADDRESS_LIMIT):
        client.post(
            "/sign-in/",
            {"username": f"person{n}@herefordshire.example", "password": "wrong password here"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {OFFICE}",
        )
    assert sign_in(client, "alice@herefordshire.example", address="10.0.0.1").status_code == 302
    client.logout()
    blocked = client.post(
        "/sign-in/",
        {"username": "alice@herefordshire.example", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=f"192.0.2.99, {OFFICE}",
    )
    assert blocked.status_code == 429


def test_signing_out_ends_the_session(client, alice, hereford_case):
    sign_in(client, "alice@herefordshire.example")
    response = client.post("/sign-out/")
    assert response.status_code == 302
    assert client.get(f"/interventions/{hereford_case.pk}/").url.startswith("/sign-in/")


def test_an_idle_session_ends_after_30_minutes_with_a_message(client, alice, hereford_case, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC), tick=False)
    sign_in(client, "alice@herefordshire.example")
    time_machine.move_to(datetime.datetime(2026, 11, 23, 9, 29, tzinfo=datetime.UTC), tick=False)
    assert client.get(f"/interventions/{hereford_case.pk}/").status_code == 200
    time_machine.move_to(datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC), tick=False)
    response = client.get(f"/interventions/{hereford_case.pk}/", follow=True)
    assert response.request["PATH_INFO"] == "/sign-in/"
    assert "had not used the service for 30 minutes" in response.text


def test_a_busy_session_still_ends_after_12_hours(client, alice, hereford_case, time_machine):
    start = datetime.datetime(2026, 11, 23, 7, 0, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    sign_in(client, "alice@herefordshire.example")
    for minutes in range(20, 12 * 60, 20):
        time_machine.move_to(start + datetime.timedelta(minutes=minutes), tick=False)
        assert client.get(f"/interventions/{hereford_case.pk}/").status_code == 200
    time_machine.move_to(start + datetime.timedelta(hours=12, minutes=1), tick=False)
    response = client.get(f"/interventions/{hereford_case.pk}/", follow=True)
    assert "had been signed in for 12 hours" in response.text


def test_passwords_need_12_characters_and_no_complexity_rules():
    validate_password("lowercase words only")
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("short words")


def test_a_common_password_is_refused():
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234")
