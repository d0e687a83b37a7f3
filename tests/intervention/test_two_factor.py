"""The second factor at sign-in: an authenticator app for DfE staff, commissioners, advisers and
administrators (optional for council officers), recovery codes that work once, and an administrator's reset."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from intervention import two_factor
from intervention.forms import WRONG_CODE
from intervention.models import Person
from tests.factories import authenticator_for, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough password"


def password_step(client, user):
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_who_must_use_an_authenticator_app(alice, charlie, dora, administrator, settings):
    assert [two_factor.is_required_for(u) for u in (alice, charlie, dora, administrator)] == [False, True, True, True]
    settings.TWO_FACTOR_REQUIRED_FOR = settings.TWO_FACTOR_REQUIRED_FOR | {"council"}
    assert two_factor.is_required_for(alice)


def test_a_password_alone_reaches_nothing_but_the_code_page(client, charlie, hereford_case):
    authenticator_for(charlie)
    password_step(client, charlie)
    for path in ("/", hereford_case.get_absolute_url(), "/admin/", reverse("account")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/sign-in/code/"), path
    page = client.get(reverse("second_factor"))
    assert "Enter the code from your authenticator app" in page.text


def test_the_right_code_signs_in_and_a_code_is_accepted_once(client, charlie, hereford_case):
    device = authenticator_for(charlie)
    password_step(client, charlie)
    code = totp_code(device)
    response = client.post(reverse("second_factor"), {"code": code})
    assert response.status_code == 302
    assert client.get(hereford_case.get_absolute_url()).status_code == 200

    other = client.__class__()
    password_step(other, charlie)
    response = other.post(reverse("second_factor"), {"code": code})
    assert response.status_code == 200
    assert WRONG_CODE in response.text
    assert other.get("/").status_code == 302


def test_a_wrong_code_is_refused_with_a_message_linked_to_the_field(client, dora):
    authenticator_for(dora)
    password_step(client, dora)
    response = client.post(reverse("second_factor"), {"code": "000000"})
    assert 'href="#id_code"' in response.text
    assert WRONG_CODE in response.text
    assert response.text.count("Error:") >= 1


def test_a_person_who_must_but_has_no_app_sets_one_up_at_sign_in(client, dora):
    password_step(client, dora)
    response = client.get("/", follow=True)
    assert response.request["PATH_INFO"] == reverse("set_up_second_factor")
    assert "<svg" in response.text  # the QR code, drawn inline
    secret = re.search(r'<code class="app-secret" id="secret-key">([A-Z2-7 ]+)</code>', response.text).group(1)
    device = TOTPDevice.objects.get(user=dora, confirmed=False)
    assert secret.replace(" ", "") == two_factor.secret_for_people(device).replace(" ", "")

    response = client.post(reverse("set_up_second_factor"), {"code": totp_code(device)}, follow=True)
    assert response.request["PATH_INFO"] == reverse("recovery_codes")
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.text)
    assert len(codes) == 10
    assert client.get(reverse("intervention_list")).status_code == 200
    # Shown once.
    assert codes[0] not in client.get(reverse("recovery_codes")).text


def test_a_recovery_code_signs_in_once(client, dora):
    authenticator_for(dora)
    codes = two_factor.make_recovery_codes(dora)
    password_step(client, dora)
    assert client.post(reverse("second_factor"), {"code": codes[0].upper()}).status_code == 302
    assert client.get(reverse("intervention_list")).status_code == 200

    other = client.__class__()
    password_step(other, dora)
    assert WRONG_CODE in other.post(reverse("second_factor"), {"code": codes[0]}).text
    assert two_factor.recovery_codes_left(dora) == 9


def test_a_council_officer_without_an_app_signs_in_with_the_password_alone(client, alice, hereford_case):
    password_step(client, alice)
    assert client.get(hereford_case.get_absolute_url()).status_code == 200


def test_a_council_officer_who_set_up_an_app_is_asked_for_it(client, alice):
    authenticator_for(alice)
    password_step(client, alice)
    assert client.get("/")["Location"].startswith("/sign-in/code/")


def test_an_administrator_resets_a_second_factor_recorded_with_who_did_it(client, administrator, charlie):
    authenticator_for(charlie)
    two_factor.make_recovery_codes(charlie)
    charlies_session = client.__class__()
    charlies_session.force_login(charlie)
    assert charlies_session.get("/").status_code in (200, 302)

    client.force_login(administrator)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factors", "_selected_action": [charlie.pk]},
    )
    assert response.status_code == 302
    assert not two_factor.has_authenticator(charlie)
    assert two_factor.recovery_codes_left(charlie) == 0
    latest = Person.history.filter(user=charlie).latest("history_date")
    assert latest.history_change_reason == two_factor.RESET_REASON
    assert latest.history_user == administrator
    # Charlie's session ended: he signs in again, and sets up a new app.
    assert charlies_session.get(reverse("account"))["Location"].startswith("/sign-in/")


def test_a_password_alone_cannot_replace_the_app_or_make_recovery_codes(client, charlie):
    device = authenticator_for(charlie)
    password_step(client, charlie)
    assert client.get(reverse("set_up_second_factor"))["Location"] == reverse("second_factor")
    assert client.post(reverse("set_up_second_factor"), {"code": "123456"})["Location"] == reverse("second_factor")
    assert client.post(reverse("recovery_codes"))["Location"].startswith("/sign-in/code/")
    assert two_factor.recovery_codes_left(charlie) == 0
    assert list(TOTPDevice.objects.filter(user=charlie)) == [device]
