"""What a person typed into a form when their session ran out, kept for them until they sign in again.

The idle timeout signs a person out; the form they then send is not saved, since nobody is signed in to
save it. Instead of losing it, the session timeout keeps the fields they typed (never files, never the
CSRF token) in the new session, server-side, with who typed them and on which page. When the same person
signs in again and opens that page, the page puts the values back into its form (static/js/restore-form.mjs)
and says so; they check it and save again, and the page's own checks (a stale save is refused) apply as
ever. Nothing goes in the address, and someone else signing in on the same browser gets nothing."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.http import url_has_allowed_host_and_scheme

SESSION_KEY = "interrupted_form"
KEPT_FOR_SECONDS = 24 * 3600
NOT_KEPT = {"csrfmiddlewaretoken", "password"}


def form_page(request: HttpRequest) -> str:
    """The page the form was on: the one it was sent from (a POST-only address would answer 405),
    if it is ours, else the address it was sent to."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


def passes_csrf(request: HttpRequest) -> bool:
    """Django's own CSRF check, run before the view would have run it."""

    def no_view(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    check = CsrfViewMiddleware(no_view)
    return check.process_view(request, no_view, (), {}) is None


def keep(request: HttpRequest, *, user_id: int, page: str) -> None:
    """Called after the timeout signed the person out, so it goes in the new, signed-out session."""
    fields = [(name, value) for name, values in request.POST.lists() if name not in NOT_KEPT for value in values]
    if not fields:
        return
    request.session[SESSION_KEY] = {
        "user_id": user_id,
        "page": page,
        "fields": fields,
        "had_files": bool(request.FILES),
        "kept_at": int(time.time()),
    }


def take_back(request: HttpRequest) -> dict[str, Any] | None:
    """For the page being shown: the form typed on it by the person now signed in, once."""
    kept = getattr(request, "session", {}).get(SESSION_KEY)
    if not kept or not request.user.is_authenticated or request.method != "GET":
        return None
    page = urlsplit(kept["page"]).path
    if page != request.path:
        return None
    del request.session[SESSION_KEY]
    if kept["user_id"] != request.user.pk or time.time() - kept["kept_at"] > KEPT_FOR_SECONDS:
        return None
    return {"fields_json": json.dumps(kept["fields"]), "had_files": kept["had_files"]}
