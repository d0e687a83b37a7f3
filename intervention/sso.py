"""Single sign-on over OpenID Connect: the providers configured in OIDC_PROVIDERS, the checks on what
they send, and the rule that turns a provider's identity into one of this service's accounts.

mozilla-django-oidc does the protocol's plumbing (the token request, the userinfo request, the state,
nonce and PKCE values kept in the session); this module adds what it leaves out or keeps to a single
provider (docs/architecture.md, "Single sign-on"):

- several providers, each found from its issuer's discovery document;
- the ID token's signature checked against the provider's published keys (JWKS), kept in the cache and
  fetched again when a token names a key the cache does not hold (the provider has rotated its key);
- the issuer, the audience (and `azp` when there are several), the expiry, the issue time and the nonce
  all checked (the library checks only the signature and the nonce);
- who the person is comes from the provider; what they may do comes from this service. An identity is
  matched by issuer and subject; the first time, by the account's email, and then linked for good
  (`ExternalIdentity`, with history). Nobody unknown is created, and a deactivated account is refused.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from intervention.models import ExternalIdentity

logger = logging.getLogger(__name__)

# Asymmetric algorithms only: "none" and the HMAC ones (signed with the client secret) are refused.
SIGNING_ALGORITHMS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
# Clocks differ a little between the provider and this service.
CLOCK_LEEWAY_SECONDS = 60
DISCOVERY_CACHE_SECONDS = 60 * 60
KEYS_CACHE_SECONDS = 24 * 60 * 60


class TokenRefused(SuspiciousOperation):
    """What the provider sent cannot be trusted: a bad signature, the wrong issuer, audience or nonce,
    an expired token. The person is not signed in, and the reason is logged."""


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    email_claim: str
    name_claim: str

    @property
    def callback_path(self) -> str:
        return reverse("sso_callback", kwargs={"provider": self.name})


def configured_providers() -> list[Provider]:
    fields = Provider.__dataclass_fields__
    return [
        Provider(**{key: value for key, value in item.items() if key in fields}) for item in settings.OIDC_PROVIDERS
    ]


def provider_named(name: str) -> Provider | None:
    return next((provider for provider in configured_providers() if provider.name == name), None)


def _get_json(url: str) -> dict[str, Any]:
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    return response.json()


def discovery(provider: Provider) -> dict[str, Any]:
    """The provider's discovery document (its endpoints and keys' address), kept for an hour. Its
    issuer must be the configured one, or a document from elsewhere could name other endpoints."""
    key = f"oidc:discovery:{provider.issuer}"
    document = cache.get(key)
    if document is None:
        document = _get_json(f"{provider.issuer}/.well-known/openid-configuration")
        if document.get("issuer", "").rstrip("/") != provider.issuer:
            raise TokenRefused(f"{provider.name}: the discovery document names issuer {document.get('issuer')!r}")
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def forget(provider: Provider) -> None:
    """Drop what is cached of a provider (its discovery document and keys): the next sign-in fetches them."""
    document = cache.get(f"oidc:discovery:{provider.issuer}")
    if document and document.get("jwks_uri"):
        cache.delete(f"oidc:jwks:{document['jwks_uri']}")
    cache.delete(f"oidc:discovery:{provider.issuer}")


def signing_key(provider: Provider, header: dict[str, Any]) -> jwt.PyJWK:
    """The published key that signed a token. The keys are kept a day; a token naming a key the cache
    does not hold has the keys fetched again once, so a rotated key is picked up at the next sign-in."""
    jwks_uri = discovery(provider)["jwks_uri"]
    cache_key = f"oidc:jwks:{jwks_uri}"
    for fresh in (False, True):
        keys = None if fresh else cache.get(cache_key)
        if keys is None:
            keys = _get_json(jwks_uri).get("keys", [])
            cache.set(cache_key, keys, KEYS_CACHE_SECONDS)
        matching = [
            key
            for key in keys
            if key.get("use", "sig") == "sig"
            and (header.get("kid") is None or key.get("kid") == header.get("kid"))
            and key.get("alg", header["alg"]) == header["alg"]
        ]
        if len(matching) == 1:
            return jwt.PyJWK(matching[0])
    raise TokenRefused(f"{provider.name}: no single published key matches the token's key id {header.get('kid')!r}")


def verify_id_token(provider: Provider, token: str, *, nonce: str | None) -> dict[str, Any]:
    """The ID token's claims, once its signature, issuer, audience, expiry, issue time and nonce are right."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as error:
        raise TokenRefused(f"{provider.name}: the ID token is not a JWT ({error})") from None
    if header.get("alg") not in SIGNING_ALGORITHMS:
        raise TokenRefused(f"{provider.name}: the ID token is signed with {header.get('alg')!r}")
    key = signing_key(provider, header)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[header["alg"]],
            audience=provider.client_id,
            issuer=provider.issuer,
            leeway=CLOCK_LEEWAY_SECONDS,
            options={"require": ["iss", "sub", "aud", "exp", "iat"]},
        )
    except jwt.InvalidTokenError as error:
        raise TokenRefused(f"{provider.name}: the ID token was refused ({type(error).__name__}: {error})") from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise TokenRefused(f"{provider.name}: the ID token is for several parties and not authorised for this one")
    if not nonce or claims.get("nonce") != nonce:
        raise TokenRefused(f"{provider.name}: the ID token's nonce is not the one this sign-in sent")
    return claims


