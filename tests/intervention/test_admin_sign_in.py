"""The admin's sign-in page tells a signed-in person who may not use the admin why, instead of asking
them to sign in again and again."""

import pytest

from tests.factories import authenticator_for, totp_code

pytestmark = pytest.mark.django_db


def test_a_council_officer_is_told_the_admin_is_not_for_them_and_sent_back_to_their_case(client, alice):
    client.force_login(alice)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert response.redirect_chain == [("/admin/login/?next=/admin/", 302)]
    assert "The admin screens are for commissioners and DfE" in response.text
    assert 'href="/">go to your intervention</a>' in response.text
    assert 'name="password"' not in response.text


def test_a_visitor_still_gets_the_sign_in_form(client):
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert 'name="password"' in response.text


def test_dfe_staff_sign_in_to_the_admin_with_the_second_factor_too(client, dora):
    device = authenticator_for(dora)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": dora.username, "password": "a long enough password", "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    # The password alone does not open the admin: the code page does, and comes back to it.
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/code/?next=%2Fadmin%2F"
    response = client.post(response["Location"], {"code": totp_code(device), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
