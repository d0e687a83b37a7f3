"""Lock-out after failed sign-ins (DfE Secure by Design), on django-axes.

Two locks, each from axes's lockout parameters ["username", "ip_address"]:
- the account: AXES_FAILURE_LIMIT wrong passwords for one email address, from anywhere, lock it;
- the network address: AXES_ADDRESS_FAILURE_LIMIT failures from one address, over any accounts, lock
  every sign-in from it. That stops password spraying (a few guesses at many accounts), which never
  trips an account's lock. The limit is higher, so that an office behind one address has headroom.

Axes compares every parameter with one limit; `AccountOrAddressHandler` gives each its own and is
otherwise axes's database handler. A locked person sees the same page whichever lock it is.

An account's lock is lifted by a signed, time-limited, single-use link emailed to the account
(`unlock_link` and `read_unlock_link`), or by an administrator in the admin; an address's only by an
administrator, or when the cool-off ends. README.md, "Accounts and sessions", says why.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

logger = logging.getLogger(__name__)

UNLOCK_SALT = "intervention.lockout.unlock"


class AccountOrAddressHandler(AxesDatabaseHandler):
    """Axes's database handler, with a limit for each lockout parameter."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        # Axes locks when get_failures(...) >= the failure limit. Each parameter's failures are given
        # in units of the account's limit, so that each is compared with a limit of its own.
        limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        worst = 0
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            own_limit = settings.AXES_ADDRESS_FAILURE_LIMIT if parameter == "ip_address" else limit
            worst = max(worst, failures * limit // own_limit)
        return worst

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        # A successful sign-in clears that account's failures (and so their share of its address's
        # count), not every failure from the address: otherwise anyone with an account could clear
        # the address lock by signing in between rounds of guesses at other accounts.
        username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
        if not username:
            return 0
        return reset(username=username)


def client_ip_address(request: HttpRequest) -> str | None:
    """The address a sign-in came from, for the address lock (AXES_CLIENT_IP_CALLABLE).

    Behind PROXY_COUNT trusted proxies, each of which appends the address it saw to
    X-Forwarded-For, the client's address is that many entries from the right: anything to the
    left of it was written by the client and cannot be trusted. With no proxies, REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


def account_attempts(username: str) -> QuerySet[AccessAttempt]:
    """The account's failed sign-ins that still count, from any address."""
    return AccessAttempt.objects.filter(username=username, attempt_time__gte=timezone.now() - get_cool_off())


def account_lock(username: str) -> int | None:
    """An id for the account's lock (its first failed attempt that still counts) if the account is
    locked, else None. Unlocking deletes that attempt, so a link made for the lock works once."""
    attempts = account_attempts(username)
    failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
    if failures < settings.AXES_FAILURE_LIMIT:
        return None
    return attempts.order_by("pk").values_list("pk", flat=True).first()


def unlock_link(user: Any, lock: int) -> str:
    token = signing.dumps({"user": user.pk, "lock": lock}, salt=UNLOCK_SALT)
    return settings.SITE_URL + reverse("unlock_account", kwargs={"token": token})


@dataclass(frozen=True)
class Unlock:
    user: Any
    lock: int


def read_unlock_link(token: str) -> Unlock | None:
    """The account and lock a link unlocks, or None if the link is forged, older than
    UNLOCK_LINK_MINUTES, or already used (its lock's attempts are gone: unlocked, or cleaned up by
    axes after the cool-off)."""
    try:
        payload = signing.loads(token, salt=UNLOCK_SALT, max_age=settings.UNLOCK_LINK_MINUTES * 60)
        user_id, lock = int(payload["user"]), int(payload["lock"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not AccessAttempt.objects.filter(pk=lock, username=user.get_username()).exists():
        return None
    return Unlock(user=user, lock=lock)


def unlock_account(user: Any) -> int:
    """Lift the account's lock (its failed attempts from every address). An address's own lock stays."""
    count = reset(username=user.get_username())
    logger.warning("Account %s unlocked (%d failed attempts cleared)", user.pk, count)
    return count


def email_unlock_link(*, email: str) -> bool:
    """Email an unlock link to the account with this address, if there is one and it is locked.

    Whatever the outcome the person who asked is told the same, so the form reveals nothing about
    which accounts exist. At most one email goes to an account every UNLOCK_EMAIL_INTERVAL_MINUTES,
    so the form cannot be used to flood someone's inbox. Returns whether an email was sent.
    """
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    from intervention.templatetags.numbers import plain_duration

    username = email.strip().lower()
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        return False
    lock = account_lock(username)
    if lock is None:
        return False
    # One email per account per window of the interval: `cache.add` claims the window atomically, and
    # the window is counted from the service's clock, not the cache's expiry (Redis keeps its own time).
    interval = settings.UNLOCK_EMAIL_INTERVAL_MINUTES * 60
    window = int(timezone.now().timestamp() // interval)
    recently_sent = f"intervention.unlock-email.{user.pk}.{window}"
    if not cache.add(recently_sent, True, timeout=interval):
        return False
    context = {
        "link": unlock_link(user, lock),
        "link_minutes": settings.UNLOCK_LINK_MINUTES,
        "cooloff": plain_duration(get_cool_off()),
        "service_name": settings.SERVICE_NAME,
    }
    try:
        send_mail(
            f"Unlock your account: {settings.SERVICE_NAME}",
            render_to_string("registration/email/unlock_account.txt", context),
            None,
            [user.email or user.get_username()],
        )
    except Exception:
        cache.delete(recently_sent)  # a retry may send it
        raise
    return True
