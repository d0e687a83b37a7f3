"""Single sign-on's settings: OIDC_PROVIDERS read and checked at start-up, and LOCAL_PASSWORDS=0
leaving sign-in to the providers alone."""

from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY, authenticate
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from intervention.settings import parse_oidc_providers
from tests.factories import UserFactory

ENTRA = {
    "name": "entra",
    "label": "Microsoft Entra ID",
    "issuer": "https://login.microsoftonline.com/tenant-id/v2.0/",
    "client_id": "casework",
    "client_secret": "secret",
}


def test_with_nothing_set_there_are_no_providers():
    assert parse_oidc_providers("") == []


def test_a_provider_gets_the_usual_scopes_and_claims_unless_it_says_otherwise():
    [entra, dfe] = parse_oidc_providers(
        json.dumps([ENTRA, {**ENTRA, "name": "dfe-sign-in", "scopes": "openid email organisation"}])
    )
    assert entra["issuer"] == "https://login.microsoftonline.com/tenant-id/v2.0"  # no trailing slash
    assert (entra["scopes"], entra["email_claim"]) == ("openid email profile", "email")
    assert dfe["scopes"] == "openid email organisation"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not json", "must be a JSON list"),
        (json.dumps(ENTRA), "JSON list of objects"),
        (json.dumps([{**ENTRA, "client_id": ""}]), "entra needs client_id"),
        (json.dumps([{**ENTRA, "name": "Entra ID"}]), "lower-case letters"),
        (json.dumps([ENTRA, ENTRA]), "its own name"),
    ],
)
def test_a_mistake_in_the_providers_stops_the_service_starting(value, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_oidc_providers(value)


@pytest.fixture
def passwords_off(settings, oidc_provider):
    settings.LOCAL_PASSWORDS = False
    settings.AUTHENTICATION_BACKENDS = [
        backend for backend in settings.AUTHENTICATION_BACKENDS if not backend.endswith("ModelBackend")
    ]
    return settings


@pytest.mark.django_db
def test_with_local_passwords_off_the_sign_in_page_offers_only_the_providers(client, passwords_off):
    page = client.get("/sign-in/").content.decode()
    assert "Sign in with Loopback ID" in page
    assert 'type="password"' not in page


@pytest.mark.django_db
def test_with_local_passwords_off_a_right_password_signs_nobody_in(client, passwords_off):
    UserFactory(username="alice@herefordshire.example", password="a long enough password")
    response = client.post(
        "/sign-in/", {"username": "alice@herefordshire.example", "password": "a long enough password"}
    )
    assert response.status_code == 302 and response["Location"] == "/sign-in/"
    assert SESSION_KEY not in client.session
    assert not AccessAttempt.objects.exists()  # the password was not even tried
    request = RequestFactory().post("/sign-in/")
    assert authenticate(request, username="alice@herefordshire.example", password="a long enough password") is None


@pytest.mark.django_db
def test_with_local_passwords_off_the_admin_sends_people_to_the_providers(client, passwords_off):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/?next=")
