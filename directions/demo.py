"""The demo cases' instruments, transcribed from the seed documents in ../shared/seeds/ (see
docs/demo-data.md for where each item comes from and what had to be decided).

Each instrument is written out below as data: its paragraphs as a nested tree in the document's own
words and numbering, then built by `load_demo_instruments` as a draft and issued through
directions.services, so the history records the demo administrator and the revocations happen the
way they do in the service. Idempotent: an instrument already recorded for its case, date and kind is
skipped entirely.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from directions import services
from directions.enums import Cadence, Deliverer, InstrumentKind, LegalBasis, Part, Recipient, ReportKind
from directions.models import Clause, Instrument, ReportingObligation, ServicePriority, TermsOfReference
from intervention.enums import Role
from intervention.models import Appointment, Intervention
from intervention.services import note_for_history, save_with_history

REASON = "Demo data"

# A paragraph: (label as printed, text, sub-paragraphs) with an optional fourth item, its due date.
Node = tuple[Any, ...]
Tree = tuple[Node, ...]


@dataclass(frozen=True)
class Obligation:
    """A reporting obligation. `source` is the paragraph that sets it: "13" or "7d(ii)" in the
    directions or requirements, "ToR 9" in the terms of reference."""

    source: str
    what: str
    deliverer: str
    recipient: str
    cadence: str
    due_on: datetime.date | None = None
    anchor_on: datetime.date | None = None
    interval: int | None = None
    first_after: int | None = None
    event: str = ""
    event_on: datetime.date | None = None
    report_kind: str = ""  # the kind of report this service writes for it (directions.enums.ReportKind)


@dataclass(frozen=True)
class Annex:
    heading: str
    introduction: str
    steps: Tree


@dataclass(frozen=True)
class Appointed:
    person: str
    role: str
    starts_on: datetime.date


@dataclass(frozen=True)
class DemoInstrument:
    case: tuple[str, datetime.date]  # the intervention: its council's DfE code and the date it opened
    kind: str
    legal_basis: str
    title: str
    addressed_to: str
    issued_on: datetime.date
    signed_by_name: str
    signed_by_title: str
    operative: Tree
    recitals: Tree = ()
    address: str = ""
    preamble: str = ""
    closing: str = ""
    annex: Annex | None = None
    appoints: tuple[Appointed, ...] = ()
    revokes: tuple[datetime.date, str] | None = None  # (issued_on, kind) of the earlier instrument on the case
    priorities_under: str = ""  # the terms-of-reference item whose sub-items are the service priorities
    priority_short_names: tuple[str, ...] = ()
    obligations: tuple[Obligation, ...] = ()


# The transcriptions are laid out as the documents are, one paragraph a line, so the formatter is kept off them.
# fmt: off
HEREFORDSHIRE = ("884", datetime.date(2021, 5, 18))
WORCESTERSHIRE = ("885", datetime.date(2017, 3, 8))

RHODES_WHITE = Appointed("Gladys Rhodes White", Role.IMPROVEMENT_ADVISER, datetime.date(2021, 5, 18))
BRAZIL = Appointed("Eleanor Brazil", Role.COMMISSIONER, datetime.date(2022, 9, 21))
DOUGHTY = Appointed("Trevor Doughty", Role.COMMISSIONER, datetime.date(2017, 3, 8))

SENIOR_CIVIL_SERVANT = "A Senior Civil Servant in the Department for Education"

# Recital 2 of the Herefordshire directions and recital 4 of the Worcestershire one: the same words.
CHILDRENS_SOCIAL_CARE_FUNCTIONS: Tree = (
    ("a", "social services functions, as defined in the Local Authority Social Services Act 1970, so far as those functions relate to children;", ()),
    ("b", "the functions conferred on the Council under sections 23C to 24D of the Children Act 1989 (so far as not falling within paragraph a. above); and", ()),
    ("c", "the functions conferred on the Council under sections 10, 12, 12C, 12D and 17A of the Children Act 2004.", ()),
)
AMENITIES: Tree = (
    ("i", "providing officers' time or support;", ()),
    ("ii", "providing office space, meeting rooms or computer facilities;", ()),
)


# --- Herefordshire improvement notice, 18 May 2021 (herefordshire-improvement-notice-2021.txt) ---
# The notice's headings have no numbers; each is kept as the first line of the paragraph it introduces.

HEREFORDSHIRE_NOTICE = DemoInstrument(
    case=HEREFORDSHIRE,
    kind=InstrumentKind.IMPROVEMENT_NOTICE,
    legal_basis=LegalBasis.NON_STATUTORY,
    title="Improvement Notice",
    addressed_to="Herefordshire Council",
    address="Plough Lane Herefordshire HR4 0LE",
    issued_on=datetime.date(2021, 5, 18),
    signed_by_name="Emily Whitehead",
    signed_by_title="A senior civil servant in the Department for Education",
    preamble="This Improvement Notice is issued to Herefordshire Council on 18 May 2021, following significant concerns highlighted by the publication of Justice Keehan's High Court Judgement on Friday 16 April 2021, further cases of concern in the court system and inconsistent practice identified by Essex as Partners in Practice in April 2021; demonstrating a lack of pace and progress to improve children's services since the 2018 Ofsted inspection.",
    operative=(
        ("1", "This Notice is given to address:", (
            ("a", "Serious concerns in respect of the council's children's services, following failings outlined in the High Court Judgement published on 16 April 2021; in addition to other court cases coming up, where it is expected that further practice failings will be identified.", ()),
            ("b", "Failures in the leadership and management of children's services have been identified, along with evidence of poor-decision making, and drift and delay in some historic cases. Interim posts, (Director of Children's Services and Assistant Director), have been appointed to help stabilise the current leadership.", ()),
            ("c", "Essex Partners in Practice visit to the council in April 2021 identified longstanding issues of inconsistent practice.", ()),
            ("d", "Insufficient improvement has been made since Ofsted last inspected in 2018 and two subsequent visits in 2019.", ()),
        )),
        ("2", 'To comply with this Notice, the following actions are required of the council, working with its partner agencies ("partners") as identified by the Children Act 2004 (Section 11).', ()),
        ("3", "Adviser arrangements\n\nAs you are aware, the Secretary of State has appointed an Improvement Adviser, Gladys Rhodes White, to provide advice to the Department and the council. The council will work with the adviser for a minimum of 12 months, and until such time that the Secretary of State is satisfied this is no longer required.", ()),
        ("4", 'Improvement plan\n\nThe council\'s improvement plan will deliver appropriate and sustainable improvement. The plan should cover the areas identified in paragraph 1 (a to d), as well as recommendations made by the Improvement Adviser appointed by the Department. The plan should be submitted to the Department for Education ("the Department"), and by a date determined by the Improvement Adviser.', ()),
        ("5", "To ensure there is clear evidence of progression:", (
            ("a", "the content of the improvement plan and a record of progress against it must be kept up to date;", ()),
            ("b", "the council must ensure there is an improvement board established with an independent chair in place (to be set up and chaired by the DfE Improvement Adviser), that has full support from the Chief Executive and Council Leader, to oversee implementation of the improvement plan and report to the improvement board on progress against the objectives in the plan, to a timetable agreed with the Department. It can commission updates from partners in order to do this;", ()),
            # Printed without its letter; "c" by its place between b and d.
            ("c", "reports to the improvement board should include data, analysis and recommendations supported by evidence of the impact of improvements on the quality of practice and experience of children and families;", ()),
            ("d", "the council should highlight those objectives which are slow to progress and highlight where contributions need to be strengthened; and", ()),
            ("e", "the views of frontline staff and of children and young people will be taken into consideration in the development of practice and standards.", ()),
        )),
        ("6", "Department for Education reviews\n\nOfficials or advisers from the Department will undertake reviews of progress against the improvement plan at least every six months and more regularly where appropriate.", ()),
        ("7", "These reviews may cover but are not exclusive to: culture; performance; leadership, management and governance; workforce and management oversight; early help; and multi-agency arrangements.", ()),
        ("8", "From time to time, the Improvement Adviser may require that a diagnostic review or assessment of performance in a specific service area is undertaken by a local authority or other party agreed with the Department.", ()),
        ("9", "The Department will offer dedicated improvement support through its Partners in Practice arrangements and may consider additional requests for support as part of the review process.", ()),
        ("10", "For any review or assessment, the council must provide the persons conducting it with:", (
            ("a", "access to, and time with, staff and leadership;", ()),
            ("b", "accurate and up to date data on performance and quality;", ()),
            ("c", "facilities to carry out the reviews;", ()),
            ("d", "access to case files, minutes of meetings, supervision records or any other relevant information.", ()),
        )),
        ("11", "Prior to any reviews, the council should provide its own assessment of improvement. This may reflect, but is not limited to:", (
            ("a", "progress against the improvement plan objectives;", ()),
            ("b", "staff surveys;", ()),
            ("c", "staff supervision and the quality of feedback.", ()),
        )),
        ("12", "Taking account of the measures set out in this improvement notice and the diagnostic report once produced by the Department's Improvement Adviser, the council should aim for actions included in the improvement plan to be delivered by the end of April 2022 or sooner, where appropriate.", (), datetime.date(2022, 4, 30)),
        ("13", "Improvement against the above measures will be assessed as follows:\n\nThe Improvement Adviser will provide to the Department, 6 weekly reports of progress or concern against the areas set out in this notice; and progress against the improvement plan; and any other such information relevant to the improvement journey.", ()),
        ("14", "Failure to comply with this Improvement Notice by the assessment dates or poor progress:\n\nShould the council be unwilling or unable to comply with this improvement notice, or should ministers not be satisfied with the council's progress at any stage, ministers may choose to invoke their statutory powers of intervention (s497A Education Act 1996) to direct the council to enter into an appropriate arrangement to secure the improvements required in children's services.", ()),
    ),
    appoints=(RHODES_WHITE,),
    obligations=(
        Obligation(
            "13", "Report of progress or concern against the notice and the improvement plan",
            Deliverer.ADVISER, Recipient.DFE, Cadence.EVERY_N_WEEKS,
            anchor_on=datetime.date(2021, 5, 18), interval=6,
        ),
        Obligation(
            "6", "Review of progress against the improvement plan",
            Deliverer.DFE, Recipient.DFE, Cadence.EVERY_N_MONTHS,
            anchor_on=datetime.date(2021, 5, 18), interval=6,
        ),
        Obligation(
            "12", "Actions in the improvement plan delivered",
            Deliverer.COUNCIL, Recipient.DFE, Cadence.FIXED_DATE,
            due_on=datetime.date(2022, 4, 30),
        ),
    ),
)


# --- Herefordshire statutory direction, 21 September 2022 (Appendix B of
# herefordshire-cabinet-ofsted-inspection-2022-09.txt, from its line 305) ---
# Its directions are numbered 5, after four recitals, as printed.

HEREFORDSHIRE_DIRECTION_2022 = DemoInstrument(
    case=HEREFORDSHIRE,
    kind=InstrumentKind.STATUTORY_DIRECTION,
    legal_basis=LegalBasis.SECTION_497A_4B,
    title="Statutory Direction to Herefordshire County Council in relation to children's services under section 497A(4B) of the Education Act 1996",
    addressed_to="Herefordshire County Council",
    issued_on=datetime.date(2022, 9, 21),
    signed_by_name="Dawn Dandy",
    signed_by_title=SENIOR_CIVIL_SERVANT,
    recitals=(
        ("1", 'The Secretary of State for Education ("the Secretary of State") has carefully considered Ofsted\'s report published on 21 September 2022, in respect of Herefordshire County Council ("the Council"), of its inspection carried out between 18 July – 29 July 2022. The inspection report found that children\'s social care services are \'inadequate\' overall. The sub-judgements for children who need help and protection, children looked after and achieving permanence and leadership, management and governance were also all rated as \'inadequate\'.', ()),  # noqa: RUF001 - the en dash is the document's
        ("2", 'The Secretary of State is therefore satisfied that the Council is failing to perform to an adequate standard, some or all of the functions to which section 497A of the Education Act 1996 ("the 1996 Act") is applied by section 50 of the Children Act 2004 ("children\'s social care functions"), namely;', CHILDRENS_SOCIAL_CARE_FUNCTIONS),
        ("3", 'The Secretary of State has appointed Eleanor Brazil as Commissioner for Children\'s Services in Herefordshire ("the Children\'s Services Commissioner") in accordance with, and for the purposes of, the terms of reference ("the Terms of Reference") set out in the Annex to this direction.', ()),
        ("4", "The Secretary of State, having considered any representations made by the Council, considers it expedient, in accordance with his powers under section 497A(4B) of the Education Act 1996, to direct the Council as set out below in order to ensure that all of the Council's children's social care functions are performed to an adequate standard.", ()),
    ),
    operative=(
        ("5", "Pursuant to his powers under section 497A(4B) of the Education Act 1996 Act, the Secretary of State directs the Council as follows:", (
            ("a", "To comply with any instructions of the Secretary of State or the Children's Services Commissioner in relation to the improvement of the Council's exercise of its children's social care functions and provide such assistance as either the Secretary of State or the Children's Services Commissioner may require;", ()),
            ("b", "To co-operate with the Children's Services Commissioner, including on request allowing the Commissioner at all reasonable times access:", (
                ("i", "to any premises of the Council;", ()),
                ("ii", "to any document of, or relating to, the Council; and", ()),
                # The words after the list qualify all three; kept with the last, as the Worcestershire direction prints them.
                ("iii", "to any employee or member of the Council,\n\nwhich appears to her to be necessary for achieving the purposes of, and carrying out the responsibilities set out in, the Terms of Reference.", ()),
            )),
            ("c", "To provide the Children's Services Commissioner with such amenities, services and administrative support as she may reasonably require from time to time for the carrying out of her responsibilities in accordance with the Terms of Reference, including:", AMENITIES),
            ("d", "To co-operate with a Commissioner-led review as to the most effective way of securing and sustaining improvement in Herefordshire, including whether to remove the control of children's social care from the Council, and/or put in place an alternative delivery model.", ()),
        )),
    ),
    closing="This direction will remain in force until it is revoked by the Secretary of State.",
    annex=Annex(
        heading="Non-Executive Commissioner for Children's Services",
        introduction=(
            "Herefordshire County Council's children's social care services have been found to be 'inadequate' across all of the key judgements in the recent Ofsted inspection report. There is a presumption in cases of systemic failure of this nature that children's social care services will be removed from local authority control, for a period of time, in order to bring about sustainable improvement, unless there are compelling reasons not to do so.\n\n"
            "In line with the recommendations set out in the Ofsted report of children's social care, published 21 September 2022, the Children's Services Commissioner for Herefordshire is expected to take the following steps."
        ),
        steps=(
            ("1", "To issue any necessary instructions to the local authority for the purpose of securing immediate improvement in the authority's delivery of children's social care.", ()),
            ("2", "To identify ongoing improvement requirements; and to recommend any additional support required to deliver those improvements. In light of the findings around leadership and management this should include consideration of the supporting functions within children's services, in particular SEND.", ()),
            ("3", "To bring together evidence to assess the council's capacity and capability to improve itself, in a reasonable timeframe, and recommend whether or not this evidence is sufficiently strong to suggest that long-term sustainable improvement to children's social care can be achieved should operational service control continue to remain with the council.", ()),
            ("4", "As appropriate, to advise on relevant alternative delivery and governance arrangements for children's social care, outside of the operational control of the local authority, taking account of local circumstances and the views of the council and key partners.", ()),
            ("5", "To report to the Minister of State for Children and Families by 12 December 2022.", (), datetime.date(2022, 12, 12)),
        ),
    ),
    appoints=(BRAZIL,),
    obligations=(
        Obligation(
            "ToR 5", "Commissioner's report to the Minister of State for Children and Families",
            Deliverer.COMMISSIONER, Recipient.MINISTER, Cadence.FIXED_DATE,
            due_on=datetime.date(2022, 12, 12), report_kind=ReportKind.PROGRESS,
        ),
    ),
)


# --- Herefordshire revised statutory direction, 1 March 2023 (herefordshire-statutory-direction-2023.txt) ---

HEREFORDSHIRE_DIRECTION_2023 = DemoInstrument(
    case=HEREFORDSHIRE,
    kind=InstrumentKind.STATUTORY_DIRECTION,
    legal_basis=LegalBasis.SECTION_497A_4B,
    title="Statutory Direction to Herefordshire Council in relation to children's services under section 497A(4B) of the Education Act 1996",
    addressed_to="Herefordshire Council",
    issued_on=datetime.date(2023, 3, 1),
    signed_by_name="Dawn Dandy",
    signed_by_title=SENIOR_CIVIL_SERVANT,
    revokes=(datetime.date(2022, 9, 21), InstrumentKind.STATUTORY_DIRECTION),
    recitals=(
        ("1", 'Having considered Ofsted\'s report of 21 September 2022 following its inspection of children\'s social care in Herefordshire, the Secretary of State for Education ("the Secretary of State") issued a direction to Herefordshire Council ("the Council") pursuant to section 497A(4B) of the Education Act 1996 in light of inadequate performance by the Council of its children\'s social care functions.', ()),
        ("2", "The Secretary of State has further considered the report of the Commissioner for Children's Services in Herefordshire, dated 11 January 2023., in which it was concluded that the challenges facing children's services are longstanding and the steps taken to date have not addressed these.", ()),
        ("3", 'The Secretary of State is therefore satisfied that the Council is failing to perform to an adequate standard, some or all of the functions to which section 497A of the Education Act 1996 is applied by section 50 of the Children Act 2004 ("children\'s social care functions"), namely;', CHILDRENS_SOCIAL_CARE_FUNCTIONS),
        ("4", 'The Secretary of State has retained Eleanor Brazil as Commissioner for Children\'s Services in Herefordshire ("the Children\'s Services Commissioner") in accordance with, and for the purposes of, the terms of reference ("the Terms of Reference") set out in the Annex to this direction.', ()),
        ("5", "The Secretary of State has also retained Gladys Rhodes White as Improvement Adviser to support the work of the Commissioner.", ()),
        ("6", "The Secretary of State, having considered representations made by the Council, considers it expedient, in accordance with her powers under section 497A(4B) of the Education Act 1996, to direct the Council as set out below in order to ensure that all of the Council's children's social care functions are performed to an adequate standard.", ()),
    ),
    operative=(
        ("7", "Pursuant to her powers under section 497A(4B) of the Education Act 1996 Act, the Secretary of State directs the Council as follows:", (
            ("a", "To comply with any instructions of the Secretary of State, the Children's Services Commissioner, or the Improvement Adviser in relation to the improvement of the Council's exercise of its children's social care functions and provide such assistance as either the Secretary of State, the Children's Services Commissioner, or the Improvement Adviser may require;", ()),
            ("b", "To co-operate with the Children's Services Commissioner and the Improvement Adviser, including on request allowing the Commissioner and the Improvement Adviser at all reasonable times access:", (
                ("i", "to any premises of the Council;", ()),
                ("ii", "to any document of, or relating to, the Council; and", ()),
                ("iii", "to any employee or member of the Council,\n\nwhich appears to them to be necessary for achieving the purposes of, and carrying out the responsibilities set out in, the Terms of Reference.", ()),
            )),
            ("c", "To provide the Children's Services Commissioner and the Improvement Adviser with such amenities, services and administrative support as they may reasonably require from time to time for the carrying out of their responsibilities in accordance with the Terms of Reference, including:", AMENITIES),
            ("d", "To co-operate with the Children's Services Commissioner and the Improvement Adviser in their work to secure a long-term improvement partnership with another local authority and oversee the improvement programme in children's services.", ()),
        )),
        ("8", "In consequence of this revised direction, the Secretary of State for Education revokes the direction dated 21 September 2022. This direction will remain in force until it is revised or revoked by the Secretary of State.", ()),
    ),
    annex=Annex(
        heading="Non-Executive Commissioner for Children's Services, supported by the Improvement Adviser",
        introduction=(
            "Herefordshire Council's children's social care services have been found to be 'inadequate' across all of the key judgements in the Ofsted inspection report of 21 September 2022.\n\n"
            "Following her report dated 11/01/2023 the Children's Services Commissioner for Herefordshire, supported by the Improvement Adviser, is expected to take the following steps:"
        ),
        steps=(
            ("1", "To issue any necessary instructions to the Council for the purpose of securing immediate improvement in the Council's delivery of children's social care.", ()),
            ("2", "To oversee service improvement by the Council and gather evidence to determine at three month intervals whether sufficient progress is being made to:", (
                ("a", "Strengthen the leadership of children's services to ensure that the pace of improvement increases rapidly in line with the agreed Improvement Plan.", ()),
                ("b", "Address the following service priorities:", (
                    ("i", "Reducing the number of agency social workers and increasing the numbers of permanent social workers;", ()),
                    ("ii", "Increasing the number of permanent front-line Team Managers;", ()),
                    ("iii", "Increasing the number of child protection case conferences and reviews held face to face;", ()),
                    ("iv", "Reducing the proportion of assessments that conclude no further action;", ()),
                    ("v", "Children experiencing fewer changes in social worker;", ()),
                    ("vi", "Improving the quality of practice seen in audits;", ()),
                    ("vii", "Finalising the SEND strategy underpinned by an up-to-date self-evaluation and acting on agreed immediate priorities as described in the strategy action plan.", ()),
                )),
                ("c", "Resolve, as far as is possible, all outstanding historic complaints.", ()),
                ("d", "Agree, with the council's partners, through a range of Strategic forums, actions which will demonstrate collectively their commitment to raising ambition and aspiration for children and young people, and responding to their views.", ()),
                ("e", "Work with the Local Government Association to develop the knowledge and impact of members in key roles, including the leader, lead member and scrutiny members.", ()),
            )),
            ("3", "To oversee the securing of short-term external support, and to drive improvement, including working with the Council and its partners to increase the effectiveness of the Improvement Board.", ()),
            ("4", "To explore options for a long-term partnership with a good or outstanding local authority to deliver sustained improvement.", ()),
            ("5", "To conduct a further review after six months and, should the level and trajectory of progress required not be achieved, revisit the question of whether an alternative delivery model is required in Herefordshire.", ()),
        ),
    ),
    appoints=(BRAZIL, RHODES_WHITE),
    priorities_under="2b",
    priority_short_names=(
        "Permanent social workers",
        "Permanent team managers",
        "Face-to-face conferences and reviews",
        "Assessments ending in no further action",
        "Changes of social worker",
        "Quality of practice in audits",
        "SEND strategy",
    ),
    obligations=(
        Obligation(
            "ToR 2", "Evidence of whether sufficient progress is being made",
            Deliverer.COMMISSIONER, Recipient.DFE, Cadence.EVERY_N_MONTHS,
            anchor_on=datetime.date(2023, 3, 1), interval=3,
        ),
        Obligation(
            "ToR 5", "Further review of progress after six months",
            Deliverer.COMMISSIONER, Recipient.MINISTER, Cadence.FIXED_DATE,
            due_on=datetime.date(2023, 9, 1), report_kind=ReportKind.PROGRESS,
        ),
        # Not in the direction: the cabinet report of 21 December 2023 (paragraphs 8 and 12) says the
        # progress report was published on 13 December 2023 and progress will be reviewed six months later.
        Obligation(
            "ToR 5", "Next review of progress",
            Deliverer.COMMISSIONER, Recipient.MINISTER, Cadence.MONTHS_AFTER_EVENT,
            interval=6, event="publication of the commissioner's progress report",
            event_on=datetime.date(2023, 12, 13), report_kind=ReportKind.PROGRESS,
        ),
    ),
)


# --- Worcestershire first direction, 8 March 2017: only its recital in the September direction is held ---

WORCESTERSHIRE_FIRST_DIRECTION = DemoInstrument(
    case=WORCESTERSHIRE,
    kind=InstrumentKind.STATUTORY_DIRECTION,
    legal_basis=LegalBasis.SECTION_497A_4B,
    title="Statutory direction to Worcestershire County Council of 8 March 2017 (the first direction)",
    addressed_to="Worcestershire County Council",
    issued_on=datetime.date(2017, 3, 8),
    signed_by_name="Not known: the signed text is not held in this service",
    signed_by_title="",
    preamble=(
        "The full text of this direction is not held in this service. It is recorded from recital 2 of the "
        "direction of 19 September 2017, which revoked it: \"The Council's failure led the Secretary of State to "
        'issue a statutory direction on 8 March 2017 ("the first direction"), requiring the Council to take a '
        "number of steps to improve the quality of services, including to work with Trevor Doughty, as the "
        'appointed Commissioner of Children\'s Services in Worcestershire." Paragraph 1 below summarises that '
        "recital; it is not the direction's own wording or numbering."
    ),
    operative=(
        ("1", "Summary from recital 2 of the direction of 19 September 2017, not this direction's own words: requiring the Council to take a number of steps to improve the quality of services, including to work with Trevor Doughty, as the appointed Commissioner of Children's Services in Worcestershire.", ()),
    ),
    appoints=(DOUGHTY,),
)


# --- Worcestershire direction, 19 September 2017 (worcestershire-statutory-direction-2017.txt) ---

WORCESTERSHIRE_DIRECTION = DemoInstrument(
    case=WORCESTERSHIRE,
    kind=InstrumentKind.STATUTORY_DIRECTION,
    legal_basis=LegalBasis.SECTION_497A_4B,
    title="Statutory Direction to Worcestershire County Council in relation to children's services under section 497A(4B) of the Education Act 1996",
    addressed_to="Worcestershire County Council",
    issued_on=datetime.date(2017, 9, 19),
    signed_by_name="Suzanne Lunn",
    signed_by_title=SENIOR_CIVIL_SERVANT,
    revokes=(datetime.date(2017, 3, 8), InstrumentKind.STATUTORY_DIRECTION),
    recitals=(
        ("1", 'The Secretary of State for Education ("the Secretary of State") has noted in respect of Worcestershire County Council ("the Council") that following earlier \'inadequate\' judgements, performance in respect of services for children who need help and protection has remained \'inadequate\' as detailed in Ofsted\'s inspection report of 24 January 2017 ("the 2017 Ofsted report").', ()),
        ("2", 'The Council\'s failure led the Secretary of State to issue a statutory direction on 8 March 2017 ("the first direction"), requiring the Council to take a number of steps to improve the quality of services, including to work with Trevor Doughty, as the appointed Commissioner of Children\'s Services in Worcestershire.', ()),
        ("3", "The Secretary of State has carefully considered:", (
            ("a", "The 2017 Ofsted report, which found that children's services are 'inadequate'. The sub-judgements for children who need help and protection, children looked after and achieving permanence, and leadership, management and governance were all rated as 'inadequate';", ()),
            ("b", 'The Children\'s Services Commissioner\'s report, of 9 June 2017 ("the Commissioner\'s report"), which highlighted a lack of evidence to date that the improvement plan was delivering genuine benefits for children, young people and their families beyond process and structural change, and that the Council should develop an alternative model of delivery for children\'s services; and', ()),
            ("c", "Ofsted's letter of 21 June 2017 to the Council, recording the findings of its monitoring visit of 23-24 May 2017.", ()),
        )),
        ("4", 'The Secretary of State is therefore satisfied that the Council is still failing to perform to an adequate standard, some or all of the functions to which section 497A of the Education Act 1996 ("the 1996 Act") is applied by section 50 of the Children Act 2004 ("children\'s social care functions"), namely:', CHILDRENS_SOCIAL_CARE_FUNCTIONS),
        ("5", 'The Secretary of State has re-appointed Trevor Doughty as Commissioner for Children\'s Services in Worcestershire ("the Children\'s Services Commissioner") in accordance with, and for the purposes of, the terms of reference ("the Terms of Reference") set out in the Annex to this direction.', ()),
        ("6", "The Secretary of State, having considered representations made by the Council, considers it expedient, in accordance with her powers under section 497A(4B) of the Education Act 1996, to direct the Council as set out below in order to ensure that all of the Council's children's social care functions are performed to an adequate standard.", ()),
    ),
    operative=(
        ("7", "Pursuant to her powers under section 497A(4B) of the Education Act 1996 Act, the Secretary of State directs the Council as follows:", (
            ("a", "To comply with any instructions of the Secretary of State or the Children's Services Commissioner in relation to the improvement of the Council's exercise of its children's social care functions and provide such assistance as either the Secretary of State or the Children's Services Commissioner may require;", ()),
            ("b", "To co-operate with the Children's Services Commissioner, including on request allowing the Commissioner at all reasonable times access:", (
                ("i", "to any premises of the Council;", ()),
                ("ii", "to any document of, or relating to, the Council; and", ()),
                ("iii", "to any employee or member of the Council, which appears to him to be necessary for achieving the purposes of, and carrying out the responsibilities set out in, the Terms of Reference;", ()),
            )),
            ("c", "To provide the Children's Services Commissioner with such amenities, services and administrative support as he may reasonably require from time to time for the carrying out of his responsibilities in accordance with the Terms of Reference, including:", AMENITIES),
            ("d", "To develop and draft, in consultation and agreement with the Children's Services Commissioner:", (
                ("i", "an options analysis for an alternative delivery model, with an outline recommended model, by no later than 31 December 2017.", (), datetime.date(2017, 12, 31)),
                # "by March 2018": the end of March, the date the terms of reference (item 3) give.
                ("ii", "a full business case for the proposed alternative delivery model by March 2018, and to provide regular reports on its progress, the first of which by no later than 30 November 2017; and", (), datetime.date(2018, 3, 31)),
                ("iii", "an updated long-term improvement plan to address the findings of the Commissioner's report, and to include the proposed arrangements for monitoring progress and reviewing the improvement plan as appropriate;", ()),
            )),
            ("e", "To co-operate with the Secretary of State and her advisers, including by:", (
                ("i", "Attending and participating in reviews of progress on dates to be notified to the Council;", ()),
                ("ii", "Preparing and making available to the Secretary of State's advisers, when requested, up to date improvement plans and assessments of progress evidenced by performance data;", ()),
                ("iii", "Reporting to the Secretary of State on the nature and rate of improvement of children's services when instructed to do so.", ()),
            )),
        )),
        ("8", "In consequence of this direction, the Secretary of State for Education revokes the first direction.", ()),
        ("9", "This direction will remain in force until it is revoked by the Secretary of State.", ()),
    ),
    annex=Annex(
        heading="Non-Executive Commissioner for Children's Services - Worcestershire County Council",
        introduction=(
            "Given the systemic and persistent failures in Worcestershire, and the need to increase the pace of change, the Commissioner has been re-appointed to work with Worcestershire County Council to undertake an assessment of options of the future delivery model for services in Worcestershire, overseeing its subsequent implementation, and to provide ongoing direction and assurance of service improvements ahead of transition.\n\n"
            "Specifically, the Commissioner shall:"
        ),
        steps=(
            ("1", "Lead and manage, on behalf of DfE, discussions with the council's leadership and partners on an analysis of options for new arrangements to secure high quality services, and report on the Council's recommended model to the Minister of State for Children by 31 December 2017;", (), datetime.date(2017, 12, 31)),
            ("2", "Provide advice to shape the Council's strategic vision for the transformed service and its scope of delivery;", ()),
            ("3", "Work with the Council in their establishment of a full business case and implementation plan for the proposed alternative delivery model, by 31 March 2018;", (), datetime.date(2018, 3, 31)),
            ("4", "Provide ongoing assurance and oversight to the implementation of the agreed new model, and the transition of services;", ()),
            ("5", "Advise on any senior appointments to the body and lead or participate in recruitment assessment processes as required;", ()),
            ("6", "Provide advice and direction to the Council and its improvement partner in the development and agreement of long-term improvement plans to address the findings of the Commissioner report of 9 June 2017; ongoing monitoring and assurance of progress against implementation of the plan;", ()),
            ("7", "Support and challenge senior members, corporate senior management and senior partners to work together to create the culture and leadership necessary to bring about and sustain improvements in children's services;", ()),
            ("8", "Produce a high level plan by 31 December 2017, detailing anticipated approach / scheduling of support and challenge input throughout the establishment and implementation of an alternative delivery model, and ongoing service improvements;", (), datetime.date(2017, 12, 31)),
            ("9", "Lead, on behalf of the DfE, a formal review of the Council's progress towards improvement within six months of appointment and thereafter on a six monthly basis; and making a recommendation to the DfE on whether progress has been sufficient;", ()),
            ("10", "Deliver six-weekly evidence based highlight reports on the authority's improvement progress to the DfE Contract Manager; and", ()),
            ("11", "Deliver quarterly written updates on the Council's progress to the Minister for Children and Families, and more frequently if the pace of progress is not sufficient or if the Minister requires it.", ()),
        ),
    ),
    appoints=(DOUGHTY,),
    obligations=(
        Obligation(
            "7d(ii)", "First report on progress with the business case for the alternative delivery model",
            Deliverer.COUNCIL, Recipient.DFE, Cadence.FIXED_DATE,
            due_on=datetime.date(2017, 11, 30),
        ),
        Obligation(
            "ToR 1", "Report on the Council's recommended model (options analysis)",
            Deliverer.COMMISSIONER, Recipient.MINISTER, Cadence.FIXED_DATE,
            due_on=datetime.date(2017, 12, 31),
        ),
        Obligation(
            "ToR 8", "High level plan of support and challenge",
            Deliverer.COMMISSIONER, Recipient.DFE, Cadence.FIXED_DATE,
            due_on=datetime.date(2017, 12, 31),
        ),
        Obligation(
            "7d(ii)", "Full business case and implementation plan for the alternative delivery model",
            Deliverer.COUNCIL, Recipient.DFE, Cadence.FIXED_DATE,
            due_on=datetime.date(2018, 3, 31),
        ),
        Obligation(
            "ToR 9", "Formal review of the Council's progress, with a recommendation",
            Deliverer.COMMISSIONER, Recipient.DFE, Cadence.ONCE_THEN_EVERY,
            anchor_on=datetime.date(2017, 9, 19), first_after=6, interval=6,
        ),
        Obligation(
            "ToR 10", "Evidence based highlight report",
            Deliverer.COMMISSIONER, Recipient.DFE_CONTRACT_MANAGER, Cadence.EVERY_N_WEEKS,
            anchor_on=datetime.date(2017, 9, 19), interval=6, report_kind=ReportKind.HIGHLIGHT,
        ),
        Obligation(
            "ToR 11", "Written update on the Council's progress",
            Deliverer.COMMISSIONER, Recipient.MINISTER, Cadence.EVERY_N_MONTHS,
            anchor_on=datetime.date(2017, 9, 19), interval=3, report_kind=ReportKind.MINISTERIAL_UPDATE,
        ),
    ),
)

# In the order they must be issued: an instrument before the one that revokes it.
DEMO_INSTRUMENTS = (
    HEREFORDSHIRE_NOTICE,
    HEREFORDSHIRE_DIRECTION_2022,
    HEREFORDSHIRE_DIRECTION_2023,
    WORCESTERSHIRE_FIRST_DIRECTION,
    WORCESTERSHIRE_DIRECTION,
)
# fmt: on


@transaction.atomic
def load_demo_instruments(*, by: Any) -> list[Instrument]:
    """Create and issue the Herefordshire and Worcestershire instruments that do not exist yet.
    Returns the ones created."""
    created = []
    for demo in DEMO_INSTRUMENTS:
        instrument = _build(demo, by=by)
        if instrument is not None:
            created.append(instrument)
    return created


def _build(demo: DemoInstrument, *, by: Any) -> Instrument | None:
    dfe_code, opened_on = demo.case
    case = Intervention.objects.get(local_authority__dfe_code=dfe_code, opened_on=opened_on)
    if Instrument.objects.filter(intervention=case, issued_on=demo.issued_on, kind=demo.kind).exists():
        return None
    revokes = None
    if demo.revokes:
        issued_on, kind = demo.revokes
        revokes = Instrument.objects.get(intervention=case, issued_on=issued_on, kind=kind)
    instrument = Instrument(
        intervention=case,
        kind=demo.kind,
        legal_basis=demo.legal_basis,
        title=demo.title,
        addressed_to=demo.addressed_to,
        address=demo.address,
        preamble=demo.preamble,
        closing=demo.closing,
        issued_on=demo.issued_on,
        signed_by_name=demo.signed_by_name,
        signed_by_title=demo.signed_by_title,
        revokes=revokes,
    )
    save_with_history(instrument, by=by, reason=REASON)
    if demo.appoints:
        # The many-to-many change writes a history row of its own, with these.
        note_for_history(instrument, by=by, reason=REASON)
        instrument.appointments.set(
            [
                Appointment.objects.get(intervention=case, person__name=a.person, role=a.role, starts_on=a.starts_on)
                for a in demo.appoints
            ]
        )
    add_clauses(instrument, Part.RECITAL, demo.recitals, by=by)
    paragraphs = add_clauses(instrument, Part.OPERATIVE, demo.operative, by=by)
    terms: dict[str, Clause] = {}
    if demo.annex:
        annex = TermsOfReference(
            instrument=instrument, heading=demo.annex.heading, introduction=demo.annex.introduction
        )
        save_with_history(annex, by=by, reason=REASON)
        terms = add_clauses(instrument, Part.TERMS_OF_REFERENCE, demo.annex.steps, by=by)
    if demo.priorities_under:
        _add_priorities(instrument, terms[demo.priorities_under], terms, demo.priority_short_names, by=by)
    for obligation in demo.obligations:
        source = (
            terms[obligation.source.removeprefix("ToR ")]
            if obligation.source.startswith("ToR ")
            else paragraphs[obligation.source]
        )
        saved = ReportingObligation(
            instrument=instrument,
            clause=source,
            what=obligation.what,
            deliverer=obligation.deliverer,
            recipient=obligation.recipient,
            cadence=obligation.cadence,
            due_on=obligation.due_on,
            anchor_on=obligation.anchor_on,
            interval=obligation.interval,
            first_after=obligation.first_after,
            event=obligation.event,
            event_on=obligation.event_on,
            report_kind=obligation.report_kind,
        )
        save_with_history(saved, by=by, reason=REASON)
        if source.due_on and obligation.cadence == Cadence.FIXED_DATE and obligation.due_on == source.due_on:
            # The paragraph's dated report is this obligation's: one deadline, not a second (issue 13).
            source.covered_by = saved
            save_with_history(source, by=by, reason=f"Covered by the reporting obligation: {saved.what}")
    return services.issue_instrument(instrument=instrument, by=by)


# Who delivers a dated paragraph, and to whom, when no reporting obligation covers it.
DATED_PARAGRAPH_PARTIES: dict[str, tuple[Deliverer, Recipient]] = {
    Part.OPERATIVE: (Deliverer.COUNCIL, Recipient.SECRETARY_OF_STATE),
    Part.TERMS_OF_REFERENCE: (Deliverer.COMMISSIONER, Recipient.DFE),
    Part.RECITAL: (Deliverer.COUNCIL, Recipient.SECRETARY_OF_STATE),
}


def add_clauses(
    instrument: Instrument, part: str, tree: Tree, *, by: Any, parent: Clause | None = None
) -> dict[str, Clause]:
    """Save a nested tree of paragraphs, e.g. (("7", "text", (("a", "text", ()),)),), in order.
    Returns the saved clauses by the reference the documents use: "7", "7a", "7a(i)"."""
    saved: dict[str, Clause] = {}
    for position, (label, text, children, *due_on) in enumerate(tree, start=1):
        clause = Clause(
            instrument=instrument,
            part=part,
            parent=parent,
            label=label,
            position=position,
            text=text,
            due_on=due_on[0] if due_on else None,
        )
        if clause.due_on:  # asked when a paragraph is dated: the terms of reference are the commissioner's
            clause.deliverer, clause.recipient = DATED_PARAGRAPH_PARTIES[part]
        save_with_history(clause, by=by, reason=REASON)
        saved[clause.reference] = clause
        saved.update(add_clauses(instrument, part, children, by=by, parent=clause))
    return saved


def _add_priorities(
    instrument: Instrument, under: Clause, terms: dict[str, Clause], short_names: tuple[str, ...], *, by: Any
) -> None:
    """One service priority per sub-item of `under`, titled in the document's words (without the
    list's closing semicolon or full stop)."""
    items = [clause for clause in terms.values() if clause.parent_id == under.pk]
    for item, short_name in zip(items, short_names, strict=True):
        priority = ServicePriority(
            instrument=instrument,
            clause=item,
            label=item.label,
            position=item.position,
            title=item.text.rstrip(";."),
            short_name=short_name,
        )
        save_with_history(priority, by=by, reason=REASON)
