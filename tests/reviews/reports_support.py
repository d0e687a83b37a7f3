"""What the review and report tests share: a direction with service priorities, indicators with
values, a held review, and reading a PDF's text. Plain functions, built through the services."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pypdf

from directions import services as direction_services
from directions.enums import InstrumentKind, LegalBasis, Part
from directions.models import Clause, Instrument, ServicePriority
from intervention.enums import Role
from reviews.models import Indicator, Measurement, Report, ReportVersion, Review
from reviews.services import reports, reviewing
from tests.factories import AppointmentFactory, UserFactory

D = datetime.date
PRIORITIES = (
    (
        "i",
        "Reducing the number of agency social workers and increasing the numbers of permanent social workers",
        "Permanent social workers",
    ),
    ("ii", "Increasing the number of permanent front-line Team Managers", "Permanent team managers"),
)


def superuser() -> object:
    return UserFactory(is_superuser=True, username="issuer@casework.example")


MARCH_2023 = D(2023, 3, 1)
HELD_ON = D(2023, 11, 6)
PERIOD = (D(2023, 5, 1), D(2023, 10, 31))
KEY_DEVELOPMENTS = (
    "Formal agreement to 18 months programme of support with Leeds\nProgress in the Multi Agency Safeguarding Hub"
)


def direction_with_priorities(case, *, issued_on: datetime.date = MARCH_2023) -> Instrument:
    """An issued statutory direction whose terms of reference set two service priorities."""
    instrument = Instrument(
        intervention=case,
        kind=InstrumentKind.STATUTORY_DIRECTION,
        legal_basis=LegalBasis.SECTION_497A_4B,
        title=f"Statutory Direction to {case.local_authority.council_name}",
        addressed_to=case.local_authority.council_name,
        issued_on=issued_on,
        signed_by_name="Dawn Dandy",
        signed_by_title="A Senior Civil Servant in the Department for Education",
    )
    instrument.full_clean()
    instrument.save()
    Clause.objects.create(instrument=instrument, part=Part.OPERATIVE, label="7", position=7, text="To comply")
    item = Clause.objects.create(
        instrument=instrument, part=Part.TERMS_OF_REFERENCE, label="2", position=2, text="Address these priorities:"
    )
    for position, (label, title, short_name) in enumerate(PRIORITIES, start=1):
        ServicePriority.objects.create(
            instrument=instrument, clause=item, label=label, position=position, title=title, short_name=short_name
        )
    return direction_services.issue_instrument(instrument=instrument, by=superuser())


def agency_indicator(direction: Instrument, *, by) -> Indicator:
    """The percentage of agency social workers, monthly from April to October 2023."""
    priority = direction.service_priorities.get(label="i")
    indicator = Indicator.objects.create(
        service_priority=priority, name="Agency social workers", unit="percent", direction="lower", target=Decimal(25)
    )
    for month, value in zip(range(4, 11), ("52.4", "51.3", "49.3", "48.4", "49.0", "49.2", "47.8"), strict=True):
        end = D(2023, month + 1, 1) - datetime.timedelta(days=1)
        Measurement.objects.create(indicator=indicator, period_end=end, value=Decimal(value), recorded_by=by)
    return indicator


def held_review(
    case,
    *,
    by,
    held_on: datetime.date = HELD_ON,
    period: tuple[datetime.date, datetime.date] = PERIOD,
    ratings: tuple[str, ...] = ("red", "amber"),
    key_developments: str = KEY_DEVELOPMENTS,
    narrative: str = "Limited progress.",
    deadline=None,
) -> Review:
    review = reviewing.start_review(
        intervention=case, kind="six_month", period_start=period[0], period_end=period[1], held_on=held_on, by=by
    )
    for assessment, rag in zip(review.assessments.order_by("position"), ratings, strict=False):
        reviewing.assess_priority(assessment=assessment, rag=rag, narrative=narrative, by=by)
    review = reviewing.update_review(
        review=review,
        by=by,
        key_developments=key_developments,
        summary="Progress and improvement is observed in a number of areas.",
        sufficient_progress=True,
        conclusion="Whilst progress has been slower than we would want, there have been positive developments.",
        recommendation="continue_support",
    )
    return reviewing.hold_review(review=review, by=by, deadline=deadline)


def appoint(user, case, role: str) -> None:
    from intervention.permissions import forget_access

    AppointmentFactory(person=user.person, intervention=case, role=role, starts_on=D(2021, 5, 18))
    forget_access(user)


def case_lead(dora, case):
    appoint(dora, case, Role.DFE_CASE_LEAD)
    return dora


def generated(report: Report, *, by) -> ReportVersion:
    """Ask for a version and run the worker's part here, as the task would."""
    version = reports.request_version(report=report, by=by)
    reports.generate_version(version_id=version.pk)
    version.refresh_from_db()
    return version


def pdf_reader(version: ReportVersion) -> pypdf.PdfReader:
    with version.file.open("rb") as handle:
        return pypdf.PdfReader(io.BytesIO(handle.read()))


def pdf_pages(version: ReportVersion) -> list[str]:
    return [page.extract_text() for page in pdf_reader(version).pages]


def pdf_text(version: ReportVersion) -> str:
    return "\n".join(pdf_pages(version))


def published_pdf(*, pages: int = 2, name: str = "published-report.pdf"):
    """A published report as a council would upload it: a PDF of `pages` blank pages."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    writer, buffer = pypdf.PdfWriter(), io.BytesIO()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def write_ministerial_words(report: Report, *, by) -> None:
    """The commissioner's words written in full (a conclusion, a recommendation, nothing to report on
    each theme), so that a report to the Minister has nothing left to refuse its sign-off for."""
    from reviews.models.reports import FINDING_THEMES

    words = report.ministerial_words
    reports.update_ministerial_words(
        report=report,
        by=by,
        version=words.version,
        conclusion="The council is making progress.",
        recommendations="The direction continues.",
        **{f"nothing_{theme}": True for theme, _heading in FINDING_THEMES},
    )


def ready_to_sign(report: Report, *, by) -> None:
    """Everything a report's kind needs before sign-off (reviews.reports.completeness), written in: the
    commissioner's words, the summary or risks, and for a cabinet report the council's standing
    sections, its reviewers and the published report as Appendix 1."""
    from reviews.reports.cabinet import REVIEWER_AREAS

    if report.kind in ("progress", "ministerial_update"):
        write_ministerial_words(report, by=by)
    if report.kind in ("highlight", "ministerial_update") and not report.commentary:
        reports.update_commentary(report=report, by=by, commentary="Risks.", seen=reports.last_change(report))
    if report.kind == "cabinet":
        reports.update_cabinet_paper(
            report=report,
            by=by,
            meeting_date=datetime.date(2023, 12, 21),
            report_by="Cabinet member",
            report_author="Director",
            community_impact="Impact",
            legal_implications="Legal",
            resource_implications="None",
            published_report=published_pdf(),
            reviewers={area: {"name": "A Reviewer", "date": "2023-12-12"} for area in REVIEWER_AREAS},
        )
    report.refresh_from_db()
