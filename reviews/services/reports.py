"""Reports: drafting one, the council's words for a cabinet report, generating versions in the
worker, retrying a failed one, and signing one off.

Who may do what (asked of intervention.permissions):
- anyone who may see the case may see its reports and download them, except the drafts of reports to
  the Minister and of DfE's highlight report, which only their author, their signatory and DfE may read
  until signed off (intervention.permissions.report_filter, through Report.objects.visible_to);
- DfE staff, commissioners and advisers (MANAGE_CASE or HOLD_REVIEWS) may draft and generate
  every kind; the council's officers (LOG_PROGRESS) may draft and generate its cabinet report;
- only the person appointed to the case in the report's signatory role may sign it off: the deliverer of
  the reporting obligation that requires it, else the kind's (reviews.services.signatories);
- a report is signed off only once every part its kind requires is complete
  (reviews.reports.completeness.gaps), and its signer declares it accurate as at its date.

Generation never runs in a request: `request_version` saves a version as generating and enqueues
`reviews.generate_report_version` after commit; the worker calls `generate_version`, which is safe
to run twice and records a failure with its reason instead of raising it."""

from __future__ import annotations

import datetime
import hashlib
import logging
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from directions.models import Instrument
from intervention import notices
from intervention.enums import Role
from intervention.models import Intervention, LocalAuthority
from intervention.permissions import Capability, capabilities_on, roles_on
from intervention.queue import promise
from intervention.services import save_with_history
from intervention.stale import refuse_stale
from reviews.models import (
    CabinetPaper,
    Classification,
    CouncilSections,
    Deadline,
    MinisterialReportWords,
    Recommendation,
    Report,
    ReportKind,
    ReportVersion,
    Review,
    ReviewStatus,
    VersionStatus,
)
from reviews.models.reports import DEFAULT_CLASSIFICATION as DEFAULT_CLASSIFICATION  # used by the views too
from reviews.models.reports import STALE_COUNCIL_SECTIONS
from reviews.reports import renderer_for
from reviews.reports.common import held_reviews, next_review_dates, person_name
from reviews.reports.completeness import Gap, gaps
from reviews.services import search
from reviews.services.deadlines import schedule_cabinet_deadlines
from reviews.services.reviewing import meet_deadline
from reviews.services.signatories import signatory_role
from reviews.services.signatories import signatory_words as signatory_words  # the pages ask it too

logger = logging.getLogger(__name__)

MAY_NOT_DRAFT = "You cannot prepare a {kind} for {authority}"
MISSING = "This report cannot be generated yet. {problems}."
SIGNED_OFF = "This report was signed off on {on:%-d %B %Y} by {name}: it cannot be changed. Start a new report instead"
WRONG_SIGNER = "Only the {role} appointed to this case can sign off a {kind}"
NOT_SIGNABLE = "A {kind} is not signed off in this service"
INCOMPLETE = "This report cannot be signed off until it is complete: {gaps}"
DECLARE = "Confirm that you have read version {number} and it is accurate"
DECLARATION = "I have read version {number} and it is accurate as at {on:%-d %B %Y}."
STALE = "Someone else changed this since you opened it"
NOT_A_COMMENTARY_KIND = "A {kind} has no summary to write"
COMMENTARY_KINDS = frozenset({ReportKind.HIGHLIGHT, ReportKind.MINISTERIAL_UPDATE})
SIGN_THE_LATEST = "Sign off the latest version: version {number} was generated after this one"
NOT_READY = "Only a version that is ready can be signed off"
NOT_FAILED = "Only a failed version can be retried"
REVIEW_OF_ANOTHER_CASE = "Choose a review of this case"
INSTRUMENT_OF_ANOTHER_CASE = "Choose a notice or direction of this case"
TOO_MANY_ATTEMPTS = "Generation stopped after {attempts} attempts: the worker did not finish it"
FAILED_BECAUSE = "The report could not be generated: {reason}"
TOOK_TOO_LONG = "it took longer than the {seconds} seconds allowed"
MAX_ATTEMPTS = 3
STALE_WORDS = (
    "Someone else changed these words since you opened this page. Your changes have not been saved: "
    "check the words below, then save again"
)

