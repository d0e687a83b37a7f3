"""Idle and absolute session timeouts (DfE Secure by Design: sessions end after inactivity and
after at most 12 hours, whatever the activity)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

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
                logout(request)
                messages.info(request, message)
                return redirect(f"{reverse('login')}?next={request.get_full_path()}")
            if now - seen_at >= SEEN_AT_RESOLUTION_SECONDS or SESSION_SIGNED_IN_AT not in request.session:
                request.session[SESSION_SEEN_AT] = now
                request.session.setdefault(SESSION_SIGNED_IN_AT, signed_in_at)
        return self.get_response(request)
