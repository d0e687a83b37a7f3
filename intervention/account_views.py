"""Accounts' pages: unlocking an account by email, for a person locked out after too many wrong
passwords (both pages are public: the person cannot sign in, and neither says whether an account
exists: intervention.lockout); the admin's sign-in page; the second step of signing in and setting it
up (intervention.two_factor); the account page; changing and resetting a password; invitations
(intervention.accounts)."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordChangeView, PasswordResetConfirmView, redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.template.defaultfilters import pluralize
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from mozilla_django_oidc.utils import add_state_and_verifier_and_nonce_to_session, generate_code_challenge
from mozilla_django_oidc.views import get_next_url

from intervention import accounts, lockout, services, sso, two_factor
from intervention.forms import (
    WRONG_CODE,
    WRONG_SET_UP_CODE,
    AcceptInvitationForm,
    AccountAccessForm,
    ApiTokenForm,
    GovukPasswordChangeForm,
    GovukSetPasswordForm,
    InvitationForm,
    PasswordResetRequestForm,
    SecondFactorForm,
    SetUpSecondFactorForm,
    SignInForm,
    UnlockRequestForm,
)
from intervention.middleware import SESSION_SEEN_AT
from intervention.models import ApiToken
from intervention.permissions import access_for
from intervention.queue import enqueue_after_commit, promise
from intervention.stale import STALE

logger = logging.getLogger(__name__)

UNLOCKED = "Your account is unlocked. Sign in with your email address and password."


@require_http_methods(["GET", "POST"])
def unlock_request(request: HttpRequest) -> HttpResponse:
    """Ask for a link to unlock an account. The answer is the same whether or not the account exists
    or is locked; the worker decides whether to send it, so the page takes the same time too."""
    form = UnlockRequestForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        email = form.cleaned_data["email"]
        # Promised through the outbox (intervention.queue): a broker that is down delays the email,
        # never loses it, and the page is the same either way.
        promise("intervention.email_unlock_link", email=email)
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
    # The provider's own multi-factor sign-in stands for our second step (issue 17): DfE Sign-in and
    # Entra ID require it, and local codes are for local accounts.
    request.session[two_factor.SESSION_PENDING] = False
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


# The second step at sign-in, and setting it up (intervention.two_factor) ------------------------------


def _next_page(request: HttpRequest) -> str:
    page = request.POST.get("next") or request.GET.get("next") or ""
    if page and url_has_allowed_host_and_scheme(
        page, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return page
    return resolve_url(settings.LOGIN_REDIRECT_URL)


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


def second_factor(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    if not request.user.is_authenticated or not request.user.is_active:
        return redirect_to_login(request.get_full_path())
    if not two_factor.is_pending(request):
        return redirect(_next_page(request))
    if not two_factor.has_authenticator(request.user):
        return redirect(f"{reverse('set_up_second_factor')}?{urlencode({'next': request.GET.get('next', '')})}")
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        if two_factor.verify(request, form.cleaned_data["code"]):
            return redirect(_next_page(request))
        form.add_error("code", WRONG_CODE)
    return render(request, "registration/second_factor.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
@require_http_methods(["GET", "POST"])
def set_up_second_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: a QR code and the secret as text, then a code from the app. Reached
    at sign-in (when it is required and not set up yet) or from the account page."""
    if two_factor.has_authenticator(request.user):
        # Replacing an app takes an administrator's reset: a password alone must never be enough to
        # set up a new one in place of the person's own.
        if two_factor.is_pending(request):
            return redirect("second_factor")
        messages.info(request, "You have already set up an authenticator app.")
        return redirect("account")
    device = two_factor.start_set_up(request.user)
    form = SetUpSecondFactorForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        if two_factor.finish_set_up(request, device, form.cleaned_data["code"]):
            return redirect(f"{reverse('recovery_codes')}?{urlencode({'next': _next_page(request)})}")
        form.add_error("code", WRONG_SET_UP_CODE)
    context = {
        "form": form,
        "qr_code": mark_safe(two_factor.qr_code_svg(device)),  # noqa: S308 - segno's SVG of our own address
        "secret": two_factor.secret_for_people(device),
        "next": request.GET.get("next", ""),
        "required": two_factor.is_required_for(request.user),
    }
    return render(request, "registration/set_up_second_factor.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once. A POST makes a new set (the old ones stop working)."""
    if not two_factor.has_authenticator(request.user):
        return redirect("set_up_second_factor")
    if request.method == "POST":
        request.session[two_factor.SESSION_NEW_RECOVERY_CODES] = two_factor.make_recovery_codes(request.user)
        return redirect("recovery_codes")
    codes = request.session.pop(two_factor.SESSION_NEW_RECOVERY_CODES, None)
    context = {
        "codes": codes,
        "left": two_factor.recovery_codes_left(request.user),
        "next": _next_page(request) if request.GET.get("next") else reverse("account"),
    }
    return render(request, "registration/recovery_codes.html", context)


# The account page ------------------------------------------------------------------------------------


@login_required
def account(request: HttpRequest) -> HttpResponse:
    from intervention.models import Appointment, Person

    assert request.user.is_authenticated  # login_required
    person = Person.objects.filter(user=request.user).select_related("local_authority").first()
    appointments = (
        Appointment.objects.filter(person=person)
        .active_on(timezone.localdate())
        .select_related("intervention__local_authority")
        if person
        else []
    )
    context = {
        "person": person,
        "appointments": appointments,
        "has_authenticator": two_factor.has_authenticator(request.user),
        "two_factor_required": two_factor.is_required_for(request.user),
        "recovery_codes_left": two_factor.recovery_codes_left(request.user),
        "sessions": accounts.sessions_of(request.user),
        "this_session": request.session.session_key,
        "has_password": request.user.has_usable_password(),
    }
    return render(request, "registration/account.html", context)


@login_required
@require_POST
def sign_out_everywhere_else(request: HttpRequest) -> HttpResponse:
    ended = accounts.end_sessions(request.user, keep=request.session.session_key)
    messages.success(request, f"You have been signed out everywhere else ({ended} other session{pluralize(ended)}).")
    return redirect("account")


class ChangePasswordView(PasswordChangeView):
    """Change one's own password: other sessions end (Django's session hash), this one stays."""

    form_class = GovukPasswordChangeForm
    template_name = "registration/change_password.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        accounts.end_sessions(self.request.user, keep=self.request.session.session_key)
        messages.success(self.request, "Your password has been changed. You have been signed out everywhere else.")
        return response


# Password reset by email (public: the person cannot sign in) -----------------------------------------


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a link to choose a new password. The answer is the same whether or not the account
    exists, and takes the same time: the worker looks the address up and decides whether to send.
    With local passwords switched off (single sign-on only) there are no passwords to reset."""
    if not settings.LOCAL_PASSWORDS:
        raise Http404
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        email = form.cleaned_data["email"]
        enqueue_after_commit("intervention.email_password_reset", email=email)
        context = {"email": email, "link_minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
        return render(request, "registration/password_reset_sent.html", context)
    return render(request, "registration/password_reset.html", {"form": form})


class ResetPasswordView(PasswordResetConfirmView):
    """The emailed link: Django's checks (signed over the password hash, so single use; expiring after
    PASSWORD_RESET_TIMEOUT). The person signs in afterwards, second step included."""

    form_class = GovukSetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
    post_reset_login = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not settings.LOCAL_PASSWORDS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        accounts.end_sessions(form.user)
        return response


def password_reset_complete(request: HttpRequest) -> HttpResponse:
    messages.success(request, "Your password has been changed. Sign in with your new password.")
    return redirect("login")


# Invitations -----------------------------------------------------------------------------------------


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    from intervention.models import Invitation

    if not accounts.may_invite(request.user):
        raise PermissionDenied
    invitations = Invitation.objects.select_related(
        "invited_by__person", "local_authority", "intervention__local_authority", "person"
    )
    return render(request, "registration/invitation_list.html", {"invitations": invitations[:200]})


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    if not accounts.may_invite(request.user):
        raise PermissionDenied
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        details = accounts.NewInvitation(
            email=data["email"],
            name=data["name"],
            organisation=data["organisation"],
            local_authority=data["local_authority"],
            intervention=data["intervention"],
            role=data["role"],
        )
        try:
            accounts.invite(details=details, by=request.user)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field, message)
        else:
            messages.success(request, f"Invitation sent to {details.email}")
            return redirect("invitation_list")
    return render(request, "registration/invite.html", {"form": form})


ACCOUNT_DEACTIVATED = "{name}'s account is deactivated: they are signed out everywhere and their API tokens are revoked"
ACCOUNT_REACTIVATED = "{name}'s account is active again: they can sign in"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_access(request: HttpRequest, pk: int) -> HttpResponse:
    """DfE deactivates someone's account (they cannot sign in by password or through a provider, their
    sessions end and their API tokens are revoked) or reactivates it, saying why (intervention.accounts)."""
    if not accounts.may_manage_accounts(request.user):
        raise Http404  # whether an account exists is not told to those who may not manage it
    account = get_object_or_404(auth.get_user_model().objects.select_related("person"), pk=pk)
    was_active = "yes" if account.is_active else "no"
    form = AccountAccessForm(request.POST or None, initial={"was_active": was_active})
    if request.method == "POST" and form.is_valid():
        name = getattr(getattr(account, "person", None), "name", None) or account.get_username()
        reason = form.cleaned_data["reason"]
        if form.cleaned_data["was_active"] != was_active:
            form.add_error(None, STALE)
        elif account.pk == request.user.pk:
            form.add_error(None, accounts.MAY_NOT_DEACTIVATE_YOURSELF)
        else:
            try:
                if account.is_active:
                    accounts.deactivate(user=account, by=request.user, reason=reason)
                    messages.success(request, ACCOUNT_DEACTIVATED.format(name=name))
                else:
                    accounts.reactivate(user=account, by=request.user, reason=reason)
                    messages.success(request, ACCOUNT_REACTIVATED.format(name=name))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("account_access", pk=account.pk)
    # The hidden state is always the one shown now, so that a refused form sent again acts on what it saw.
    context = {"account": account, "form": form, "was_active": was_active}
    return render(request, "registration/account_access.html", context)


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed invitation: the invited person chooses a password and is signed in (then sets up
    their authenticator app, if they must). Works once, until it expires."""
    invitation = accounts.read_invitation(token)
    if invitation is None:
        return render(request, "registration/accept_invitation.html", {"valid": False})
    form = AcceptInvitationForm(request.POST if request.method == "POST" else None, invitation=invitation)
    if form.is_valid():
        user = accounts.accept_invitation(invitation=invitation, password=form.cleaned_data["new_password1"])
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your account is ready.")
        return redirect("home")
    return render(
        request, "registration/accept_invitation.html", {"valid": True, "form": form, "invitation": invitation}
    )
