"""The demo scenario's people, cases and inspections, from the seed documents (docs/demo-data.md).

Idempotent: every record is looked up by its natural key first, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from intervention import services
from intervention.enums import Framework, Grade, InspectionKind, JudgementArea, Organisation, Role
from intervention.models import Appointment, Inspection, Intervention, LocalAuthority, Person

DEMO_PASSWORD = "demo-casework-2026"  # noqa: S105 - printed for the demo users; setup_demo refuses without DEBUG

HEREFORDSHIRE_2022_FINDINGS = [
    "Corporate responsibility for the help and protection of children and those in care and care leavers, so this is prioritised and embedded across the council and partnerships.",
    "The sufficiency and stability of staff across the workforce, including sufficient numbers of foster carers, so children receive a timely response to having their needs identified and met across the service.",
    "The timely and robust identification and multi-agency response to children and young people who are at risk of harm, including, but not limited to, the response to pre-birth children and babies, 16- and 17-year-olds who present as homeless, children living in private fostering arrangements and children who go missing from home and care.",
    "The quality of practice including assessments, plans, planning and purposeful visits that are responsive to risk and need.",
    "Timely and effective multi-agency arrangements to ensure children are protected and enter care when required.",
    "Monitoring and tracking to prevent drift and delay. This includes the monitoring and tracking of children in the Public Law Outline (PLO), permanence planning, children subject to deprivation of liberty orders and those placed in unregistered children's homes.",
    "The availability of support and services to meet children and young people's needs, including timely access to therapeutic interventions, access to dentistry, life-story work, emotional and mental health support, help for young people to support transitions into independence and sufficient suitable accommodation.",
    "Management oversight and grip across the service to include clear structures and service pathways, and regular and effective supervision.",
    "Performance and quality assurance arrangements to support and test service improvements.",
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    job_title: str
    organisation: str
    authority_code: str | None = None  # DfE code of the council they work for
    is_staff: bool = False
    is_superuser: bool = False


# The named cast (as in the tests): an officer of each council, a commissioner, a DfE case lead, an administrator.
DEMO_USERS = [
    DemoUser("alice@herefordshire.example", "Alice Hughes", "Head of Safeguarding", Organisation.COUNCIL, "884"),
    DemoUser("bob@worcestershire.example", "Bob Evans", "Improvement Programme Manager", Organisation.COUNCIL, "885"),
    DemoUser(
        "eleanor.brazil@commissioner.example",
        "Eleanor Brazil",
        "Commissioner for Children's Services in Herefordshire",
        Organisation.INDEPENDENT,
        is_staff=True,
    ),
    DemoUser("dora@education.example", "Dora Patel", "Intervention case lead", Organisation.DFE, is_staff=True),
    DemoUser(
        "admin@casework.example",
        "Service Administrator",
        "Administrator",
        Organisation.OTHER,
        is_staff=True,
        is_superuser=True,
    ),
]


def _person(
    name: str, *, by: Any, job_title: str = "", organisation: str = Organisation.INDEPENDENT, authority=None, email=""
) -> Person:
    person = Person.objects.filter(name=name).first()
    if person is None:
        person = Person(
            name=name, job_title=job_title, organisation=organisation, local_authority=authority, email=email
        )
        services.save_with_history(person, by=by, reason="Demo data")
    return person


def load_demo_users(*, by: Any = None) -> list[tuple[DemoUser, bool]]:
    """Create the demo accounts (and their people) that do not exist yet. Returns (user, created)."""
    User = get_user_model()
    results = []
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.email).first()
        created = user is None
        if user is None:
            user = User(
                username=demo.email,
                email=demo.email,
                first_name=demo.name.split()[0],
                last_name=demo.name.split()[-1],
                is_staff=demo.is_staff,
                is_superuser=demo.is_superuser,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        authority = LocalAuthority.objects.get(dfe_code=demo.authority_code) if demo.authority_code else None
        person = _person(
            demo.name,
            by=by,
            job_title=demo.job_title,
            organisation=demo.organisation,
            authority=authority,
            email=demo.email,
        )
        if person.user_id != user.pk:
            person.user = user
            services.save_with_history(person, by=by, reason="Demo account linked")
        results.append((demo, created))
    return results


def demo_administrator() -> Any:
    """The demo's administrator account, which the demo records act as, so their history has a user."""
    return get_user_model().objects.get(username="admin@casework.example")