CLASSIFICATION_NEEDS_REASON = "Say why the classification is changing"
CLASSIFICATION_UNCHANGED = "Choose a different classification, or go back"
COUNCIL_MARKING_ONLY_FOR_CABINET = "Only a council's cabinet paper carries the council's own marking"

CABINET_FIELDS = frozenset(
    field.name for field in CabinetPaper._meta.get_fields() if field.concrete and field.name not in {"id", "report"}
)
# The council's standing sections: kept once per council (CouncilSections) and printed in each of its papers.
COUNCIL_SECTION_FIELDS = frozenset({"legal_implications", "resource_implications"})
# What is particular to one paper, so never carried over to the council's next one.
PAPER_ONLY_FIELDS = frozenset({"meeting_date", "reviewers", "purpose", "recommendations", "published_report"})


# --- Who may ---------------------------------------------------------------------------------------


def may_draft(user: Any, intervention: Intervention, kind: str) -> bool:
    capabilities = capabilities_on(user, intervention)
    if Capability.MANAGE_CASE in capabilities or Capability.HOLD_REVIEWS in capabilities:
        return True
    return kind == ReportKind.CABINET and Capability.LOG_PROGRESS in capabilities


def may_sign_off(user: Any, report: Report) -> bool:
    role = signatory_role(report)
    return bool(role) and role in roles_on(user, report.intervention) and report.intervention.is_open


def gaps_before_sign_off(report: Report) -> list[Gap]:
    """The parts the report's kind requires that are not complete yet, each with where to complete it."""
    return gaps(report)


def declaration_date(report: Report) -> datetime.date:
    """The date the signer declares the report accurate as at: the end of its period, else today."""
    return report.period_end or timezone.localdate()


def declaration_text(version: ReportVersion) -> str:
    return DECLARATION.format(number=version.number, on=declaration_date(version.report))


def _record_signatory(report: Report, *, by: Any) -> str | None:
    """Keep the report's signatory as the case's obligations now say (the read rule asks it)."""
    role = signatory_role(report)
    if (role or "") != report.signatory_role:
        report.signatory_role = role or ""
        save_with_history(report, by=by, reason="Signatory changed with the reporting obligations")
    return role


def _require_draft(by: Any, intervention: Intervention, kind: str) -> None:
    if not may_draft(by, intervention, kind):
        raise PermissionDenied(
            MAY_NOT_DRAFT.format(kind=ReportKind(kind).label.lower(), authority=intervention.local_authority.name)
        )


def signed_off_version(report: Report) -> ReportVersion | None:
    return report.versions.filter(is_final=True).first()


def _require_not_signed_off(report: Report) -> None:
    final = signed_off_version(report)
    if final is not None:
        raise ValidationError(SIGNED_OFF.format(on=final.signed_off_on, name=final.signer_name))


# --- Drafting --------------------------------------------------------------------------------------


def default_title(intervention: Intervention, kind: str, instrument: Instrument | None = None) -> str:
    authority = intervention.local_authority
    if kind == ReportKind.CABINET:
        # The title Herefordshire's cabinet paper of 21 December 2023 gives the same report.
        return (
            "Progress Report to the Minister of State for Children and Families on Children Services in "
            f"{authority.name} Children's Services"
        )
    if kind == ReportKind.PROGRESS:
        return f"Progress report of the children's services commissioner in {authority.name}"
    if kind == ReportKind.HIGHLIGHT:
        return f"Highlight report: {authority.council_name}'s children's services"
    if kind == ReportKind.MINISTERIAL_UPDATE:
        return f"Written update to the Minister on {authority.council_name}'s progress"
    if instrument is not None:
        when = f"{instrument.issued_on:%-d %B %Y}" if instrument.issued_on else "(draft)"
        return f"{instrument.get_kind_display()} to {instrument.addressed_to} of {when}"
    return "Notice or direction"