@dataclass(frozen=True)
class Outcome:
    """What a sign-in through a provider came to: `user` is set only when the person may come in."""

    result: str  # "known", "linked", "invited", "unknown", "deactivated", "linked_elsewhere"
    user: Any = None


def identify(*, provider: Provider, subject: str, email: str, email_verified: bool | None) -> Outcome:
    """Match a provider's identity to an account. A linked identity is matched by issuer and subject
    alone. Otherwise an account whose email is the provider's (verified, where the provider says) is
    linked to it, once: an account already linked to another identity at the same provider is refused,
    as is a deactivated one, and an unknown person gets nothing created."""
    identity = (
        ExternalIdentity.objects.select_related("user")
        .filter(issuer=provider.issuer, subject=subject, ended_at__isnull=True)
        .first()
    )
    if identity is not None:
        user = identity.user
        return Outcome("known", user) if user.is_active else Outcome("deactivated")
    email = email.strip().lower()
    if not email or email_verified is False:
        return Outcome("unknown")
    users = list(get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email))[:2])
    if not users and email_verified is True:
        return _accept_invitation(provider=provider, subject=subject, email=email)
    if len(users) != 1:
        return Outcome("unknown")
    user = users[0]
    if not user.is_active:
        return Outcome("deactivated")
    if ExternalIdentity.objects.filter(user=user, issuer=provider.issuer, ended_at__isnull=True).exists():
        return Outcome("linked_elsewhere")
    identity = ExternalIdentity(user=user, issuer=provider.issuer, subject=subject, provider=provider.name)
    identity._history_user = user  # type: ignore[attr-defined]  # simple-history's acting user
    try:
        with transaction.atomic():
            identity.save()
    except IntegrityError:  # the same person signing in twice at once: the other request linked it
        return Outcome("linked_elsewhere")
    logger.info("Linked %s's account to subject %s at %s", user, subject, provider.issuer)
    return Outcome("linked", user)


