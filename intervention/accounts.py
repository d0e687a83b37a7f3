"""Local accounts: the sessions a person is signed in with, deactivation, invitations and the password
reset email. Views, the admin and tasks call these; nobody ever types someone else's password: an
invited person sets their own from the emailed link, and a forgotten one is reset by email."""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from intervention.enums import OVERSEEING_ROLES, Organisation, Role
from intervention.models import AccountSession, ApiToken, Intervention, Invitation, LocalAuthority, Person
from intervention.permissions import access_for
from intervention.queue import enqueue_after_commit

logger = logging.getLogger(__name__)

MAY_NOT_INVITE = "Only DfE staff can invite people to the service"
ALREADY_HAS_AN_ACCOUNT = "There is already an account with this email address"
COUNCIL_NEEDS_AUTHORITY = "Select the council they work for"
ROLE_NEEDS_CASE = "Select the intervention they are appointed to"
CASE_NEEDS_ROLE = "Select their appointment"
INVITATION_USED_OR_EXPIRED = "This invitation has already been used or has expired"
DEACTIVATED = "Account deactivated: its sessions ended and its API tokens revoked"
REACTIVATED = "Account reactivated"
ALREADY_DEACTIVATED = "This account has already been deactivated"
ALREADY_ACTIVE = "This account is already active"
MAY_NOT_DEACTIVATE_YOURSELF = "You cannot deactivate your own account"
INVITABLE_ORGANISATIONS = (Organisation.INDEPENDENT, Organisation.COUNCIL)
# The appointments an invitation may make: the commissioner's and the advisers'.
INVITABLE_ROLES = tuple(role for role in Role if role in OVERSEEING_ROLES)


def record_on_person(user: Any, *, by: Any, reason: str) -> None:
    """Put an act on an account (a reset, a deactivation) in the history of the person it belongs to."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        logger.warning("%s (account %s, no person to record it on)", reason, user.pk)
        return
    person._history_user = by  # type: ignore[attr-defined]  # simple-history's, read off the instance
    person._change_reason = reason  # type: ignore[attr-defined]
    person.save()


# Sessions ------------------------------------------------------------------------------------------


def record_session(request: HttpRequest, user: Any) -> None:
    """At sign-in: remember the session against the account (and forget ones too old to be alive)."""
    too_old = timezone.now() - settings.SESSION_ABSOLUTE_TIMEOUT
    AccountSession.objects.filter(user=user, signed_in_at__lt=too_old).delete()
    if request.session.session_key is None:
        request.session.save()
    AccountSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"user": user, "user_agent": request.headers.get("user-agent", "")[:200]},
    )


def forget_session(session_key: str | None) -> None:
    if session_key:
        AccountSession.objects.filter(session_key=session_key).delete()


def sessions_of(user: Any) -> list[AccountSession]:
    """The account's sessions that may still be alive (none outlives the absolute timeout)."""
    since = timezone.now() - settings.SESSION_ABSOLUTE_TIMEOUT
    return list(AccountSession.objects.filter(user=user, signed_in_at__gte=since))


def end_sessions(user: Any, *, keep: str | None = None) -> int:
    """End the account's sessions at once, in the session store itself, except `keep` (this one)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for record in AccountSession.objects.filter(user=user).exclude(session_key=keep or ""):
        store(session_key=record.session_key).delete()
        record.delete()
        ended += 1
    return ended


def may_manage_accounts(user: Any) -> bool:
    """Deactivating and reactivating people's accounts: DfE staff and administrators."""
    return access_for(user).sees_everything


@transaction.atomic
def deactivate(*, user: Any, by: Any, reason: str = "") -> None:
    """Close an account: it cannot sign in (by password or through a provider), its open sessions end
    now in the session store, its API tokens are revoked, and its calendar feed stops (the feed answers
    only an active account's address). Who did it and why go in the history of the account's person."""
    if user.pk == by.pk:
        raise ValidationError(MAY_NOT_DEACTIVATE_YOURSELF)
    user = type(user).objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError(ALREADY_DEACTIVATED)
    user.is_active = False
    user.save(update_fields=["is_active"])
    end_access(user, by=by, reason=reason)


def end_access(user: Any, *, by: Any, reason: str = "") -> None:
    """What follows an account being switched off (here, or by unticking "active" in the admin)."""
    end_sessions(user)
    now = timezone.now()
    for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
        token.revoked_at = now
        token._history_user = by  # type: ignore[attr-defined]
        token._change_reason = "Revoked: the account was deactivated"  # type: ignore[attr-defined]
        token.save()
    record_on_person(user, by=by, reason=f"{DEACTIVATED}: {reason}" if reason else DEACTIVATED)


@transaction.atomic
def reactivate(*, user: Any, by: Any, reason: str = "") -> None:
    """Open a deactivated account again: its owner can sign in. Tokens revoked at deactivation stay
    revoked (the owner makes new ones), and the second factor is as it was."""
    user = type(user).objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise ValidationError(ALREADY_ACTIVE)
    user.is_active = True
    user.save(update_fields=["is_active"])
    record_on_person(user, by=by, reason=f"{REACTIVATED}: {reason}" if reason else REACTIVATED)


# Invitations ---------------------------------------------------------------------------------------


