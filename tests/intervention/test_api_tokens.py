"""API tokens (issue 16): made and revoked by their person on /account/api-tokens/, shown once, kept
as a SHA-256 only, and refused at once when revoked or when the account is switched off."""

import re

import pytest
from django.urls import reverse

from intervention import services
from intervention.models import ApiToken

pytestmark = pytest.mark.django_db


def _get(client, url, secret):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_token_is_shown_once_and_only_its_hash_is_kept(client, dora):
    client.force_login(dora)
    response = client.post(reverse("api_tokens"), {"name": "Weekly extract"}, follow=True)
    secret = re.search(r'id="new-token">([^<]+)<', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.token_hash == services.hash_api_token(secret)
    assert secret not in token.token_hash
    assert secret not in client.get(reverse("api_tokens")).content.decode()


def test_a_token_reads_the_api_and_its_last_use_is_shown(client, dora, hereford_case):
    _, secret = services.create_api_token(name="Analysts", by=dora)
    assert _get(client, reverse("api-intervention-list"), secret).status_code == 200
    client.force_login(dora)
    assert "Never" not in client.get(reverse("api_tokens")).content.decode()


def test_a_revoked_token_stops_working_at_once(client, dora):
    token, secret = services.create_api_token(name="Analysts", by=dora)
    client.force_login(dora)
    client.post(reverse("api_token_revoke", args=[token.pk]))
    assert _get(client, reverse("api-intervention-list"), secret).status_code == 401


def test_a_switched_off_account_s_tokens_stop_working_at_once(client, dora):
    _, secret = services.create_api_token(name="Analysts", by=dora)
    dora.is_active = False
    dora.save()
    assert _get(client, reverse("api-intervention-list"), secret).status_code == 401


def test_nobody_revokes_another_person_s_token(client, dora, alice):
    token, _ = services.create_api_token(name="Dora's", by=dora)
    client.force_login(alice)
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_needs_a_name(client, dora):
    client.force_login(dora)
    response = client.post(reverse("api_tokens"), {"name": " "})
    assert "Enter a name for the token" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_wrong_or_garbled_token_is_refused(client):
    for header in ("Bearer nonsense", "Bearer", "Bearer a b"):
        assert client.get(reverse("api-intervention-list"), HTTP_AUTHORIZATION=header).status_code == 401
    assert client.get(reverse("api-intervention-list")).status_code == 401
