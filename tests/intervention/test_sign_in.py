"""Signing in and out, lock-out and session timeouts (DfE Secure by Design), as a person sees them."""

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from intervention.forms import WRONG_EMAIL_OR_PASSWORD

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough password"


def sign_in(client, username, password=PASSWORD):
    return client.post("/sign-in/", {"username": username, "password": password})


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
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_account_not_per_office(client, alice, bob):
    for _ in range(5):
        sign_in(client, "alice@herefordshire.example", "wrong password here")
    assert sign_in(client, "bob@worcestershire.example").status_code == 302


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


def test_passwords_need_12_characters_and_nothing_else():
    validate_password("lowercase words only")
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("short words")


def test_a_common_password_is_refused():
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234")
