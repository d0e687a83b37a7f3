"""The sweep's data: two councils, A (Herefordshire) and B (Worcestershire), with a case each that holds
one of every kind of record, and the thirteen people the sweep signs in as. Built through the services
where there is one, so the records are shaped as the service shapes them.

Every record of case A carries the text ALPACA-SECRET and every record of case B ZEBRA-SECRET, so a
body that shows a case's record to someone who may not see that case is caught by its text."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from directions import services as direction_services
from directions.enums import InstrumentKind, LegalBasis, Part
from directions.models import (
    Amendment,
    Clause,
    Instruction,
    InstructionResponse,
    Instrument,
    ReportingObligation,
    ServicePriority,
    TermsOfReference,
)
from intervention import services
from intervention.enums import Framework, Grade, InspectionKind, JudgementArea, Organisation, Role
from intervention.models import (
    AlternativeDeliveryModel,
    Appointment,
    ExtraBankHoliday,
    Inspection,
    Intervention,
    Notice,
    Person,
)
from reviews import calendar
from reviews.models import (
    CalendarFeed,
    Deadline,
    DueDateMove,
    EvidenceFile,
    ImprovementPlan,
    Indicator,
    Measurement,
    PlanAction,
    PlanAgreement,
    PlanObjective,
    ProgressUpdate,
    Report,
    ReportVersion,
    Review,
)
from reviews.models.reports import FINDING_THEMES
from reviews.services import imports, materialise_deadlines, progress, reports, reviewing
from tests.factories import PersonFactory, UserFactory, authority

D = datetime.date
MARKERS = {"A": "ALPACA-SECRET", "B": "ZEBRA-SECRET"}
# A PDF header is enough for the evidence check, which reads the type from the content.
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# The roles the sweep signs in as, in the order the issue lists them.
ROLES = (
    "anonymous",
    "officer_a",
    "officer_b",
    "commissioner_a",
    "commissioner_b",
    "adviser_a",
    "chair_a",
    "dfe_lead",
    "no_role",
    "staff_no_role",
    "former_commissioner",
    "inactive",
    "admin",
)


@dataclass
class Case:
    """One council's case and one record of every kind on it, by the name the sweep's URL table uses."""

    tag: str
    marker: str
    intervention: Intervention
    records: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.records[name]


@dataclass
class World:
    cases: dict[str, Case]
    users: dict[str, Any]
    shared: dict[str, Any]

    @property
    def a(self) -> Case:
        return self.cases["A"]

    @property
    def b(self) -> Case:
        return self.cases["B"]


def _user(role: str, organisation: str, *, local_authority=None, **fields: Any) -> Any:
    user = UserFactory(username=f"{role.replace('_', '.')}@sweep.example", **fields)
    PersonFactory(
        user=user, name=f"Sweep {role.replace('_', ' ')}", organisation=organisation, local_authority=local_authority
    )
    return user


def _instrument(case: Intervention, marker: str, *, by: Any) -> Instrument:
    instrument = Instrument(
        intervention=case,
        kind=InstrumentKind.STATUTORY_DIRECTION,
        legal_basis=LegalBasis.SECTION_497A_4B,
        title=f"Statutory direction {marker}",
        addressed_to=case.local_authority.council_name,
        issued_on=D(2023, 3, 1),
        signed_by_name="Dawn Dandy",
        signed_by_title="A Senior Civil Servant in the Department for Education",
    )
    instrument.full_clean()
    instrument.save()
    Clause.objects.create(instrument=instrument, part=Part.RECITAL, label="1", position=1, text=f"Whereas {marker}")
    Clause.objects.create(
        instrument=instrument,
        part=Part.OPERATIVE,
        label="7",
        position=7,
        text=f"To comply {marker}",
        due_on=D(2030, 1, 1),
    )
    item = Clause.objects.create(
        instrument=instrument, part=Part.TERMS_OF_REFERENCE, label="2", position=2, text=f"Priorities {marker}"
    )
    TermsOfReference.objects.create(instrument=instrument, heading=f"Commissioner {marker}", introduction=marker)
    ServicePriority.objects.create(
        instrument=instrument, clause=item, label="i", position=1, title=f"Permanent staff {marker}", short_name=marker
    )
    obligation = ReportingObligation(
        instrument=instrument,
        what=f"Evidence of progress {marker}",
        deliverer="commissioner",
        recipient="dfe",
        cadence="every_n_months",
        interval=3,
        anchor_on=D(2023, 3, 1),
    )
    obligation.full_clean()
    obligation.save()
    return direction_services.issue_instrument(instrument=instrument, by=by)


def _case(tag: str, dfe_code: str, *, by: Any, officer: Any, commissioner: Any) -> Case:
    marker = MARKERS[tag]
    la = authority(dfe_code)
    intervention = services.open_intervention(
        local_authority=la, opened_on=D(2021, 5, 18), summary=f"Case {marker}", by=by
    )
    case = Case(tag=tag, marker=marker, intervention=intervention)
    r = case.records
    r["case"] = intervention
    r["appointment"] = services.appoint(
        person=commissioner.person, intervention=intervention, role=Role.COMMISSIONER, starts_on=D(2022, 9, 21), by=by
    )
    director: Person = PersonFactory(  # type: ignore[assignment] # a factory call returns the model
        name=f"Director {marker}", organisation=Organisation.COUNCIL, local_authority=la
    )
    services.appoint(
        person=director,
        intervention=intervention,
        role=Role.DIRECTOR_OF_CHILDRENS_SERVICES,
        starts_on=D(2021, 5, 18),
        by=by,
    )
    r["inspection"] = services.record_inspection(
        local_authority=la,
        kind=InspectionKind.STANDARD_ILACS,
        framework=Framework.ILACS_2018,
        fieldwork_starts_on=D(2022, 7, 18),
        fieldwork_ends_on=D(2022, 7, 29),
        lead_inspector=f"Inspector {marker}",
        report_received_on=D(2022, 9, 12),
        published_on=D(2022, 9, 21),
        judgements={JudgementArea.OVERALL_EFFECTIVENESS: Grade.INADEQUATE},
        needs_to_improve=[f"Finding {marker}"],
        by=by,
    )
    r["judgement"] = r["inspection"].judgements.get()
    r["authority"] = la
    # An Ofsted deadline of the council that belongs to no case (its case was not open when the report
    # arrived): made as the service makes it for a council with no case, on a later inspection.
    later = services.record_inspection(
        local_authority=la,
        kind=InspectionKind.FOCUSED_VISIT,
        framework=Framework.ILACS_2018,
        fieldwork_starts_on=D(2020, 1, 6),
        fieldwork_ends_on=D(2020, 1, 10),
        lead_inspector=f"Inspector {marker}",
        by=by,
    )
    r["authority_deadline"] = Deadline.objects.create(
        inspection=later,
        ofsted_requirement="publish_report",
        what=f"Publish the inspection report {marker}",
        delivered_by="The council",
        deliverer="council",
        recipient="the public",
        computed_on=D(2020, 3, 20),
        counted_from=D(2020, 2, 7),
    )
    r["finding"] = r["inspection"].findings.get()
    r["delivery_model"] = AlternativeDeliveryModel.objects.create(
        intervention=intervention, name=f"Trust {marker}", legal_form="trust", goes_live_on=D(2025, 4, 1)
    )
    r["instrument"] = _instrument(intervention, marker, by=by)
    r["clause"] = r["instrument"].clauses.get(part=Part.OPERATIVE)
    r["terms"] = r["instrument"].terms_of_reference
    r["priority"] = r["instrument"].service_priorities.get()
    r["obligation"] = r["instrument"].reporting_obligations.get()
    r["amendment"] = Amendment.objects.create(
        instrument=r["instrument"], made_on=D(2023, 4, 1), reason=f"Typo {marker}", changes=marker, made_by=by
    )
    r["draft_instrument"] = Instrument.objects.create(
        intervention=intervention,
        kind=InstrumentKind.IMPROVEMENT_NOTICE,
        title=f"Draft notice {marker}",
        addressed_to=la.council_name,
        issued_on=D(2024, 1, 1),
        signed_by_name="Dawn Dandy",
    )
    Clause.objects.create(
        instrument=r["draft_instrument"], part=Part.OPERATIVE, label="1", position=1, text=f"Draft {marker}"
    )
    r["instruction"] = direction_services.issue_instruction(
        intervention=intervention,
        issued_by=commissioner.person,
        by=commissioner,
        title=f"Recruitment plan {marker}",
        text=f"Present the plan {marker}",
        issued_on=D(2023, 4, 3),
        due_on=D(2030, 6, 30),
        service_priority=r["priority"],
    )
    r["response"] = direction_services.respond_to_instruction(
        instruction=r["instruction"], kind="acknowledged", text=f"Received {marker}", by=officer
    )
    r["instruction"].refresh_from_db()
    # Issuing it told the council's officer (intervention.notices): a notice only they may mark read.
    r["notice"] = Notice.objects.get(
        person=officer.person, key__startswith=f"instruction-issued:{r['instruction'].pk}:"
    )
    plan = ImprovementPlan.objects.create(intervention=intervention, title=f"Plan {marker}")
    r["plan"] = plan
    r["objective"] = PlanObjective.objects.create(plan=plan, label="1", title=f"Workforce {marker}")
    r["action"] = PlanAction.objects.create(
        objective=r["objective"],
        label="1",
        description=f"Recruit {marker}",
        owner="Head of workforce",
        due_on=D(2030, 6, 30),
        rag="amber",
    )
    # A plan waiting for agreement, and a due-date move waiting for the commissioner (issue 15).
    r["submitted_plan"] = ImprovementPlan.objects.create(
        intervention=intervention, title=f"Submitted plan {marker}", status="submitted"
    )
    # A second plan waiting for agreement, for the page that sends one back (the first is agreed by then).
    r["plan_to_send_back"] = ImprovementPlan.objects.create(
        intervention=intervention, title=f"Plan to send back {marker}", status="submitted"
    )
    submitted_objective = PlanObjective.objects.create(plan=r["submitted_plan"], label="1", title=f"Voice {marker}")
    PlanAction.objects.create(
        objective=submitted_objective, label="1", description=f"Listen {marker}", owner="Head", due_on=D(2030, 1, 31)
    )
    r["move"] = DueDateMove.objects.create(
        action=r["action"],
        from_on=D(2030, 6, 30),
        to_on=D(2030, 12, 31),
        reason=f"Later {marker}",
        status="pending",
        requested_by=officer,
    )
    r["agreement"] = PlanAgreement.objects.create(
        plan=r["submitted_plan"], number=1, agreed_by=commissioner, snapshot={"title": marker, "objectives": []}
    )
    r["indicator"] = Indicator.objects.create(
        service_priority=r["priority"], name=f"Agency staff {marker}", unit="percent", direction="lower", target=25
    )
    r["measurement"] = progress.record_measurement(
        indicator=r["indicator"], period_end=D(2023, 9, 30), value=Decimal("48.5"), by=officer
    )
    r["update"] = progress.log_progress(
        intervention=intervention,
        by=officer,
        narrative=f"More permanent staff {marker}",
        rag="amber",
        period_start=D(2023, 9, 1),
        period_end=D(2023, 9, 30),
        service_priority=r["priority"],
        evidence=[SimpleUploadedFile(f"evidence-{marker}.pdf", PDF, content_type="application/pdf")],
    )
    r["evidence"] = EvidenceFile.objects.get(progress_update=r["update"])
    r["import_batch"] = imports.start_import(
        intervention=intervention,
        kind="values",
        upload=SimpleUploadedFile(
            "values.csv", f"Indicator,Month,Value,Source note\nAgency staff {marker},2023-10,47,\n".encode()
        ),
        by=officer,
    )
    materialise_deadlines(intervention_id=intervention.pk, today=D(2024, 6, 1))
    r["deadline"] = Deadline.objects.filter(intervention=intervention, status="open").order_by("pk").first()
    held = reviewing.start_review(
        intervention=intervention,
        kind="six_month",
        period_start=D(2023, 5, 1),
        period_end=D(2023, 10, 31),
        held_on=D(2023, 11, 6),
        by=commissioner,
    )
    for assessment in held.assessments.all():
        reviewing.assess_priority(
            assessment=assessment, rag="amber", narrative=f"Some progress {marker}", by=commissioner
        )
    held = reviewing.update_review(
        review=held,
        by=commissioner,
        key_developments=f"Developments {marker}",
        summary=f"Progress {marker}",
        sufficient_progress=True,
        conclusion=f"Conclusion {marker}",
        recommendation="continue_support",
    )
    r["held_review"] = reviewing.hold_review(review=held, by=commissioner)
    draft = reviewing.start_review(
        intervention=intervention,
        kind="six_month",
        period_start=D(2023, 11, 1),
        period_end=D(2024, 4, 30),
        held_on=D(2024, 5, 6),
        by=commissioner,
    )
    r["review"] = reviewing.update_review(review=draft, by=commissioner, key_developments=f"Draft {marker}")
    r["assessment"] = r["review"].assessments.order_by("pk").first()
    r["report"] = reports.create_report(
        intervention=intervention, kind="progress", review=r["held_review"], by=commissioner, title=f"Report {marker}"
    )
    # The commissioner's words written in full, so the entitled sign-off has nothing left to refuse.
    words = r["report"].ministerial_words
    reports.update_ministerial_words(
        report=r["report"],
        by=commissioner,
        version=words.version,
        conclusion=f"Conclusion {marker}",
        recommendations=f"Recommendation {marker}",
        **{f"nothing_{theme}": True for theme, _heading in FINDING_THEMES},
    )
    r["version"] = reports.request_version(report=r["report"], by=commissioner)
    reports.generate_version(version_id=r["version"].pk)
    r["version"].refresh_from_db()
    r["cabinet_report"] = reports.create_report(
        intervention=intervention, kind="cabinet", review=r["held_review"], by=officer, title=f"Cabinet {marker}"
    )
    r["cabinet_paper"] = r["cabinet_report"].cabinet_paper
    r["update_report"] = reports.create_report(
        intervention=intervention,
        kind="ministerial_update",
        period_start=D(2024, 1, 1),
        period_end=D(2024, 3, 31),
        by=commissioner,
        title=f"Update {marker}",
    )
    r["feed_token"] = calendar.make_feed_token(user=officer)
    r["feed"] = CalendarFeed.objects.get(user=officer)
    # DfE's restricted note, shared with the commissioner (issue 16), and the officer's API token.
    r["note"] = services.write_case_note(
        intervention=intervention,
        kind="call",
        title=f"Note {marker}",
        text=f"A call with the director {marker}",
        shared_with_commissioner=True,
        by=by,
    )
    r["api_token"], r["api_secret"] = services.create_api_token(name=f"Token {marker}", by=officer)
    # An account of the council's for DfE to deactivate (issue 17): not one the sweep signs in with.
    r["account"] = _user(f"leaver_{tag.lower()}", Organisation.COUNCIL, local_authority=la)
    return case


def build_world() -> World:
    """The two cases and the thirteen people. About a second and a half; built once per module."""
    admin = _user("admin", Organisation.OTHER, is_staff=True, is_superuser=True)
    herefordshire, worcestershire = authority("884"), authority("885")
    users = {
        "anonymous": None,
        "officer_a": _user("officer_a", Organisation.COUNCIL, local_authority=herefordshire),
        "officer_b": _user("officer_b", Organisation.COUNCIL, local_authority=worcestershire),
        "commissioner_a": _user("commissioner_a", Organisation.INDEPENDENT, is_staff=True),
        "commissioner_b": _user("commissioner_b", Organisation.INDEPENDENT, is_staff=True),
        "adviser_a": _user("adviser_a", Organisation.INDEPENDENT, is_staff=True),
        "chair_a": _user("chair_a", Organisation.INDEPENDENT, is_staff=True),
        "dfe_lead": _user("dfe_lead", Organisation.DFE, is_staff=True),
        "no_role": _user("no_role", Organisation.OTHER),
        "staff_no_role": _user("staff_no_role", Organisation.INDEPENDENT, is_staff=True),
        "former_commissioner": _user("former_commissioner", Organisation.INDEPENDENT, is_staff=True),
        # An inactive DfE member of staff: the strongest account there is, switched off.
        "inactive": _user("inactive", Organisation.DFE, is_staff=True, is_active=False),
        "admin": admin,
    }
    cases = {
        "A": _case("A", "884", by=admin, officer=users["officer_a"], commissioner=users["commissioner_a"]),
        "B": _case("B", "885", by=admin, officer=users["officer_b"], commissioner=users["commissioner_b"]),
    }
    a = cases["A"].intervention
    for role, person_role in (
        ("adviser_a", Role.IMPROVEMENT_ADVISER),
        ("chair_a", Role.IMPROVEMENT_BOARD_CHAIR),
        ("dfe_lead", Role.DFE_CASE_LEAD),
    ):
        services.appoint(
            person=users[role].person, intervention=a, role=person_role, starts_on=D(2021, 5, 18), by=admin
        )
    former = services.appoint(
        person=users["former_commissioner"].person,
        intervention=a,
        role=Role.COMMISSIONER,
        starts_on=D(2021, 5, 18),
        by=admin,
    )
    services.end_appointment(appointment=former, ends_on=D(2022, 9, 20), by=admin, reason="Succeeded")
    shared = {
        "bank_holiday": ExtraBankHoliday.objects.create(date=D(2030, 5, 3), name="Sweep coronation"),
        "authority": herefordshire,
    }
    return World(cases=cases, users=users, shared=shared)


# The models the world must hold one of on each case: a new model that the world does not build
# shows up here (test_the_world_holds_every_kind_of_record), so the sweep grows with the schema.
CASE_MODELS = (
    Intervention,
    Appointment,
    Inspection,
    AlternativeDeliveryModel,
    Instrument,
    Clause,
    TermsOfReference,
    ServicePriority,
    ReportingObligation,
    Amendment,
    Instruction,
    InstructionResponse,
    ImprovementPlan,
    PlanObjective,
    PlanAction,
    Indicator,
    Measurement,
    ProgressUpdate,
    EvidenceFile,
    PlanAgreement,
    DueDateMove,
    Deadline,
    Review,
    Report,
    ReportVersion,
    CalendarFeed,
    Person,
)