def cabinet_defaults(intervention: Intervention, title: str) -> dict[str, Any]:
    """The council's standing words: from its last cabinet paper on this case, or else the words
    Herefordshire's cabinet papers use, which the council edits before generating."""
    previous = (
        CabinetPaper.objects.filter(report__intervention=intervention).order_by("-report__created_at", "-pk").first()
    )
    if previous is not None:
        return {name: getattr(previous, name) for name in CABINET_FIELDS - PAPER_ONLY_FIELDS} | {
            "purpose": previous.purpose,
            "recommendations": previous.recommendations,
            "appendices": f"Appendix 1 - {title}",
            "published_report_url": "",
        }
    council = intervention.local_authority.council_name
    return {
        "meeting": "Cabinet",
        "council_classification": "Open",
        "decision_type": "Non-key",
        "wards_affected": "(All Wards);",
        "purpose": "To update Cabinet on the content of the most recent progress report of the Children's "
        "Commissioner to the Minister of State.",
        "recommendations": "Cabinet receive this report and note the feedback from the Commissioner.",
        "alternative_options": f"There are no alternative options. {council} children's services are judged as "
        "inadequate by Ofsted and are the subject of a Statutory Direction issued by the Secretary of State.",
        "environmental_impact": "There are no specific environmental impacts arising from this report.\n\n"
        "Ongoing transformation activity will be undertaken with consideration to minimise waste and resource "
        "in line with the Council's Environmental Policy.",
        "equality_duty": "Under section 149 of the Equality Act 2010, the 'general duty' on public authorities is "
        "set out as follows:\n\n"
        "> A public authority must, in the exercise of its functions, have due regard to the need to –\n"  # noqa: RUF001 - the Act's dash
        "- eliminate discrimination, harassment, victimisation and any other conduct that is prohibited by or "
        "under this Act;\n"
        "- advance equality of opportunity between persons who share a relevant protected characteristic and "
        "persons who do not share it;\n"
        "- foster good relations between persons who share a relevant protected characteristic and persons who "
        "do not share it.\n\n"
        "In particular, the council must have due regard to the public sector equality duty when taking any "
        "decisions on service changes.\n\n"
        "As our projects and service delivery progresses, and changes are designed, equality impact assessment "
        "will be undertaken where necessary.",
        "risk_management": "There are no new or additional risks arising from this report. Risks associated with "
        "the wider improvement plan are monitored by the Improvement Board.",
        "consultees": "None.",
        "appendices": f"Appendix 1 - {title}",
        "background_papers": "None identified.",
    }


@transaction.atomic
def create_report(
    *,
    intervention: Intervention,
    kind: str,
    by: Any,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    classification: str = "",
    review: Review | None = None,
    instrument: Instrument | None = None,
    commentary: str = "",
    title: str = "",
) -> Report:
    """Start a report. A cabinet report also gets the council's words, pre-filled (see cabinet_defaults)."""
    _require_draft(by, intervention, kind)
    if review is not None and review.intervention_id != intervention.pk:
        raise ValidationError({"review": REVIEW_OF_ANOTHER_CASE})
    if instrument is not None and instrument.intervention_id != intervention.pk:
        raise ValidationError({"instrument": INSTRUMENT_OF_ANOTHER_CASE})
    if review is not None:
        period_start = period_start or review.period_start
        period_end = period_end or review.period_end
    report = Report(
        intervention=intervention,
        kind=kind,
        title=title.strip() or default_title(intervention, kind, instrument),
        period_start=period_start,
        period_end=period_end,
        classification=classification or DEFAULT_CLASSIFICATION.get(kind, Classification.OFFICIAL),
        review=review,
        instrument=instrument,
        commentary=commentary.strip(),
        created_by=by,
    )
    report.signatory_role = signatory_role(report) or ""
    save_with_history(report, by=by, reason="Report started")
    if kind == ReportKind.CABINET:
        save_with_history(
            CabinetPaper(report=report, **cabinet_defaults(intervention, report.title)), by=by, reason="Pre-filled"
        )
    if kind in WORDS_KINDS:
        save_with_history(
            MinisterialReportWords(report=report, **ministerial_defaults(report)), by=by, reason="Pre-filled"
        )
    return report