def _accept_invitation(*, provider: Provider, subject: str, email: str) -> Outcome:
    """An invited person who signs in through a provider that vouches for the invitation's email
    (`email_verified` true, not merely absent) accepts it: the account, person and appointment are
    made as by the invitation's link, the invitation is used up, and the identity is linked."""
    from intervention import accounts

    invitation = accounts.open_invitation_for(email)
    if invitation is None:
        return Outcome("unknown")
    try:
        with transaction.atomic():
            user = accounts.accept_invitation(invitation=invitation, password=None)
            identity = ExternalIdentity(user=user, issuer=provider.issuer, subject=subject, provider=provider.name)
            identity._history_user = user  # type: ignore[attr-defined]  # simple-history's acting user
            identity._change_reason = "Linked on accepting an invitation"  # type: ignore[attr-defined]
            identity.save()
    except (ValidationError, IntegrityError):  # used up, or accepted by a request at the same moment
        return Outcome("unknown")
    logger.info("Invitation %s accepted through %s by subject %s", invitation.pk, provider.issuer, subject)
    return Outcome("invited", user)


@transaction.atomic
def unlink_identity(*, identity: ExternalIdentity, by: Any) -> None:
    """Undo a link made in error (the wrong person's email, a provider account replaced): the next
    sign-in through that provider links afresh by email. The link is ended, not deleted: the row and its
    history keep that it was there, and who ended it when."""
    identity = ExternalIdentity.objects.select_for_update().select_related("user").get(pk=identity.pk)
    if identity.ended_at is not None:
        return
    identity.ended_at = timezone.now()
    identity._history_user = by  # type: ignore[attr-defined]  # simple-history's acting user
    identity._change_reason = "Unlinked"  # type: ignore[attr-defined]
    identity.save()
    logger.info("%s unlinked %s's account from subject %s at %s", by, identity.user, identity.subject, identity.issuer)


def _claim_is_true(value: Any) -> bool | None:
    if value is None:
        return None
    return value is True or str(value).lower() == "true"


class ProviderBackend(OIDCAuthenticationBackend):
    """The authentication backend for sign-in through a provider: answers only the callback of a
    configured provider, and leaves its outcome on the request for the callback page to explain."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # the library's reads single-provider settings
        self.UserModel = get_user_model()

    def get_user(self, user_id: Any) -> Any:
        """The signed-in person on each request: as Django's own backend does it, so a deactivated
        account's session ends at once (the library's version does not look at `is_active`)."""
        return ModelBackend.get_user(self, user_id)

    def verify_token(self, token: str, **kwargs: Any) -> Any:
        """The library calls this for a userinfo answer sent as a signed JWT; the providers this service
        uses answer in JSON, and an ID token is checked by `verify_id_token`, so anything else is refused."""
        raise TokenRefused("a signed userinfo response is not supported: configure the provider to answer in JSON")

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if request is None or request.resolver_match is None or request.resolver_match.url_name != "sso_callback":
            return None
        provider = provider_named(request.resolver_match.kwargs["provider"])
        code = request.GET.get("code")
        if provider is None or not code or "username" in kwargs or "password" in kwargs:
            return None
        self.request = request
        config = discovery(provider)
        self.OIDC_OP_TOKEN_ENDPOINT = config["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = config.get("userinfo_endpoint")
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret
        payload = {
            "client_id": provider.client_id,
            "client_secret": provider.client_secret,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": request.build_absolute_uri(provider.callback_path),
        }
        if kwargs.get("code_verifier"):
            payload["code_verifier"] = kwargs["code_verifier"]
        tokens = self.get_token(payload)
        if not tokens.get("id_token"):
            raise TokenRefused(f"{provider.name}: the token response has no ID token")
        claims = verify_id_token(provider, tokens["id_token"], nonce=kwargs.get("nonce"))
        if self.OIDC_OP_USER_ENDPOINT and tokens.get("access_token"):
            userinfo = self.get_userinfo(tokens["access_token"], tokens["id_token"], claims)
            if userinfo.get("sub") != claims["sub"]:
                raise TokenRefused(f"{provider.name}: the userinfo is about someone other than the ID token")
            claims = {**userinfo, **claims}
        outcome = identify(
            provider=provider,
            subject=str(claims["sub"]),
            email=str(claims.get(provider.email_claim) or ""),
            email_verified=_claim_is_true(claims.get("email_verified")),
        )
        request.sso_outcome = outcome  # type: ignore[attr-defined]
        return outcome.user
