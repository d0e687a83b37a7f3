"""Single sign-on through a real OpenID Connect provider (tests/oidc_provider, on loopback): who a
person is comes from the provider, what they may do from this service; what the provider sends is
checked (signature, issuer, audience, nonce, expiry) and a rotated key is picked up."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY

from intervention.models import ExternalIdentity
from tests.factories import UserFactory
from tests.oidc_provider.fixture import PROVIDER_LABEL, PROVIDER_NAME, callback_path

pytestmark = pytest.mark.django_db

CALLBACK = f"http://testserver/sign-in/with/{PROVIDER_NAME}/callback/"


@pytest.fixture
def provider(oidc_provider):
    oidc_provider.allow_redirect(CALLBACK)
    return oidc_provider


def sign_in_through(client, provider, email: str, next_path: str = ""):
    """Press the provider's button, sign in at the provider, come back: the service's last answer."""
    start = client.get(f"/sign-in/with/{PROVIDER_NAME}/" + (f"?next={next_path}" if next_path else ""))
    assert start.status_code == 302, start.content[:300]
    return client.get(callback_path(provider.authorise(start["Location"], email)))


def signed_in_as(client):
    return client.session.get(SESSION_KEY)


def test_the_sign_in_page_offers_each_configured_provider(client, provider):
    page = client.get("/sign-in/").content.decode()
    assert f"Sign in with {PROVIDER_LABEL}" in page
    assert "Password" in page


def test_with_no_provider_configured_the_sign_in_page_is_email_and_password_only(client):
    page = client.get("/sign-in/").content.decode()
    assert "/sign-in/with/" not in page
    assert "Password" in page
    assert client.get(f"/sign-in/with/{PROVIDER_NAME}/").status_code == 404


def test_the_request_to_the_provider_uses_the_code_flow_with_pkce_and_a_nonce(client, provider):
    query = parse_qs(urlsplit(client.get(f"/sign-in/with/{PROVIDER_NAME}/")["Location"]).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["nonce"][0] and query["state"][0]
    assert query["redirect_uri"] == [CALLBACK]


def test_a_known_email_is_linked_once_and_later_sign_ins_match_by_subject(client, provider):
    user = UserFactory(username="officer.one@herefordshire.example", email="officer.one@herefordshire.example")
    subject = provider.add_person("officer.one@herefordshire.example")

    response = sign_in_through(client, provider, "officer.one@herefordshire.example", next_path="/interventions/")

    assert response.status_code == 302 and response["Location"] == "/interventions/"
    assert signed_in_as(client) == str(user.pk)
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (provider.issuer, subject)
    assert identity.history.count() == 1 and identity.history.get().history_user == user

    # The account's email changes; the provider's identity still finds it, by issuer and subject.
    user.username = user.email = "renamed@herefordshire.example"
    user.save()
    client.logout()
    assert sign_in_through(client, provider, "officer.one@herefordshire.example").status_code == 302
    assert signed_in_as(client) == str(user.pk)
    assert ExternalIdentity.objects.count() == 1


def test_an_unknown_identity_is_asked_to_ask_their_case_lead_and_nothing_is_created(client, provider):
    from django.contrib.auth import get_user_model

    provider.add_person("stranger@example.org")
    accounts = get_user_model().objects.count()

    response = sign_in_through(client, provider, "stranger@example.org")

    assert response.status_code == 403
    assert "Ask your DfE case lead for access" in response.content.decode()
    assert signed_in_as(client) is None
    assert get_user_model().objects.count() == accounts
    assert not ExternalIdentity.objects.exists()


def test_a_deactivated_account_is_refused_whether_linked_or_not(client, provider):
    user = UserFactory(username="gone@herefordshire.example", email="gone@herefordshire.example", is_active=False)
    provider.add_person("gone@herefordshire.example")

    response = sign_in_through(client, provider, "gone@herefordshire.example")
    assert response.status_code == 403
    assert "Your account has been closed" in response.content.decode()
    assert not ExternalIdentity.objects.exists()

    user.is_active = True
    user.save()
    assert sign_in_through(client, provider, "gone@herefordshire.example").status_code == 302
    client.logout()
    user.is_active = False
    user.save()
    response = sign_in_through(client, provider, "gone@herefordshire.example")
    assert response.status_code == 403 and signed_in_as(client) is None


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("tamper", "InvalidSignatureError"),
        ("wrong_nonce", "nonce is not the one this sign-in sent"),
        ("expired", "ExpiredSignatureError"),
        ("wrong_audience", "InvalidAudienceError"),
    ],
    ids=["tampered signature", "wrong nonce", "expired", "wrong audience"],
)
def test_an_id_token_that_fails_a_check_signs_nobody_in(client, provider, caplog, how, reason):
    UserFactory(username="checked@herefordshire.example", email="checked@herefordshire.example")
    provider.add_person("checked@herefordshire.example")
    provider.misbehave_next(how)

    with caplog.at_level("WARNING", logger="intervention.account_views"):
        response = sign_in_through(client, provider, "checked@herefordshire.example")

    assert reason in caplog.text

    assert response.status_code == 403
    assert "You could not be signed in" in response.content.decode()
    assert signed_in_as(client) is None
    assert not ExternalIdentity.objects.exists()
    # The provider behaves again: the same person signs in.
    assert sign_in_through(client, provider, "checked@herefordshire.example").status_code == 302


def test_after_the_provider_rotates_its_key_the_next_sign_in_still_works(client, provider):
    user = UserFactory(username="rotating@herefordshire.example", email="rotating@herefordshire.example")
    provider.add_person("rotating@herefordshire.example")
    assert sign_in_through(client, provider, "rotating@herefordshire.example").status_code == 302
    client.logout()

    provider.rotate_key()  # the old key is withdrawn; the service still holds it in its cache

    assert sign_in_through(client, provider, "rotating@herefordshire.example").status_code == 302
    assert signed_in_as(client) == str(user.pk)


def test_a_callback_without_the_state_this_browser_sent_is_refused(client, provider):
    UserFactory(username="replay@herefordshire.example", email="replay@herefordshire.example")
    provider.add_person("replay@herefordshire.example")
    start = client.get(f"/sign-in/with/{PROVIDER_NAME}/")
    back = callback_path(provider.authorise(start["Location"], "replay@herefordshire.example"))

    other_browser = type(client)()
    assert other_browser.get(back).status_code == 403
    assert client.get(back).status_code == 302  # the browser that started it
    client.logout()
    assert client.get(back).status_code == 403  # used once


def test_deactivating_an_account_ends_its_single_sign_on_session(client, provider):
    user = UserFactory(username="leaving@herefordshire.example", email="leaving@herefordshire.example")
    provider.add_person("leaving@herefordshire.example")
    assert sign_in_through(client, provider, "leaving@herefordshire.example").status_code == 302
    assert client.get("/interventions/").status_code == 200

    user.is_active = False
    user.save()

    response = client.get("/interventions/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_an_administrator_unlinks_a_wrong_link_and_the_next_sign_in_links_afresh(client, provider):
    from django.core.management import call_command

    administrator = UserFactory(username="admin@education.example", is_superuser=True)
    user = UserFactory(username="moved@herefordshire.example", email="moved@herefordshire.example")
    provider.add_person("moved@herefordshire.example")
    assert sign_in_through(client, provider, "moved@herefordshire.example").status_code == 302
    client.logout()

    call_command("unlink_sso", "moved@herefordshire.example", PROVIDER_NAME, by="admin@education.example")

    [ended] = ExternalIdentity.objects.all()
    assert ended.ended_at is not None
    removal = ExternalIdentity.history.latest()
    assert (removal.history_type, removal.history_user, removal.history_change_reason) == (
        "~",
        administrator,
        "Unlinked",
    )
    assert sign_in_through(client, provider, "moved@herefordshire.example").status_code == 302
    assert signed_in_as(client) == str(user.pk)
    assert ExternalIdentity.objects.filter(user=user, ended_at__isnull=True).count() == 1


def test_a_person_who_cancels_at_the_provider_is_told_they_were_not_signed_in(client, provider):
    start = client.get(f"/sign-in/with/{PROVIDER_NAME}/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]

    response = client.get(f"/sign-in/with/{PROVIDER_NAME}/callback/?error=access_denied&state={state}")

    assert response.status_code == 403
    assert "You could not be signed in" in response.content.decode()
    assert signed_in_as(client) is None


def test_a_callback_is_accepted_only_from_the_provider_the_sign_in_went_to(client, provider, settings):
    settings.OIDC_PROVIDERS = [*settings.OIDC_PROVIDERS, {**settings.OIDC_PROVIDERS[0], "name": "other"}]
    UserFactory(username="mixed@herefordshire.example", email="mixed@herefordshire.example")
    provider.add_person("mixed@herefordshire.example")
    start = client.get(f"/sign-in/with/{PROVIDER_NAME}/")
    back = callback_path(provider.authorise(start["Location"], "mixed@herefordshire.example"))

    response = client.get(back.replace(f"/with/{PROVIDER_NAME}/", "/with/other/"))

    assert response.status_code == 403 and signed_in_as(client) is None