def may_invite(user: Any) -> bool:
    return access_for(user).sees_everything


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(token: str) -> str:
    return settings.SITE_URL + reverse("accept_invitation", kwargs={"token": token})


@dataclass(frozen=True)
class NewInvitation:
    email: str
    name: str
    organisation: str
    local_authority: LocalAuthority | None = None
    intervention: Intervention | None = None
    role: str = ""


def check_invitation(details: NewInvitation) -> None:
    errors: dict[str, str] = {}
    if get_user_model().objects.filter(username=details.email).exists():
        errors["email"] = ALREADY_HAS_AN_ACCOUNT
    if details.organisation == Organisation.COUNCIL and details.local_authority is None:
        errors["local_authority"] = COUNCIL_NEEDS_AUTHORITY
    if details.role and details.intervention is None:
        errors["intervention"] = ROLE_NEEDS_CASE
    if details.intervention is not None and not details.role:
        errors["role"] = CASE_NEEDS_ROLE
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def invite(*, details: NewInvitation, by: Any) -> Invitation:
    """Invite someone by email. The link (made here, kept only as a hash) is emailed after commit."""
    if not may_invite(by):
        raise PermissionDenied(MAY_NOT_INVITE)
    check_invitation(details)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=details.email,
        name=details.name,
        organisation=details.organisation,
        local_authority=details.local_authority if details.organisation == Organisation.COUNCIL else None,
        intervention=details.intervention if details.role else None,
        role=details.role,
        token_hash=_hash(token),
        invited_by=by,
        expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS),
    )
    invitation._history_user = by  # type: ignore[attr-defined]
    invitation._change_reason = "Invited"  # type: ignore[attr-defined]
    invitation.save()
    enqueue_after_commit("intervention.email_invitation", invitation_id=invitation.pk, link=invitation_link(token))
    return invitation


def read_invitation(token: str) -> Invitation | None:
    """The invitation a link is for, or None if it is unknown, used or expired."""
    invitation = Invitation.objects.filter(token_hash=_hash(token)).select_related("intervention").first()
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= timezone.now():
        return None
    return invitation


def open_invitation_for(email: str) -> Invitation | None:
    """The newest unused, unexpired invitation to this email address, if any (for single sign-on)."""
    return (
        Invitation.objects.filter(email__iexact=email.strip(), accepted_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-invited_at", "-pk")
        .first()
    )


@transaction.atomic
def accept_invitation(*, invitation: Invitation, password: str | None) -> Any:
    """The invited person sets their password (or, with `password` None, signs in through a single
    sign-on provider whose verified email is the invitation's, and has no password here): their
    account, their person and their appointment are made, and the invitation is used up. Returns the
    new account."""
    from intervention.services import appoint

    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.expires_at <= timezone.now():
        raise ValidationError(INVITATION_USED_OR_EXPIRED)
    User = get_user_model()
    if User.objects.filter(username__iexact=invitation.email).exists():
        raise ValidationError(ALREADY_HAS_AN_ACCOUNT)
    user = User.objects.create_user(username=invitation.email.lower(), email=invitation.email, password=password)
    person = Person(
        name=invitation.name,
        organisation=invitation.organisation,
        local_authority=invitation.local_authority,
        email=invitation.email,
        user=user,
    )
    person.full_clean()
    person._history_user = invitation.invited_by  # type: ignore[attr-defined]
    person._change_reason = "Accepted an invitation"  # type: ignore[attr-defined]
    person.save()
    if invitation.role and invitation.intervention is not None:
        appoint(
            person=person,
            intervention=invitation.intervention,
            role=invitation.role,
            starts_on=timezone.localdate(),
            by=invitation.invited_by,
        )
    invitation.accepted_at = timezone.now()
    invitation.person = person
    invitation._history_user = user  # type: ignore[attr-defined]
    invitation._change_reason = "Accepted" if password is not None else "Accepted through single sign-on"  # type: ignore[attr-defined]
    invitation.save()
    return user


def email_invitation(*, invitation_id: int, link: str) -> bool:
    invitation = Invitation.objects.select_related("invited_by__person", "intervention__local_authority").get(
        pk=invitation_id
    )
    if invitation.accepted_at is not None:
        return False
    inviter = getattr(invitation.invited_by, "person", None)
    context = {
        "invitation": invitation,
        "inviter": inviter.name if inviter else "The Department for Education",
        "link": link,
        "days": settings.INVITATION_DAYS,
        "service_name": settings.SERVICE_NAME,
    }
    send_mail(
        f"You have been invited to {settings.SERVICE_NAME}",
        render_to_string("registration/email/invitation.txt", context),
        None,
        [invitation.email],
    )
    return True


# Password reset ------------------------------------------------------------------------------------


def email_password_reset(*, email: str) -> bool:
    """Email a link to choose a new password to the active account with this address, if there is one.
    The page that asked says the same either way. Django's token makes the link single use (it is
    signed over the password hash) and expire (PASSWORD_RESET_TIMEOUT)."""
    user = get_user_model().objects.filter(username=email.strip().lower(), is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "link": settings.SITE_URL + path,
        "link_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        "service_name": settings.SERVICE_NAME,
    }
    send_mail(
        f"Reset your password: {settings.SERVICE_NAME}",
        render_to_string("registration/email/password_reset.txt", context),
        None,
        [user.email or user.get_username()],
    )
    return True
