"""Who signs a report off: the role that delivers it under the reporting obligation that requires it.

The terms of reference say who delivers each report ("the commissioner will deliver six-weekly
highlight reports to the DfE Contract Manager"): that person signs it. The obligation that requires a
report is the one whose `report_kind` is the report's kind, among the obligations of the case's
instruments in force at the end of the report's period; a deadline the report was recorded as meeting
says it outright. The instrument's wording is never read for it (directions migration 0010 filled the
field once, from the wording match used before). With no such obligation, the kind's default
(reviews.models.reports.SIGN_OFF_ROLES) signs it.

A leaf of the report services: it reads models only, so the renderers and pages can ask it too."""

from __future__ import annotations

import datetime

from django.utils import timezone

from directions.enums import Deliverer
from directions.models import Instrument, ReportingObligation
from intervention.enums import Role
from intervention.models import Appointment
from reviews.models import Deadline, Report
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
    instruments = Instrument.objects.filter(intervention=report.intervention_id).in_force_on(_as_at(report))
    return (
        ReportingObligation.objects.filter(instrument__in=instruments, report_kind=report.kind)
        .order_by("-instrument__issued_on", "-instrument_id", "pk")
        .first()
    )


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
