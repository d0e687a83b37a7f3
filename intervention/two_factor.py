"""The second factor at sign-in, for local accounts: an authenticator app (TOTP, django-otp's TOTPDevice)
and single-use recovery codes (django-otp's StaticDevice).

Who must use it is a setting (TWO_FACTOR_REQUIRED_FOR, by kind of person: administrators, DfE staff,
commissioners and advisers by default); anyone else may set it up, and once set up it is asked for at
every sign-in. Signing in is two steps: the password signs the session in with the second step
pending (SESSION_PENDING), and `SecondFactorMiddleware` lets a pending session reach only the code page,
the set-up page and the pages anyone may read, until `verify` (or `finish_set_up`) marks the session
verified the way django-otp does (`django_otp.login`: DEVICE_ID_SESSION_KEY). Whether the step is
needed is worked out once, at sign-in, and kept in the session, so pages pay no query for it.
"""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from intervention.enums import OVERSEEING_ROLES, Organisation, Role

SESSION_PENDING = "second_factor_pending"
# Recovery codes just made, shown once by the next page and then gone from the session.
SESSION_NEW_RECOVERY_CODES = "new_recovery_codes"
RESET_REASON = "Second factor reset by an administrator: set up again at the next sign-in"


def kinds_of(user: Any) -> set[str]:
    """The kinds of person (TWO_FACTOR_KINDS) a user is, for TWO_FACTOR_REQUIRED_FOR."""
    from intervention.models import Appointment, Person

    kinds: set[str] = set()
    if user.is_superuser:
        kinds.add("administrator")
    person = Person.objects.filter(user=user).first()
    if person is None:
        return kinds
    if person.organisation == Organisation.DFE:
        kinds.add("dfe")
    if person.organisation == Organisation.COUNCIL:
        kinds.add("council")
    roles = set(Appointment.objects.filter(person=person).values_list("role", flat=True))
    if Role.COMMISSIONER in roles or (person.organisation == Organisation.INDEPENDENT and not roles):
        kinds.add("commissioner")
    if roles & (OVERSEEING_ROLES - {Role.COMMISSIONER}):
        kinds.add("adviser")
    return kinds


def is_required_for(user: Any) -> bool:
    return bool(kinds_of(user) & settings.TWO_FACTOR_REQUIRED_FOR)


def has_authenticator(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def needs_second_step(user: Any) -> bool:
    return has_authenticator(user) or is_required_for(user)


def start_sign_in(request: HttpRequest, user: Any) -> None:
    """At sign-in (the password has been accepted): whether the session must wait for a code."""
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[SESSION_PENDING] = needs_second_step(user)


def is_pending(request: HttpRequest) -> bool:
    """Whether a signed-in session still waits for its second step. A session from before the step
    existed (no mark either way) is worked out once, then kept."""
    session = request.session
    if session.get(DEVICE_ID_SESSION_KEY):
        return False
    if SESSION_PENDING not in session:
        session[SESSION_PENDING] = needs_second_step(request.user)
    return bool(session[SESSION_PENDING])


def mark_verified(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    request.session[SESSION_PENDING] = False


def verify(request: HttpRequest, code: str) -> bool:
    """Check a code from the authenticator app, or a recovery code (used up by checking it)."""
    code = "".join(code.split()).lower()
    user = request.user
    with transaction.atomic():
        candidates: list[Any] = []
        if code.isdigit():
            candidates += TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
        else:
            candidates += StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)
        for device in candidates:
            if device.verify_token(code):
                mark_verified(request, device)
                return True
    return False


def start_set_up(user: Any) -> TOTPDevice:
    """The authenticator being set up: made on the first visit, the same secret on the next ones."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def finish_set_up(request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """Confirm the authenticator with a code from it; on success it replaces any earlier one, the
    person gets new recovery codes (kept in the session to be shown once), and the session is verified."""
    code = "".join(code.split())
    if not code.isdigit() or not device.verify_token(code):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    request.session[SESSION_NEW_RECOVERY_CODES] = make_recovery_codes(device.user)
    mark_verified(request, device)
    return True


@transaction.atomic
def make_recovery_codes(user: Any) -> list[str]:
    """New recovery codes in place of any earlier ones. Each works once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(  # no history: django-otp's codes, not a decision (resets go on the person)
        StaticToken(device=device, token=code) for code in codes
    )
    return codes


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_for_people(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed: base 32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The set-up address as an inline SVG QR code (no image request, nothing inline to allow in the CSP)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=False)


@transaction.atomic
def reset_second_factor(*, user: Any, by: Any) -> None:
    """An administrator takes away a person's authenticator and recovery codes (a lost phone): they set
    one up again at their next sign-in, and their sessions end now. Recorded in the person's history."""
    from intervention.accounts import end_sessions, record_on_person

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    end_sessions(user)
    record_on_person(user, by=by, reason=RESET_REASON)
