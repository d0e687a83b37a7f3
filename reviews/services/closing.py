"""Closing a case, an act that spans the apps: its instruments are revoked (or must already be), the
appointments end, every open deadline from the closing date is cancelled (kept, with the reason) and
no reminder goes out after. It lives here, in the highest app it touches; the admin's close page
(reviews.admin) calls it. Reopening is a recorded act of its own (intervention.services)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from directions.enums import InstrumentStatus
from directions.models import Instrument
from directions.services import revoke_instrument
from intervention.models import Intervention
from intervention.permissions import Capability, has_capability
from intervention.services import CLOSING_NEEDS_A_REASON, MAY_NOT_CLOSE, close_intervention
from reviews.services.deadlines import cancel_after_closing, materialise_deadlines

STILL_IN_FORCE = (
    "{instruments} still in force on {closed_on:%-d %B %Y}: revoke {them} first, or choose to revoke {them} "
    "on the closing date"
)
REVOKED_AFTER_CLOSING = (
    "The {kind} of {issued_on:%-d %B %Y} is revoked only from {revoked_on:%-d %B %Y}, after the closing date"
)
REVOKED_BY_CLOSING = "The intervention was closed: {reason}"


def instruments_to_revoke(intervention: Intervention, closed_on: datetime.date) -> list[Instrument]:
    """The case's issued instruments that nothing has revoked yet."""
    return list(
        Instrument.objects.filter(
            intervention=intervention, status=InstrumentStatus.ISSUED, revoked_on__isnull=True
        ).order_by("issued_on", "pk")
    )


def _described(instruments: list[Instrument]) -> str:
    names = [f"the {i.get_kind_display().lower()} of {i.issued_on:%-d %B %Y}" for i in instruments]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return listed[0].upper() + listed[1:] + (" is" if len(names) == 1 else " are")


@transaction.atomic
def close_case(
    *,
    intervention: Intervention,
    closed_on: datetime.date,
    reason: str,
    by: Any,
    revoke_in_force: bool = False,
    reference: str = "",
) -> Intervention:
    """Close a case. Steps:
    1. refuse unless the person manages the case (DfE) and gives a reason;
    2. every issued instrument must be revoked by the closing date: one still in force is refused,
       unless `revoke_in_force`, when it is revoked on that date (with the letter's reference), which
       ends the appointments it made and cancels its deadlines from that date;
    3. close the case, ending every appointment still running (intervention.services);
    4. materialise the case's deadlines, then cancel, with the reason, every open one due on or after
       the closing date. Reminders are never planned for a closed case (plan_notifications)."""
    if not has_capability(by, intervention, Capability.MANAGE_CASE):
        raise PermissionDenied(MAY_NOT_CLOSE.format(authority=intervention.local_authority.name))
    if not reason.strip():
        raise ValidationError({"reason": CLOSING_NEEDS_A_REASON})
    later = Instrument.objects.filter(
        intervention=intervention, status=InstrumentStatus.ISSUED, revoked_on__gt=closed_on
    ).first()
    if later is not None:
        raise ValidationError(
            REVOKED_AFTER_CLOSING.format(
                kind=later.get_kind_display().lower(), issued_on=later.issued_on, revoked_on=later.revoked_on
            )
        )
    in_force = instruments_to_revoke(intervention, closed_on)
    if in_force and not revoke_in_force:
        them = "it" if len(in_force) == 1 else "them"
        raise ValidationError(STILL_IN_FORCE.format(instruments=_described(in_force), closed_on=closed_on, them=them))
    for instrument in in_force:
        revoke_instrument(
            instrument=instrument,
            revoked_on=closed_on,
            reason=REVOKED_BY_CLOSING.format(reason=reason.strip()),
            reference=reference,
            by=by,
        )
    closed = close_intervention(intervention=intervention, closed_on=closed_on, by=by, reason=reason)
    materialise_deadlines(today=timezone.localdate(), intervention_id=closed.pk)
    cancel_after_closing(intervention_id=closed.pk)
    return closed