def council_sections(authority: LocalAuthority) -> CouncilSections:
    """The council's standing sections, or an unsaved empty one for a council that has none yet."""
    return CouncilSections.objects.filter(local_authority=authority).first() or CouncilSections(
        local_authority=authority
    )


@transaction.atomic
def update_council_sections(
    *, authority: LocalAuthority, by: Any, version: int | None = None, **fields: str
) -> CouncilSections:
    """Change a council's standing sections (legal, resource implications), printed in every cabinet
    paper of the council generated from now on. `version` is the one the person's form was loaded
    with: a save over someone else's change is refused (code "stale")."""
    unknown = set(fields) - COUNCIL_SECTION_FIELDS
    if unknown:
        raise TypeError(f"Not one of the council's standing sections: {', '.join(sorted(unknown))}")
    sections, _ = CouncilSections.objects.select_for_update().get_or_create(local_authority=authority)
    if version is not None and version != sections.version:
        raise ValidationError(STALE_COUNCIL_SECTIONS, code="stale")
    changed = {name: value.strip() for name, value in fields.items() if value.strip() != getattr(sections, name)}
    if not changed:
        return sections
    for name, value in changed.items():
        setattr(sections, name, value)
    sections.version += 1
    save_with_history(sections, by=by, reason="The council's standing sections changed")
    return sections


@transaction.atomic
def update_cabinet_paper(
    *,
    report: Report,
    by: Any,
    title: str | None = None,
    council_version: int | None = None,
    seen: str | None = None,
    **fields: Any,
) -> CabinetPaper:
    """Change the council's words, until the report is signed off. The council's standing sections
    (COUNCIL_SECTION_FIELDS) are saved for the council, so its later papers print them too. With
    `seen` (the version of the paper the form was read at), a change saved since is refused."""
    _require_draft(by, report.intervention, ReportKind.CABINET)
    _require_not_signed_off(report)
    if seen is not None:
        refuse_stale(CabinetPaper, report.cabinet_paper.pk, seen)
    unknown = set(fields) - CABINET_FIELDS - COUNCIL_SECTION_FIELDS
    if unknown:
        raise TypeError(f"Not one of the council's words: {', '.join(sorted(unknown))}")
    standing = {name: fields.pop(name) for name in COUNCIL_SECTION_FIELDS & set(fields)}
    if standing:
        update_council_sections(
            authority=report.intervention.local_authority, by=by, version=council_version, **standing
        )
    paper = CabinetPaper.objects.select_for_update().get(report=report)
    for name, value in fields.items():
        setattr(paper, name, value.strip() if isinstance(value, str) else value)
    save_with_history(paper, by=by, reason="The council's words changed")
    schedule_cabinet_deadlines(paper, by=by)  # the latest days to publish it (and give notice of a key decision)
    if title is not None and title.strip() and title.strip() != report.title:
        report.title = title.strip()
        save_with_history(report, by=by, reason="Title changed")
    return paper


@transaction.atomic
def update_commentary(*, report: Report, by: Any, commentary: str, seen: int | None) -> Report:
    """Write the author's words (the summary of a written update, the risks of a highlight report), until
    the report is signed off. `seen` is the report's last history record when the writer opened it: a
    change saved meanwhile is refused as stale, not overwritten."""
    _require_draft(by, report.intervention, report.kind)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.kind not in COMMENTARY_KINDS:
        raise ValidationError(NOT_A_COMMENTARY_KIND.format(kind=report.get_kind_display().lower()))
    _require_not_signed_off(report)
    if seen != last_change(report):
        raise ValidationError(STALE, code="stale")
    report.commentary = commentary.strip()
    save_with_history(report, by=by, reason="Summary written")
    return report


def last_change(report: Report) -> int | None:
    """The report's latest history record: what a form saw when it was opened."""
    latest: int | None = report.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return latest


# --- The commissioner's words in a report to the Minister -----------------------------------------

WORDS_KINDS = frozenset({ReportKind.PROGRESS, ReportKind.MINISTERIAL_UPDATE})
WORDS_FIELDS = frozenset(
    field.name
    for field in MinisterialReportWords._meta.get_fields()
    if field.concrete and field.name not in {"id", "report", "version"}
)
NOT_A_REPORT_TO_THE_MINISTER = "Only a report to the Minister has the commissioner's words"

