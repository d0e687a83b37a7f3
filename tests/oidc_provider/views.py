"""The loopback provider's own parts: the claims it gives, its control endpoint, and the
misbehaviours the tests ask of it (each applies to the next ID token only)."""

from __future__ import annotations

import base64
import json
import time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from oidc_provider.models import Client, ResponseType, RSAKey
from oidc_provider.views import TokenView

from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET

# What the next ID token should get wrong: "tamper", "wrong_nonce", "expired" or "wrong_audience".
_next_misbehaviour: list[str] = []


def userinfo(claims: dict, user: User) -> dict:
    claims["name"] = user.get_full_name()
    claims["email"] = user.email
    claims["email_verified"] = True
    return claims


def misbehave(id_token: dict, **kwargs) -> dict:
    """django-oidc-provider's ID token hook: the claims before they are signed."""
    if "wrong_nonce" in _next_misbehaviour:
        id_token["nonce"] = "a-nonce-this-sign-in-never-sent"
    if "expired" in _next_misbehaviour:
        id_token["iat"] = int(time.time()) - 3600
        id_token["exp"] = int(time.time()) - 600
    if "wrong_audience" in _next_misbehaviour:
        id_token["aud"] = "some-other-service"
    return id_token


def token(request: HttpRequest) -> HttpResponse:
    """django-oidc-provider's token endpoint; told to tamper, it changes the ID token's payload after
    signing (the claims say another subject; the signature is the provider's, over the original)."""
    response = csrf_exempt(TokenView.as_view())(request)
    if "tamper" in _next_misbehaviour and response.status_code == 200:
        body = json.loads(response.content)
        header, payload, signature = body["id_token"].split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["sub"] = "someone-else"
        payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        body["id_token"] = f"{header}.{payload}.{signature}"
        response = JsonResponse(body)
    if response.status_code == 200:
        _next_misbehaviour.clear()
    return response


def _new_key() -> RSAKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    return RSAKey.objects.create(key=pem.decode())


def set_up() -> None:
    """The provider's first state: one signing key and this service registered as a client."""
    if not RSAKey.objects.exists():
        _new_key()
    client, _ = Client.objects.get_or_create(
        client_id=CLIENT_ID,
        defaults={
            "name": "Intervention casework",
            "client_type": "confidential",
            "client_secret": CLIENT_SECRET,
            "jwt_alg": "RS256",
            "require_consent": False,
            "reuse_consent": True,
        },
    )
    client.response_types.add(ResponseType.objects.get(value="code"))


@csrf_exempt
def control(request: HttpRequest) -> HttpResponse:
    """The tests' handle on the provider (loopback only)."""
    order = json.loads(request.body)
    action = order["action"]
    if action == "person":
        user, _ = User.objects.get_or_create(username=order["username"])
        user.email = order["email"]
        user.first_name = order.get("name", "")
        user.set_password(order["password"])
        user.save()
        return JsonResponse({"sub": str(user.pk)})
    if action == "redirect_uri":
        client = Client.objects.get(client_id=CLIENT_ID)
        if order["uri"] not in client.redirect_uris:
            client.redirect_uris = [*client.redirect_uris, order["uri"]]
            client.save()
        return JsonResponse({})
    if action == "misbehave":
        _next_misbehaviour[:] = [order["how"]]
        return JsonResponse({})
    if action == "rotate":
        old = list(RSAKey.objects.values_list("pk", flat=True))
        key = _new_key()
        RSAKey.objects.filter(pk__in=old).delete()
        return JsonResponse({"kid": key.kid})
    if action == "kid":
        return JsonResponse({"kid": RSAKey.objects.first().kid})
    return JsonResponse({"error": f"unknown action {action}"}, status=400)
