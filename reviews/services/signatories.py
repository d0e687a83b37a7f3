"""Who signs a report off: the role that delivers it under the reporting obligation that requires it.

The terms of reference say who delivers each report ("the commissioner will deliver six-weekly
highlight reports to the DfE Contract Manager"): that person signs it. An obligation is the instrument's
words, not a report kind, so the kind is recognised from what is due and to whom (OBLIGATION_FOR_KIND),
among the obligations of the case's instruments in force at the end of the report's period; a deadline
the report was recorded as meeting says it outright. With no such obligation, the kind's default
(reviews.models.reports.SIGN_OFF_ROLES) signs it.

A leaf of the report services: it reads models only, so the renderers and pages can ask it too."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone

from directions.enums import Deliverer, Recipient
from directions.models import Instrument, ReportingObligation
from intervention.enums import Role
from intervention.models import Appointment
from reviews.models import Deadline, Report, ReportKind
from reviews.models.reports import SIGN_OFF_ROLE_WORDS, SIGN_OFF_ROLES

# The role that signs what each deliverer delivers. The council's reports are signed by its director;
# the Secretary of State has no one on the case, so the kind's default signs.
SIGNATORY_OF_DELIVERER: dict[str, tuple[str, ...]] = {
    Deliverer.COUNCIL: (Role.DIRECTOR_OF_CHILDRENS_SERVICES,),
    Deliverer.COMMISSIONER: (Role.COMMISSIONER,),
    # Whichever adviser the case has: an improvement notice appoints an improvement adviser.
    Deliverer.ADVISER: (Role.IMPROVEMENT_ADVISER, Role.INTERVENTION_ADVISER),
    Deliverer.BOARD_CHAIR: (Role.IMPROVEMENT_BOARD_CHAIR,),
    Deliverer.DFE: (Role.DFE_CASE_LEAD,),
}


def _words(obligation: ReportingObligation) -> str:
    return obligation.what.lower()


# How an obligation that requires each kind reads. The instruments word them in many ways ("Evidence
# based highlight report", "Written update on the Council's progress", "Further review of progress
# after six months" to the Minister), so the test is on the words that stay.
OBLIGATION_FOR_KIND: dict[str, Callable[[ReportingObligation], bool]] = {
    ReportKind.HIGHLIGHT: lambda o: "highlight" in _words(o),
    ReportKind.MINISTERIAL_UPDATE: lambda o: "update" in _words(o) and o.recipient == Recipient.MINISTER,
    ReportKind.PROGRESS: lambda o: (
        o.recipient == Recipient.MINISTER
        and "update" not in _words(o)
        and ("report" in _words(o) or "review" in _words(o))
    ),
    ReportKind.CABINET: lambda o: o.recipient == Recipient.COUNCIL_CABINET,
}


def _as_at(report: Report) -> datetime.date:
    return report.period_end or (report.review.held_on if report.review else None) or timezone.localdate()


def requiring_obligation(report: Report) -> ReportingObligation | None:
    """The obligation that requires the report: the one of the deadline it met, else the first of the
    instruments in force at the end of its period (the latest instrument first) that reads as its kind."""
    met = (
        Deadline.objects.filter(met_by_report=report, obligation__isnull=False)
        .select_related("obligation")
        .order_by("-computed_on", "-pk")
        .first()
        if report.pk
        else None
    )
    if met is not None and met.obligation is not None:
        return met.obligation
    matches = OBLIGATION_FOR_KIND.get(report.kind)
    if matches is None:
        return None
    instruments = Instrument.objects.filter(intervention=report.intervention_id).in_force_on(_as_at(report))
    obligations = ReportingObligation.objects.filter(instrument__in=instruments).order_by(
        "-instrument__issued_on", "-instrument_id", "pk"
    )
    return next((obligation for obligation in obligations if matches(obligation)), None)


def signatory_role(report: Report) -> str | None:
    """The role that signs the report off: the deliverer of the obligation that requires it, else the
    kind's default. None for a kind not signed off here (an instrument's copy)."""
    default = SIGN_OFF_ROLES[report.kind]
    if default is None:
        return None
    obligation = requiring_obligation(report)
    roles = SIGNATORY_OF_DELIVERER.get(obligation.deliverer, ()) if obligation else ()
    if len(roles) > 1:
        held = set(
            Appointment.objects.filter(intervention=report.intervention_id, role__in=roles)
            .active_on(timezone.localdate())
            .values_list("role", flat=True)
        )
        roles = tuple(role for role in roles if role in held) or roles
    return roles[0] if roles else default


def signatory_words(report: Report) -> str:
    """The signatory's role as it reads in a sentence ("signed off by the commissioner")."""
    role = signatory_role(report)
    return SIGN_OFF_ROLE_WORDS.get(role or "", "")