# The review's recommendation, as a first draft of the recommendation to the Minister.
RECOMMENDATION_WORDS: dict[str, str] = {
    Recommendation.CONTINUE_SUPPORT: "The council retains control of its children's services and the direction "
    "continues, with the commissioner's support.",
    Recommendation.PARTNERSHIP: "The council continues to run its children's services in partnership with a good "
    "council.",
    Recommendation.ALTERNATIVE_DELIVERY_MODEL: "An alternative delivery model for the council's children's services "
    "is considered.",
    Recommendation.STEP_DOWN: "The direction is replaced by an improvement notice.",
    Recommendation.REVOKE: "The direction is revoked.",
}


def ministerial_defaults(report: Report) -> dict[str, Any]:
    """A first draft of the commissioner's words from the review the report is about (for an update,
    the last review held in its period): its conclusion, its recommendation, and the date its
    publication set for the next review. The findings by theme are left for the commissioner."""
    review = report.review
    if review is None and report.kind == ReportKind.MINISTERIAL_UPDATE and report.period_end is not None:
        held = held_reviews(report.intervention, report.period_start, report.period_end)
        review = held[-1] if held else None
    if review is None or not review.is_held:
        return {}
    recommendations = [RECOMMENDATION_WORDS[review.recommendation]] if review.recommendation else []
    next_dates = next_review_dates(review)
    return {
        "conclusion": review.conclusion.strip(),
        "recommendations": "\n".join(recommendations),
        "review_date": next_dates[0][1] if next_dates else None,
    }


def ministerial_words_or_draft(report: Report) -> MinisterialReportWords:
    """The report's words, or (for a report started before there were any) an unsaved first draft."""
    try:
        return MinisterialReportWords.objects.get(report=report)
    except MinisterialReportWords.DoesNotExist:
        return MinisterialReportWords(report=report, version=0, **ministerial_defaults(report))


@transaction.atomic
def update_ministerial_words(*, report: Report, by: Any, version: int, **fields: Any) -> MinisterialReportWords:
    """Change the commissioner's words, until the report is signed off. `version` is the one the
    person's form was opened at (0 for words not yet saved): if someone saved since, nothing is saved
    and the conflict is reported, never overwritten."""
    if report.kind not in WORDS_KINDS:
        raise ValidationError(NOT_A_REPORT_TO_THE_MINISTER)
    _require_draft(by, report.intervention, report.kind)
    Report.objects.select_for_update().get(pk=report.pk)  # one save at a time, and none after sign-off
    _require_not_signed_off(report)
    unknown = set(fields) - WORDS_FIELDS
    if unknown:
        raise TypeError(f"Not one of the commissioner's words: {', '.join(sorted(unknown))}")
    words = MinisterialReportWords.objects.select_for_update().filter(report=report).first()
    if (words.version if words else 0) != version:
        raise ValidationError(STALE_WORDS, code="stale")
    if words is None:
        words = MinisterialReportWords(report=report, version=0)
    for name, value in fields.items():
        setattr(words, name, value.strip() if isinstance(value, str) else value)
    words.version += 1
    save_with_history(words, by=by, reason="The commissioner's words changed")
    return words


@transaction.atomic
def change_classification(
    *, report: Report, classification: str, reason: str, by: Any, seen: str | None = None
) -> Report:
    """Change the marking the report's next versions carry, with the reason, kept in its history.
    Refused once it is signed off (the signed version carries the marking its signer approved), and,
    with `seen` (the version the person's form was read at), over someone else's change since."""
    _require_draft(by, report.intervention, report.kind)
    if seen is not None:
        refuse_stale(Report, report.pk, seen)
    report = Report.objects.select_for_update().get(pk=report.pk)
    _require_not_signed_off(report)
    if classification == Classification.COUNCIL and report.kind != ReportKind.CABINET:
        raise ValidationError({"classification": COUNCIL_MARKING_ONLY_FOR_CABINET})
    if classification == report.classification:
        raise ValidationError({"classification": CLASSIFICATION_UNCHANGED})
    if not reason.strip():
        raise ValidationError({"reason": CLASSIFICATION_NEEDS_REASON})
    was = report.get_classification_display()
    report.classification = classification
    save_with_history(
        report,
        by=by,
        reason=f"Classification changed from {was} to {report.get_classification_display()}: {reason.strip()}",
    )
    return report


