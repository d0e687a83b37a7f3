"""Idle and absolute session timeouts (DfE Secure by Design: sessions end after inactivity and
after at most 12 hours, whatever the activity), and two response headers: Permissions-Policy, and
Cache-Control: no-store on whatever a signed-in person is shown."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import structlog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from intervention import interrupted_forms

SESSION_SIGNED_IN_AT = "signed_in_at"
SESSION_SEEN_AT = "seen_at"
SIGNED_OUT_IDLE = (
    "You were signed out because you had not used the service for {minutes} minutes. Sign in again to continue."
)
SIGNED_OUT_ABSOLUTE = "You were signed out because you had been signed in for {hours} hours. Sign in again to continue."
# Writing the session on every request would cost a write per page; a minute's slack is enough.
SEEN_AT_RESOLUTION_SECONDS = 60


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            signed_in_at = request.session.get(SESSION_SIGNED_IN_AT, now)
            seen_at = request.session.get(SESSION_SEEN_AT, now)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            message = None
            if now - signed_in_at > absolute:
                message = SIGNED_OUT_ABSOLUTE.format(hours=int(absolute // 3600))
            elif now - seen_at > idle:
                message = SIGNED_OUT_IDLE.format(minutes=int(idle // 60))
            if message:
                user_id = request.user.pk
                # Only a form this service gave the person is kept: another site's POST is not put back.
                sent_a_form = request.method == "POST" and interrupted_forms.passes_csrf(request)
                page = interrupted_forms.form_page(request) if sent_a_form else request.get_full_path()
                logout(request)
                if sent_a_form:
                    interrupted_forms.keep(request, user_id=user_id, page=page)
                    message += " What you typed has not been saved: it will be put back in the form for you to check."
                messages.info(request, message)
                return redirect(f"{reverse('login')}?{urlencode({'next': page})}")
            if now - seen_at >= SEEN_AT_RESOLUTION_SECONDS or SESSION_SIGNED_IN_AT not in request.session:
                request.session[SESSION_SEEN_AT] = now
                request.session.setdefault(SESSION_SIGNED_IN_AT, signed_in_at)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Permissions-Policy: each feature in PERMISSIONS_POLICY_DISABLED is off ("camera=()"). A response
    that already has the header keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DISABLED)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class NoStoreForSignedInMiddleware:
    """Every response to a signed-in person says Cache-Control: no-store (with Django's never-cache
    headers), so no browser or proxy keeps a copy of a case page, a report or a piece of evidence. Only
    signed-in people see case data, so this is the simple rule that covers all of it; the downloads and
    the calendar feed (which no one signs in for) say so themselves: downloads no-store, the feed
    private and no-cache, so only the person's calendar program keeps it and revalidates each poll.
    Static files never get here: WhiteNoise, earlier in MIDDLEWARE, has answered them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class CaseLogContextMiddleware:
    """On a case's pages (/interventions/<id>/…), every log line of the request, and of the tasks it
    enqueues, carries the case's id (intervention.observability). Pages reached by a report's,
    review's or file's own id bind it where they look the case up (bind_case_to_logs)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        if request.path.startswith(reverse("intervention_list")):
            case_id = kwargs.get("case_pk", kwargs.get("pk"))
            if case_id is not None:
                bind_case_to_logs(case_id)


def bind_case_to_logs(case_id: int) -> None:
    structlog.contextvars.bind_contextvars(case_id=case_id)


# What a session waiting for its second step may reach: the step itself, signing out, and the pages
# anyone may read (intervention.two_factor).
SECOND_STEP_PAGES = frozenset(
    {
        "second_factor",
        "set_up_second_factor",
        "logout",
        "stay_signed_in",
        "help",
        "accessibility",
        "privacy",
        "cookies",
        "health",
    }
)


class SecondFactorMiddleware:
    """A session whose password was accepted but whose second step is pending reaches only
    SECOND_STEP_PAGES; anything else, the admin included, sends it to the code page (or, with no
    authenticator yet, the set-up page), and back to where it was going afterwards."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, args: tuple, kwargs: dict) -> HttpResponse | None:
        from intervention import two_factor

        if not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in SECOND_STEP_PAGES:
            return None
        if not two_factor.is_pending(request):
            return None
        page = request.get_full_path() if request.method == "GET" else ""
        target = reverse("second_factor")
        return redirect(f"{target}?{urlencode({'next': page})}" if page else target)
