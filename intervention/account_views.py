"""Unlocking an account by email, for a person locked out after too many wrong passwords (both pages
are public: the person cannot sign in, and neither says whether an account exists: intervention.lockout),
and the admin's sign-in page."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from mozilla_django_oidc.utils import add_state_and_verifier_and_nonce_to_session, generate_code_challenge
from mozilla_django_oidc.views import get_next_url

from intervention import lockout, services, sso
from intervention.forms import ApiTokenForm, SignInForm, UnlockRequestForm
from intervention.middleware import SESSION_SEEN_AT
from intervention.models import ApiToken
from intervention.permissions import access_for
from intervention.tasks import email_unlock_link

logger = logging.getLogger(__name__)

UNLOCKED = "Your account is unlocked. Sign in with your email address and password."


@require_http_methods(["GET", "POST"])
def unlock_request(request: HttpRequest) -> HttpResponse:
    """Ask for a link to unlock an account. The answer is the same whether or not the account exists
    or is locked; the worker decides whether to send it, so the page takes the same time too."""
    form = UnlockRequestForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        email = form.cleaned_data["email"]
        transaction.on_commit(lambda: email_unlock_link.delay(email=email))
        return render(
            request,
            "registration/unlock_request_sent.html",
            {"email": email, "link_minutes": settings.UNLOCK_LINK_MINUTES},
        )
    return render(request, "registration/unlock_request.html", {"form": form})


@require_http_methods(["GET", "POST"])
def unlock_account(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. Opening it asks for a click, so that an email scanner fetching the link
    does not use it up; the click unlocks the account and the link stops working."""
    unlock = lockout.read_unlock_link(token)
    if unlock is None:
        return render(request, "registration/unlock_account.html", {"valid": False})
    if request.method == "POST":
        lockout.unlock_account(unlock.user)
        messages.success(request, UNLOCKED)
        return redirect("login")
    return render(request, "registration/unlock_account.html", {"valid": True})