def missing_for(report: Report) -> list[str]:
    return renderer_for(report.kind).missing(report)


# --- Generating ------------------------------------------------------------------------------------


def _enqueue(version: ReportVersion) -> None:
    """Promise the generation in this transaction (intervention.queue): one per request or retry.
    After commit, `version.promise.dispatched` says whether the queue took it, for the page to say."""
    report = version.report
    version.promise = promise(  # type: ignore[attr-defined]
        "reviews.generate_report_version",
        key=f"report-version:{version.pk}:{version.requested_at.isoformat()}",
        intervention=report.intervention,
        about=f"Version {version.number} of the {report.get_kind_display().lower()}",
        version_id=version.pk,
    )


def _next_number(report: Report) -> int:
    return (report.versions.aggregate(highest=Max("number"))["highest"] or 0) + 1


@transaction.atomic
def request_version(*, report: Report, by: Any) -> ReportVersion:
    """Ask for a new version of the report, generated by the worker from the case as it is now.
    Refused, with what is missing, when the report cannot be generated yet. Idempotent while one is on
    its way: a second click (or a second tab) while the latest version is still being generated gets
    that version back, not a second version and a second file. The report's row is locked first, so two
    requests at once queue here and the second sees the first's version."""
    _require_draft(by, report.intervention, report.kind)
    report = Report.objects.select_for_update().get(pk=report.pk)
    _require_not_signed_off(report)
    latest = report.versions.order_by("-number").first()
    if latest is not None and not latest.is_final and latest.status == VersionStatus.GENERATING:
        return latest
    problems = missing_for(report)
    if problems:
        raise ValidationError(MISSING.format(problems=". ".join(p.rstrip(".") for p in problems)))
    _record_signatory(report, by=by)
    version = ReportVersion(report=report, number=_next_number(report), requested_by=by)
    save_with_history(version, by=by, reason="Generation requested")
    _enqueue(version)
    return version


@transaction.atomic
def retry_version(*, version: ReportVersion, by: Any) -> ReportVersion:
    """Run a failed (or stalled) generation again, as the same version."""
    version = ReportVersion.objects.select_for_update().select_related("report__intervention").get(pk=version.pk)
    report = version.report
    if version.is_final:
        if not (may_sign_off(by, report) or may_draft(by, report.intervention, report.kind)):
            raise PermissionDenied(
                MAY_NOT_DRAFT.format(
                    kind=report.get_kind_display().lower(), authority=report.intervention.local_authority.name
                )
            )
    else:
        _require_draft(by, report.intervention, report.kind)
        _require_not_signed_off(report)
    if not version.is_failed:
        raise ValidationError(NOT_FAILED)
    version.status = VersionStatus.GENERATING
    version.error = ""
    version.attempts = 0
    version.requested_at = timezone.now()
    version.started_at = None
    save_with_history(version, by=by, reason="Retried")
    _enqueue(version)
    return version