def _intervention(authority: LocalAuthority, opened_on: datetime.date, summary: str, *, by: Any) -> Intervention:
    existing = Intervention.objects.filter(local_authority=authority, opened_on=opened_on).first()
    return existing or services.open_intervention(
        local_authority=authority, opened_on=opened_on, summary=summary, by=by
    )


def _appoint(
    person: Person, intervention: Intervention, role: str, starts_on: datetime.date, *, by: Any, ends_on=None
) -> None:
    if not Appointment.objects.filter(
        person=person, intervention=intervention, role=role, starts_on=starts_on
    ).exists():
        services.appoint(
            person=person, intervention=intervention, role=role, starts_on=starts_on, ends_on=ends_on, by=by
        )


def load_demo_cases(*, by: Any = None) -> dict[str, Intervention]:
    herefordshire = LocalAuthority.objects.get(dfe_code="884")
    worcestershire = LocalAuthority.objects.get(dfe_code="885")

    hereford_case = _intervention(
        herefordshire,
        datetime.date(2021, 5, 18),
        "Improvement notice of 18 May 2021 after the High Court judgement of April 2021; statutory direction of "
        "21 September 2022 after Ofsted judged the service inadequate; revised direction of 1 March 2023.",
        by=by,
    )
    worcester_case = _intervention(
        worcestershire,
        datetime.date(2017, 3, 8),
        "Statutory direction of 8 March 2017 after Ofsted's inadequate judgement of January 2017; revised direction "
        "of 19 September 2017 requiring an alternative delivery model.",
        by=by,
    )

    brazil = _person("Eleanor Brazil", by=by, job_title="Commissioner for Children's Services in Herefordshire")
    rhodes_white = _person("Gladys Rhodes White", by=by, job_title="Improvement Adviser")
    doughty = _person("Trevor Doughty", by=by, job_title="Commissioner for Children's Services in Worcestershire")
    dora = _person("Dora Patel", by=by, organisation=Organisation.DFE)

    _appoint(rhodes_white, hereford_case, Role.IMPROVEMENT_ADVISER, datetime.date(2021, 5, 18), by=by)
    _appoint(rhodes_white, hereford_case, Role.IMPROVEMENT_BOARD_CHAIR, datetime.date(2021, 5, 18), by=by)
    _appoint(brazil, hereford_case, Role.COMMISSIONER, datetime.date(2022, 9, 21), by=by)
    _appoint(dora, hereford_case, Role.DFE_CASE_LEAD, datetime.date(2021, 5, 18), by=by)
    _appoint(doughty, worcester_case, Role.COMMISSIONER, datetime.date(2017, 3, 8), by=by)
    _appoint(dora, worcester_case, Role.DFE_CASE_LEAD, datetime.date(2017, 3, 8), by=by)

    if not Inspection.objects.filter(
        local_authority=herefordshire, fieldwork_starts_on=datetime.date(2022, 7, 18)
    ).exists():
        services.record_inspection(
            local_authority=herefordshire,
            kind=InspectionKind.STANDARD_ILACS,
            framework=Framework.ILACS_2018,
            fieldwork_starts_on=datetime.date(2022, 7, 18),
            fieldwork_ends_on=datetime.date(2022, 7, 29),
            lead_inspector="Lisa Summers, Her Majesty's Inspector",
            # Not stated in the seeds: the 12th is the day from which 70 working days (the Queen's
            # funeral on 19 September being a bank holiday) end on 20 December 2022, the date the
            # cabinet paper gives for the action plan.
            report_received_on=datetime.date(2022, 9, 12),
            published_on=datetime.date(2022, 9, 21),
            judgements={
                JudgementArea.IMPACT_OF_LEADERS: Grade.INADEQUATE,
                JudgementArea.HELP_AND_PROTECTION: Grade.INADEQUATE,
                JudgementArea.CHILDREN_IN_CARE_AND_CARE_LEAVERS: Grade.INADEQUATE,
                JudgementArea.OVERALL_EFFECTIVENESS: Grade.INADEQUATE,
            },
            needs_to_improve=HEREFORDSHIRE_2022_FINDINGS,
            by=by,
        )
    return {"herefordshire": hereford_case, "worcestershire": worcester_case}