class SignInView(LoginView):
    """The sign-in page: a button for each single sign-on provider configured, and the email and
    password form unless LOCAL_PASSWORDS switches passwords off (then a password sent is not read)."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        next_query = f"?{urlencode({'next': context['next']})}" if context.get("next") else ""
        context["providers"] = [
            (provider, reverse("sso_start", kwargs={"provider": provider.name}) + next_query)
            for provider in sso.configured_providers()
        ]
        context["local_passwords"] = settings.LOCAL_PASSWORDS
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.LOCAL_PASSWORDS:  # not even bound to the form, whose errors would check the password
            return redirect(request.get_full_path())
        return super().post(request, *args, **kwargs)


class AdminSignInView(SignInView):
    """The admin's sign-in page. A signed-in person who may not use the admin screens (a council
    officer, a former commissioner) is told so, with a way back to their work, instead of being shown
    the sign-in form again and again with no reason. Without local passwords, the service's sign-in
    page (with its providers) signs people in to the admin too."""

    redirect_authenticated_user = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not access_for(request.user).may_use_admin:
            return render(request, "registration/admin_not_for_you.html", status=403)
        if not settings.LOCAL_PASSWORDS and not request.user.is_authenticated:
            return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
        return super().dispatch(request, *args, **kwargs)


# Single sign-on (intervention.sso). The state, nonce and PKCE verifier are kept in the session, as
# mozilla-django-oidc keeps them, with the provider's name beside them: a callback is accepted only
# from the provider its sign-in was sent to.
SSO_STATES = "oidc_states"
SSO_PROVIDER = "sso_provider"  # the session remembers which provider signed the person in
PKCE_VERIFIER_LENGTH = 64
SSO_REFUSALS = {
    "unknown": "registration/sso_unknown.html",
    "deactivated": "registration/sso_refused.html",
    "linked_elsewhere": "registration/sso_refused.html",
    "failed": "registration/sso_refused.html",
}


@require_http_methods(["GET"])
def sso_start(request: HttpRequest, provider: str) -> HttpResponse:
    """Send the person to the provider to sign in: the authorization code flow with PKCE (S256)."""
    chosen = sso.provider_named(provider)
    if chosen is None:
        raise Http404("No such sign-in provider")
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    try:
        authorization_endpoint = sso.discovery(chosen)["authorization_endpoint"]
    except (requests.RequestException, ValueError, KeyError, sso.TokenRefused) as error:
        logger.warning("Sign-in provider %s could not be reached: %s", chosen.name, error)
        return _refused(request, chosen, "failed", status=503)
    state = get_random_string(32)
    verifier = get_random_string(PKCE_VERIFIER_LENGTH)
    params = {
        "response_type": "code",
        "scope": chosen.scopes,
        "client_id": chosen.client_id,
        "redirect_uri": request.build_absolute_uri(chosen.callback_path),
        "state": state,
        "nonce": get_random_string(32),
        "code_challenge": generate_code_challenge(verifier, "S256"),
        "code_challenge_method": "S256",
    }
    add_state_and_verifier_and_nonce_to_session(request, state, params, verifier)
    request.session[SSO_STATES][state]["provider"] = chosen.name
    request.session["oidc_login_next"] = get_next_url(request, "next")
    request.session.modified = True
    return redirect(f"{authorization_endpoint}?{urlencode(params)}")


@require_http_methods(["GET"])
def sso_callback(request: HttpRequest, provider: str) -> HttpResponse:
    """Where the provider sends the person back. The state must be one this browser's sign-in sent
    to this provider; it is used once. The tokens are checked (intervention.sso); the person comes in
    if their identity is an active account's, or is told why not."""
    chosen = sso.provider_named(provider)
    if chosen is None:
        raise Http404("No such sign-in provider")
    states = request.session.get(SSO_STATES, {})
    sent = states.pop(request.GET.get("state", ""), None)
    request.session.modified = True
    if sent is None or sent.get("provider") != chosen.name or "error" in request.GET or "code" not in request.GET:
        logger.warning(
            "Sign-in through %s came back without a valid state or code (error %r, state known: %s)",
            chosen.name,
            request.GET.get("error", ""),
            sent is not None,
        )
        return _refused(request, chosen, "failed")
    next_url = request.session.pop("oidc_login_next", None)
    try:
        user = auth.authenticate(request, nonce=sent.get("nonce"), code_verifier=sent.get("code_verifier"))
    except (sso.TokenRefused, requests.RequestException, ValueError, KeyError) as error:
        logger.warning("Sign-in through %s refused: %s", chosen.name, error)
        return _refused(request, chosen, "failed")
    outcome = getattr(request, "sso_outcome", None)
    if user is None or outcome is None or outcome.user is None:
        return _refused(request, chosen, outcome.result if outcome else "failed")
    auth.login(request, user)
    request.session[SSO_PROVIDER] = chosen.name
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)


def _refused(request: HttpRequest, provider: sso.Provider, result: str, status: int = 403) -> HttpResponse:
    return render(request, SSO_REFUSALS[result], {"provider": provider, "result": result}, status=status)


@require_POST
def stay_signed_in(request: HttpRequest) -> HttpResponse:
    """The timeout warning's "Stay signed in": counts as using the service, so the idle clock restarts."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    request.session[SESSION_SEEN_AT] = int(time.time())
    return HttpResponse(status=204)


# The secret of the token made by the last POST, shown once by the next GET. Kept in the session (on the
# server), never in a URL or a cookie; the database keeps only its SHA-256.
NEW_API_TOKEN = "new_api_token"  # noqa: S105 - a session key, not a secret


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The person's API tokens: make one (shown once), see when each was last used, revoke one."""
    assert request.user.is_authenticated  # login_required
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.create_api_token(name=form.cleaned_data["name"], by=request.user)
        except ValidationError as error:
            form.add_error("name", error.message_dict.get("name", error.messages))
        else:
            request.session[NEW_API_TOKEN] = {"id": token.pk, "secret": secret}
            messages.success(request, f"Token '{token.name}' made")
            return redirect("api_tokens")
    new = request.session.pop(NEW_API_TOKEN, None)
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "intervention/api_tokens.html",
        {"form": form, "tokens": tokens, "new_token": new, "api_docs": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of one's own tokens (another person's is a 404): asks first, then stops it at once."""
    assert request.user.is_authenticated  # login_required
    token = get_object_or_404(ApiToken.objects.filter(user=request.user, revoked_at__isnull=True), pk=pk)
    if request.method == "POST":
        services.revoke_api_token(token=token, by=request.user)
        messages.success(request, f"Token '{token.name}' revoked. It no longer works.")
        return redirect("api_tokens")
    return render(request, "intervention/api_token_revoke.html", {"token": token})