@transaction.atomic
def sign_off(*, version: ReportVersion, by: Any, declared: bool, deadline: Deadline | None = None) -> ReportVersion:
    """Sign off the latest ready draft, once every part the kind requires is complete and the signer has
    declared it accurate. Side effects:
    1. a signed-off version is made from exactly the content the signer approved, without the DRAFT
       marking and with the signer's name, role, the date and their declaration, and generated by the worker;
    2. the report is frozen: no more versions, no more changes to the council's words;
    3. the deadline the report meets, if given, is marked met by it."""
    report = (
        Report.objects.select_for_update().select_related("intervention__local_authority").get(pk=version.report_id)
    )
    role = signatory_role(report)
    if role is None:
        raise ValidationError(NOT_SIGNABLE.format(kind=report.get_kind_display().lower()))
    if not may_sign_off(by, report):
        kind = report.get_kind_display().lower()
        raise PermissionDenied(WRONG_SIGNER.format(role=signatory_words(report), kind=kind))
    _require_not_signed_off(report)
    version = ReportVersion.objects.select_related("report").get(pk=version.pk)
    if version.status != VersionStatus.READY:
        raise ValidationError(NOT_READY)
    latest = report.versions.order_by("-number").first()
    assert latest is not None  # the version being signed is one of them
    if latest.pk != version.pk:
        raise ValidationError(SIGN_THE_LATEST.format(number=latest.number))
    missing = gaps(report)
    if missing:
        raise ValidationError(INCOMPLETE.format(gaps="; ".join(gap.message for gap in missing)), code="incomplete")
    if not declared:
        raise ValidationError({"declaration": DECLARE.format(number=version.number)})
    _record_signatory(report, by=by)
    today = timezone.localdate()
    final = ReportVersion(
        report=report,
        number=_next_number(report),
        is_final=True,
        based_on=version,
        body_html=version.body_html,
        requested_by=by,
        signed_off_by=by,
        signer_name=person_name(by),
        signer_role=Role(role).label,
        signed_off_on=today,
        declaration=declaration_text(version),
        declared_at=timezone.now(),
    )
    save_with_history(final, by=by, reason=f"Signed off version {version.number}")
    if deadline is not None:
        meet_deadline(
            deadline=deadline,
            met_on=today,
            note=f"Met by the {report.get_kind_display().lower()} signed off on {today:%-d %B %Y}",
            by=by,
            report=report,
        )
    _enqueue(final)
    notices.tell(
        notices.people_in_role(report.intervention, Role.DFE_CASE_LEAD),
        about=report,
        what=f"Report signed off: {report.title}",
        by=by,
        key=f"report-signed-off:{final.pk}",
    )
    return final


def _claim(version_id: int) -> ReportVersion | None:
    """Take the version for this run, or None if there is nothing to do (gone, done, or given up on)."""
    with transaction.atomic():
        version = ReportVersion.objects.select_for_update().filter(pk=version_id).first()
        if version is None or version.status != VersionStatus.GENERATING:
            return None
        if version.attempts >= MAX_ATTEMPTS:
            version.status = VersionStatus.FAILED
            version.error = TOO_MANY_ATTEMPTS.format(attempts=version.attempts)
            version.finished_at = timezone.now()
            save_with_history(version, by=None, reason="Failed")
            logger.error("Report version %s: %s", version_id, version.error)
            return None
        version.attempts += 1
        version.started_at = timezone.now()
        save_with_history(version, by=None, reason=f"Generation attempt {version.attempts}")
        return version


def _fail(version: ReportVersion, attempt: int, reason: str) -> None:
    with transaction.atomic():
        current = ReportVersion.objects.select_for_update().get(pk=version.pk)
        if current.status != VersionStatus.GENERATING or current.attempts != attempt:
            return
        current.status = VersionStatus.FAILED
        current.error = FAILED_BECAUSE.format(reason=reason)[:2000]
        current.finished_at = timezone.now()
        save_with_history(current, by=None, reason="Failed")


def record_generation_given_up(*, version_id: int, reason: str) -> None:
    """The outbox gave up running the generation (intervention.queue): the version is failed, with
    the reason, and its page offers the retry."""
    with transaction.atomic():
        version = ReportVersion.objects.select_for_update().filter(pk=version_id).first()
        if version is None or version.status != VersionStatus.GENERATING:
            return
        version.status = VersionStatus.FAILED
        version.error = FAILED_BECAUSE.format(reason=reason)[:2000]
        version.finished_at = timezone.now()
        save_with_history(version, by=None, reason="Failed")


