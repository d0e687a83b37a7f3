"""Unlocking an account by email, for a person locked out after too many wrong passwords (both pages
are public: the person cannot sign in, and neither says whether an account exists: intervention.lockout),
and the admin's sign-in page."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from intervention import lockout
from intervention.forms import SignInForm, UnlockRequestForm
from intervention.middleware import SESSION_SEEN_AT
from intervention.permissions import access_for
from intervention.queue import promise

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


class AdminSignInView(LoginView):
    """The admin's sign-in page. A signed-in person who may not use the admin screens (a council
    officer, a former commissioner) is told so, with a way back to their work, instead of being shown
    the sign-in form again and again with no reason."""

    authentication_form = SignInForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not access_for(request.user).may_use_admin:
            return render(request, "registration/admin_not_for_you.html", status=403)
        return super().dispatch(request, *args, **kwargs)


@require_POST
def stay_signed_in(request: HttpRequest) -> HttpResponse:
    """The timeout warning's "Stay signed in": counts as using the service, so the idle clock restarts."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    request.session[SESSION_SEEN_AT] = int(time.time())
    return HttpResponse(status=204)
