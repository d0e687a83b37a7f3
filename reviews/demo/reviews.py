"""The demo case's reviews and cabinet paper, from the seed documents in ../shared/seeds/.

- The commissioner's review of capacity and capability: her report dated 11 January 2023 (recital 2
  of the revised direction of 1 March 2023), published on 1 March 2023 (the cabinet report of
  21 December 2023, paragraph 5), which made five recommendations (paragraph 6).
- The progress review meeting of 6 November 2023 (paragraph 8), its key developments in the
  commissioner's words (paragraph 9, a to h), its overall progress (10), conclusion (11) and the
  report's publication on 13 December 2023 (8), which dates the next review six months later (12).
  The seeds give no rating per service priority: the ratings and narratives here are the demo's
  reading of paragraphs 9 to 11 (SEND and the MASH improving; limited progress elsewhere).
- The council's words for its cabinet paper of 21 December 2023, as printed.

Idempotent: a review already recorded for its case, kind and date is left as it is. Built through
the services, so the history records the demo administrator and the deadlines are met by the reviews.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from intervention.models import Intervention
from reviews.enums import DeadlineStatus, Rag
from reviews.models import Deadline, Recommendation, Report, ReportKind, Review, ReviewKind
from reviews.services import reports as report_services
from reviews.services import reviewing

HEREFORDSHIRE = ("884", datetime.date(2021, 5, 18))

KEY_DEVELOPMENTS_NOVEMBER_2023 = (
    "Formal agreement to 18 months programme of support with Leeds",
    "Commission to listen to Families held and report published",
    "Change in political administration",
    "First 3 Monitoring Visits conducted by Ofsted",
    "Planned support from other Local Authorities negotiated and partly delivered",
    "Improvements in SEND and quality of support for disabled children",
    "Progress in the Multi Agency Safeguarding Hub",
    "Limited progress in other parts of children's social care.",
)

# (short name of the service priority, rating, narrative): the demo's reading of the cabinet report.
ASSESSMENTS_NOVEMBER_2023 = (
    (
        "Permanent social workers",
        Rag.RED,
        "Limited progress. Planned support from other local authorities has been negotiated and partly "
        "delivered, but the service still depends on agency social workers and the permanent workforce has "
        "not grown at the pace required.",
    ),
    (
        "Permanent team managers",
        Rag.AMBER,
        "Some front-line team manager posts have been filled permanently, and the 18 month programme of "
        "support with Leeds includes management development. Stability is not yet secure.",
    ),
    (
        "Face-to-face conferences and reviews",
        Rag.AMBER,
        "More child protection conferences and reviews are held face to face, though not yet consistently "
        "across the service.",
    ),
    (
        "Assessments ending in no further action",
        Rag.AMBER,
        "Progress in the Multi Agency Safeguarding Hub has improved decision-making at the front door, and "
        "fewer referrals go to assessments that conclude no further action. This needs to be sustained.",
    ),
    (
        "Changes of social worker",
        Rag.RED,
        "Limited progress: too many children still experience changes of social worker while agency "
        "staffing remains high.",
    ),
    (
        "Quality of practice in audits",
        Rag.AMBER,
        "Audits show some improvement in the quality of practice, and Ofsted's first three monitoring visits "
        "have tested it, but progress in other parts of children's social care is limited.",
    ),
    (
        "SEND strategy",
        Rag.GREEN,
        "There have been improvements in SEND and in the quality of support for disabled children.",
    ),
)

SUMMARY_NOVEMBER_2023 = (
    "Progress and improvement is observed and reported in a number of areas of performance and service "
    "delivery. Progress has been made against each of the recommendations for practice improvement made in "
    "the original report, published earlier this year."
)
CONCLUSION_NOVEMBER_2023 = (
    "Whilst progress has been slower than we would want (and that the pace of change is too slow) there have "
    "been positive developments and that there should not be any further consideration of an alternative "
    "delivery model as it remains the view of the Commissioner that supporting the council and its partners to "
    "deliver quicker and better improvements is the best way forward."
)
RECOMMENDATION_NOVEMBER_2023 = (
    "Supporting the council and its partners to deliver quicker and better improvements is the best way "
    "forward. Progress will be reviewed again six months after publication of this report; the Commissioner "
    "is working with officers and the council's partners to determine the specific areas against which "
    "progress will be measured."
)

CABINET_WORDS_DECEMBER_2023: dict[str, Any] = {
    "meeting_date": datetime.date(2023, 12, 21),
    "report_by": "Cabinet member children and young people\nCorporate Director children and young people",
    "report_author": "Corporate Director children and young people",
    "community_impact": (
        "The Ofsted inspection judgement of 'Inadequate' has a direct and indirect effect on the lives of both "
        "current and future children and families in Herefordshire.\n\n"
        "The County Plan 2020–2024 includes the ambition to 'strengthen communities to ensure everyone lives "  # noqa: RUF001 - the plan's dash
        "well and safely together' and more specifically, the council aims to:\n"
        "- Ensure all children are healthy, safe, and inspired to achieve;\n"
        "- Ensure that children in care, and moving on from care, are well supported and make good life choices."
    ),
    "resource_implications": (
        "There are no new or additional resource implications arising from this monitoring visit and report."
    ),
    "legal_implications": (
        "The Council was issued with a non-statutory improvement notice by the Department for Education on 18 May "
        "2021. To comply with this notice, the Council was required to adhere to a number of measures, which "
        "included:-\n"
        "- Secretary of State appointment of an Improvement Advisor (Gladys Rose-White).\n"
        "- This was also the statutory mechanism for the appointment of the Children's Commissioner (Eleanor "
        "Brazil). The Council has worked with the Commissioner for over the minimum 12 months period and will "
        "continue to work with her until such time that the Secretary of State is satisfied this is no longer "
        "required.\n"
        "- An Improvement Plan has been implemented.\n"
        "- Establishment of an Improvement Board with an independent Chair (Chaired by the Improvement Advisor).\n"
        "- The Commissioner has undertaken reviews of progress against the Improvement Plan.\n"
        "- The DfE has provided dedicated improvement support through its Partners in Practice arrangements\n"
        "- The Improvement Advisor has provided, to the DfE, reports of progress or concern against the areas set "
        "out in the notice; and progress against the improvement plan\n\n"
        "The Commissioner undertook a review of the Council's capacity and capability to improve services within "
        "a reasonable timeframe and her report to the Minister was published on 1 March 2023 on the Department "
        "for Education website.\n\n"
        "As set out above this report made recommendations, one of which was to review progress after six months "
        "and that if the level and trajectory of progress that is required is not achieved within that timescale, "
        "consideration should be given to whether an alternative delivery model is required.\n\n"
        "The Minister accepted the recommendations and a revised Statutory Direction was issued.\n\n"
        # Paragraph 25 of the paper ("A meeting to review progress was held on 6 November 2023, following which
        # the Commissioner submitted a progress report to the Minister of State (Appendix 1).") is written for
        # each paper from its review and appendix: these words are kept for every paper.
        "[review meeting]\n\n"
        "Progress and improvement is observed and reported in a number of areas of performance and service "
        "delivery. Progress has been made against each of the recommendations for practice improvement made in "
        "the original report, published in March this year.\n\n"
        "The report concludes that whilst the pace of progress has been slower than hoped, there have been positive "
        "developments and that there should not be any further consideration of an alternative delivery model "
        "(therefore not invoking statutory powers of intervention pursuant to s497A Education Act 1996) as it "
        "remains the view of the Commissioner that supporting the Council and its partners to deliver quicker and "
        "better improvements is the best way forward.\n\n"
        "Progress will be reviewed again, six months after publication of the progress report by the Department "
        "of Education and the Commissioner is working alongside officers and the council's partners to determine "
        "what progress should look like at that point in time."
    ),
    "risk_management": (
        "There are no new or additional risks arising from this visit. Risks associated with the wider improvement "
        "plan are monitored by the Improvement Board."
    ),
    "appendices": (
        "Appendix 1 - Progress Report to the Minister of State for Children and Families on Children Services in "
        "Herefordshire Children's Services"
    ),
}


def _deadline(case: Intervention, what: str, due_on: datetime.date) -> Deadline | None:
    return (
        Deadline.objects.filter(intervention=case, what=what, computed_on=due_on, status=DeadlineStatus.OPEN)
        .order_by("pk")
        .first()
    )


def _hold(
    case: Intervention,
    *,
    by: Any,
    kind: str,
    period: tuple[datetime.date, datetime.date],
    held_on: datetime.date,
    attendees: str,
    assessments: tuple[tuple[str, str, str], ...],
    fields: dict[str, Any],
    meets: tuple[str, datetime.date] | None,
    published_on: datetime.date,
) -> Review:
    existing = Review.objects.filter(intervention=case, kind=kind, held_on=held_on).first()
    if existing is not None:
        return existing
    review = reviewing.start_review(
        intervention=case,
        kind=kind,
        period_start=period[0],
        period_end=period[1],
        held_on=held_on,
        attendees=attendees,
        by=by,
    )
    by_name = {short_name: (rag, narrative) for short_name, rag, narrative in assessments}
    for assessment in review.assessments.select_related("service_priority"):
        rag, narrative = by_name[assessment.service_priority.short_name]
        reviewing.assess_priority(assessment=assessment, rag=rag, narrative=narrative, by=by)
    review = reviewing.update_review(review=review, by=by, reason="Demo data", **fields)
    deadline = _deadline(case, *meets) if meets else None
    review = reviewing.hold_review(review=review, by=by, deadline=deadline)
    reviewing.record_report_publication(review=review, published_on=published_on, by=by)
    return review


@transaction.atomic
def load_demo_reviews(*, by: Any) -> list[Review]:
    """Herefordshire's two reviews and the council's cabinet paper of 21 December 2023."""
    dfe_code, opened_on = HEREFORDSHIRE
    case = Intervention.objects.get(local_authority__dfe_code=dfe_code, opened_on=opened_on)
    if not Deadline.objects.filter(intervention=case).exists():
        from reviews.services import materialise_deadlines

        materialise_deadlines(intervention_id=case.pk)
    capacity = _hold(
        case,
        by=by,
        kind=ReviewKind.CAPACITY,
        period=(datetime.date(2022, 9, 21), datetime.date(2023, 1, 11)),
        held_on=datetime.date(2023, 1, 11),
        attendees="Eleanor Brazil, Commissioner for Children's Services in Herefordshire",
        assessments=(),
        fields={
            "summary": (
                "The Commissioner undertook a review of the Council's capacity and capability to improve services "
                "within a reasonable timeframe."
            ),
            "sufficient_progress": False,
            "conclusion": (
                "The challenges facing children's services are longstanding and the steps taken to date have not "
                "addressed these."
            ),
            "recommendation": Recommendation.PARTNERSHIP,
            "recommendation_detail": (
                "The report made five recommendations, one of which was to review progress after six months and "
                "that if the level and trajectory of progress that is required is not achieved within that "
                "timescale, consideration should be given to whether an alternative delivery model is required."
            ),
        },
        meets=(
            "Commissioner's report to the Minister of State for Children and Families",
            datetime.date(2022, 12, 12),
        ),
        published_on=datetime.date(2023, 3, 1),
    )
    progress = _hold(
        case,
        by=by,
        kind=ReviewKind.SIX_MONTH,
        period=(datetime.date(2023, 5, 1), datetime.date(2023, 10, 31)),
        held_on=datetime.date(2023, 11, 6),
        attendees=(
            "Eleanor Brazil, Commissioner for Children's Services in Herefordshire\n"
            "Gladys Rhodes White, Improvement Adviser\n"
            "Corporate Director children and young people, Herefordshire Council\n"
            "Officials of the Department for Education"
        ),
        assessments=ASSESSMENTS_NOVEMBER_2023,
        fields={
            "key_developments": "\n".join(KEY_DEVELOPMENTS_NOVEMBER_2023),
            "summary": SUMMARY_NOVEMBER_2023,
            "sufficient_progress": True,
            "conclusion": CONCLUSION_NOVEMBER_2023,
            "recommendation": Recommendation.CONTINUE_SUPPORT,
            "recommendation_detail": RECOMMENDATION_NOVEMBER_2023,
        },
        meets=("Further review of progress after six months", datetime.date(2023, 9, 1)),
        published_on=datetime.date(2023, 12, 13),
    )
    if not Report.objects.filter(intervention=case, kind=ReportKind.CABINET, review=progress).exists():
        report = report_services.create_report(intervention=case, kind=ReportKind.CABINET, review=progress, by=by)
        report_services.update_cabinet_paper(report=report, by=by, **CABINET_WORDS_DECEMBER_2023)
    return [capacity, progress]