def generate_version(*, version_id: int) -> str:
    """Render the version and store its PDF; returns the version's status afterwards. Steps:
    1. claim it (a second delivery of the same task finds it taken or done, and does nothing);
    2. render its content once, from the case as it is now (a signed-off version already carries the
       content its signer approved), then the PDF around it;
    3. store the PDF with its SHA-256 and mark the version ready, unless another run got there first.
    A failure is logged with its reason and recorded on the version, which the page offers to retry."""
    version = _claim(version_id)
    if version is None:
        return ReportVersion.objects.filter(pk=version_id).values_list("status", flat=True).first() or "gone"
    attempt = version.attempts
    report = Report.objects.select_related("intervention__local_authority", "review", "instrument").get(
        pk=version.report_id
    )
    renderer = renderer_for(report.kind)
    try:
        body = version.body_html or renderer.render_body(report)
        version.body_html = body
        # The marking is fixed with the content: a signed-off version carries its draft's.
        based_on = version.based_on
        version.marking = version.marking or (based_on.marking if based_on else "") or report.marking
        filename, content_type, content = renderer.render(report, version)
    except SoftTimeLimitExceeded:
        from django.conf import settings

        reason = TOOK_TOO_LONG.format(seconds=settings.REPORT_SOFT_TIME_LIMIT_SECONDS)
        logger.error("Report version %s of report %s failed: %s", version_id, report.pk, reason)
        _fail(version, attempt, reason)
        return VersionStatus.FAILED
    except Exception as error:
        logger.exception("Report version %s of report %s failed", version_id, report.pk)
        _fail(version, attempt, f"{type(error).__name__}: {error}")
        return VersionStatus.FAILED
    try:
        return _store(version_id, attempt, body, version.marking, filename, content_type, content)
    except Exception as error:
        logger.exception("Report version %s of report %s could not be stored", version_id, report.pk)
        _fail(version, attempt, f"{type(error).__name__}: {error}")
        return VersionStatus.FAILED


@transaction.atomic
def _store(
    version_id: int, attempt: int, body: str, marking: str, filename: str, content_type: str, content: bytes
) -> str:
    current = ReportVersion.objects.select_for_update().get(pk=version_id)
    if current.status != VersionStatus.GENERATING or current.attempts != attempt:
        return current.status  # another run finished it, or it was retried meanwhile
    current.body_html = body
    current.marking = marking
    current.file.save(filename, ContentFile(content), save=False)
    current.filename = filename
    current.content_type = content_type
    current.size = len(content)
    current.sha256 = hashlib.sha256(content).hexdigest()
    current.status = VersionStatus.READY
    current.error = ""
    current.finished_at = timezone.now()
    save_with_history(current, by=None, reason="Generated")
    search.remember_report_text(report_id=current.report_id, body_html=body)
    if not current.is_final:
        _tell_signatory(current)
    return VersionStatus.READY


def _tell_signatory(version: ReportVersion) -> None:
    """A draft version is ready: the person who signs the report off is asked to (none for a kind that is
    not signed off in this service)."""
    report = Report.objects.select_related("intervention__local_authority").get(pk=version.report_id)
    role = report.signatory_role or signatory_role(report)
    if not role:
        return
    notices.tell(
        notices.people_in_role(report.intervention, role),
        about=report,
        link=reverse("report_sign_off", kwargs={"pk": report.pk, "number": version.number}),
        what=f"Report to sign off (version {version.number}): {report.title}",
        by=None,
        key=f"report-ready:{version.pk}",
        asks=True,
    )


def deadlines_a_report_may_meet(
    report: Report, *, window: datetime.timedelta = datetime.timedelta(days=120)
) -> list[Deadline]:
    """Deadlines of the case the report may meet (open, or from before the case's record) falling
    near today or the report's period, nearest to today first."""
    today = timezone.localdate()
    earliest = min(today, report.period_end or today) - window
    deadlines = (
        Deadline.objects.filter(intervention=report.intervention)
        .meetable()
        .with_due_on()
        .filter(effective_due_on__gte=earliest, effective_due_on__lte=today + window)
    )
    return sorted(deadlines, key=lambda d: (abs((d.due_on - today).days), d.pk))


def review_choices(intervention: Intervention) -> list[Review]:
    return list(Review.objects.filter(intervention=intervention, status=ReviewStatus.HELD).order_by("-held_on", "-pk"))
