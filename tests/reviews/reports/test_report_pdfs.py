"""What each report's PDF says, read back from the PDF itself: its sections and figures, "Page 1 of
N", the classification and DRAFT on every page, the metadata, and that it is a tagged PDF."""

import re

import pytest

from directions.enums import InstructionStatus
from directions.models import Instruction, ReportingObligation
from reviews.models import Deadline, ProgressUpdate
from reviews.services import reports, reviewing
from tests.reviews.reports_support import (
    D,
    agency_indicator,
    direction_with_priorities,
    generated,
    held_review,
    pdf_pages,
    pdf_reader,
    pdf_text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def direction(hereford_case):
    return direction_with_priorities(hereford_case)


@pytest.fixture
def review(charlie, hereford_case, direction):
    return held_review(hereford_case, by=charlie)


def assert_marked_on_every_page(pages: list[str], classification: str, *, draft: bool) -> None:
    assert len(pages) >= 1
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert text.count(classification) >= 2, f"page {number} is not marked {classification} top and bottom"
        assert ("DRAFT" in text) == draft, f"page {number}"


def test_the_progress_report_has_its_sections_figures_and_markings(charlie, dora, hereford_case, direction, review):
    agency_indicator(direction, by=dora)
    report = reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora)
    version = generated(report, by=dora)
    pages = pdf_pages(version)
    text = "\n".join(pages)
    headings = ("1. Summary", "2. Findings", "3. Progress against each service priority", "4. Background")
    positions = [text.index(heading) for heading in (*headings, "Annex: the data")]
    assert positions == sorted(positions)
    assert "a. Formal agreement to 18 months programme of support with Leeds" in text
    assert "b. Progress in the Multi Agency Safeguarding Hub" in text
    assert "(i) Reducing the number of agency social workers and increasing the" in text
    # The indicator's chart, then one table of its target, the value before the period, each value
    # in the period (four months to a table) and where it ended up.
    assert "Agency social workers\n(i) Indicators: targets, values before and in the period, and trends" in text
    assert "Indicator Target Before the period May 2023 Jun 2023 Jul 2023 Aug 2023" in text
    assert "25% 52.4% (Apr 2023) 51.3% 49.3% 48.4% 49%" in text
    assert "(i) Indicators (continued)\nIndicator Sep 2023 Oct 2023 Latest meets the target Trend" in text
    assert "Agency social workers (lower is better) 49.2% 47.8% No Improving" in text
    flowing = re.sub(r"\s+", " ", text)
    assert "concluded that sufficient progress is being made." in flowing
    assert "The review's recommendation: continue support." in flowing
    assert_marked_on_every_page(pages, "OFFICIAL", draft=True)
    assert "Herefordshire Council" in pages[-1] and "Progress report to the Minister" in pages[-1]


def test_a_priority_with_no_values_in_the_period_says_so(charlie, dora, hereford_case, direction, review):
    report = reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora)
    text = pdf_text(generated(report, by=dora))
    assert text.count("No indicators are recorded for this priority, so there are no figures for this period.") == 2


def test_charts_are_vector_drawings_not_pictures(dora, hereford_case, direction, review):
    agency_indicator(direction, by=dora)
    report = reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora)
    reader = pdf_reader(generated(report, by=dora))
    for page in reader.pages:
        objects = page.get("/Resources", {}).get("/XObject", {})
        assert [name for name, ref in objects.items() if ref.get_object().get("/Subtype") == "/Image"] == []


def test_every_pdf_has_its_title_author_subject_and_is_tagged(dora, hereford_case, direction, review):
    report = reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora)
    reader = pdf_reader(generated(report, by=dora))
    metadata = reader.metadata
    assert (metadata.title, metadata.author, metadata.subject) == (
        "Progress report of the children's services commissioner in Herefordshire",
        "Charlie Brazil",
        "Progress report to the Minister: Herefordshire Council, 1 May 2023 to 31 October 2023",
    )
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"


def _cabinet(hereford_case, review, by):
    report = reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=by)
    reports.update_cabinet_paper(
        report=report,
        by=by,
        meeting_date=D(2023, 12, 21),
        report_by="Cabinet member children and young people\nCorporate Director children and young people",
        report_author="Corporate Director children and young people",
        community_impact=(
            "The Ofsted inspection judgement of 'Inadequate' has a direct and indirect effect.\n\n"
            "The County Plan includes the ambition to 'strengthen communities'; the council aims to:\n"
            "- Ensure all children are healthy, safe, and inspired to achieve;\n"
            "- Ensure that children in care are well supported."
        ),
        legal_implications="The Council was issued with a non-statutory improvement notice.",
    )
    return report


def test_the_cabinet_report_reads_like_the_councils_paper(alice, hereford_case, review):
    reviewing.record_report_publication(review=review, published_on=D(2023, 12, 13), by=review.created_by)
    version = generated(_cabinet(hereford_case, review, alice), by=alice)
    pages = pdf_pages(version)
    text = re.sub(r"\s+", " ", "\n".join(pages))
    for line in (
        "Title of report: Progress Report to the Minister of State for Children and Families on Children Services "
        "in Herefordshire Children's Services",
        "Meeting: Cabinet",
        "Meeting date: Thursday 21 December 2023",
        "Report by: Cabinet member children and young people",
        "Report by: Corporate Director children and young people",
        "Report author: Corporate Director children and young people",
        "Classification Open",
        "Decision type Non-key",
        "Wards affected (All Wards);",
        "Purpose To update Cabinet on the content of the most recent progress report",
        "Recommendation(s) That: a) Cabinet receive this report and note the feedback from the Commissioner.",
        "Alternative options 1. There are no alternative options. Herefordshire Council children's services are "
        "judged as inadequate",
        "Key considerations 2. A Statutory Direction was issued to Herefordshire Council on 1 March 2023 in relation "
        "to children's services.",
        # No progress report signed off or attached: the paper says so, and does not claim one was submitted.
        "3. A meeting to review progress was held on 6 November 2023. No progress report to the Minister of State "
        "from this meeting is attached to this paper as Appendix 1: none has been signed off in this service, and "
        "no published copy has been uploaded. The Commissioner's report from the meeting was published on "
        "13 December 2023.",
        "4. The review meeting noted a number of key developments in the last six months: "
        "a. Formal agreement to 18 months programme of support with Leeds "
        "b. Progress in the Multi Agency Safeguarding Hub",
        "5. Progress and improvement is observed in a number of areas.",
        "6. The review concluded that whilst progress has been slower than we would want, there have been "
        "positive developments.",
        "Community impact 7. The Ofsted inspection judgement of 'Inadequate' has a direct and indirect effect.",
        "8. The County Plan includes the ambition to 'strengthen communities'; the council aims to: "
        "a) Ensure all children are healthy, safe, and inspired to achieve; "
        "b) Ensure that children in care are well supported.",
        "Environmental Impact 9. There are no specific environmental impacts arising from this report.",
        "Equality duty 11. Under section 149 of the Equality Act 2010",
        "A public authority must, in the exercise of its functions, have due regard to the need to",
        "a) eliminate discrimination, harassment, victimisation",
        # The council has no resource implications in its standing sections yet: the heading, and a gap.
        "Resource implications To be completed. Legal implications 14. The Council was issued with a "
        "non-statutory improvement notice.",
        "Consultees 16. None.",
        "Appendices Appendix 1 - Progress Report to the Minister of State",
        "Background papers None identified.",
        "Report Reviewers Used for appraising this report",
        "Approved by Not yet reviewed",
    ):
        assert line in text, line
    assert_marked_on_every_page(pages, "Open", draft=True)


def test_the_highlight_report_counts_instructions_and_deadlines_and_names_the_risks(
    charlie, alice, dora, hereford_case, direction, review
):
    priority = direction.service_priorities.get(label="i")
    ProgressUpdate.objects.create(
        intervention=hereford_case,
        service_priority=priority,
        narrative="Still many agency staff",
        rag="red",
        period_start=D(2023, 10, 1),
        period_end=D(2023, 10, 31),
        author=alice,
    )
    Instruction.objects.create(
        intervention=hereford_case,
        number=1,
        issued_by=charlie.person,
        title="Recruit permanent managers",
        text="Recruit",
        issued_on=D(2023, 9, 25),
        due_on=D(2023, 10, 15),
        status=InstructionStatus.ISSUED,
    )
    Deadline.objects.create(intervention=hereford_case, what="Evidence of progress", computed_on=D(2023, 10, 1))
    Deadline.objects.create(intervention=hereford_case, what="Highlight report", computed_on=D(2023, 11, 30))
    report = reports.create_report(
        intervention=hereford_case,
        kind="highlight",
        period_start=D(2023, 9, 20),
        period_end=D(2023, 10, 31),
        commentary="Recruitment remains the main risk.",
        by=dora,
    )
    version = generated(report, by=dora)
    pages = pdf_pages(version)
    text = re.sub(r"\s+", " ", "\n".join(pages))
    for words in (
        "1. Service priorities",
        "(i) Permanent social workers Not rated Red First rating Progress update to 31 October 2023",
        "Progress update to 31 October 2023",
        "Issued in the period 1",
        "Open past their due date at 31 October 2023 1",
        "Instruction 1: Recruit permanent managers",
        "Missed in the period",
        "Evidence of progress",
        "Due in the next six weeks",
        "Highlight report",
        "(i) Permanent social workers is rated red.",
        "1 instruction open past its due date.",
        "Recruitment remains the main risk.",
        "5. Reviews in the period No review was held in this period.",
    ):
        assert words in text, words + " NOT IN " + text
    assert_marked_on_every_page(pages, "OFFICIAL-SENSITIVE", draft=True)


def test_a_highlight_report_for_a_quiet_period_says_there_is_no_data(dora, hereford_case):
    direction_with_priorities(hereford_case)
    report = reports.create_report(
        intervention=hereford_case, kind="highlight", period_start=D(2020, 1, 1), period_end=D(2020, 2, 11), by=dora
    )
    text = re.sub(r"\s+", " ", pdf_text(generated(report, by=dora)))
    assert "No service priorities were in force at the end of the period: no data for this period." in text
    assert "No instructions were issued, complied with or open: no data for this period." in text
    assert "No risks were identified from the records for this period." in text
    assert "No review was held in this period." in text


def test_the_quarterly_update_reports_the_quarters_review_and_what_comes_next(dora, hereford_case, direction, review):
    obligation = ReportingObligation.objects.create(
        instrument=direction,
        what="Next review of progress",
        deliverer="commissioner",
        recipient="minister",
        cadence="months_after_event",
        interval=6,
        event="publication of the commissioner's progress report",
    )
    assert obligation.event_on is None
    report = reports.create_report(
        intervention=hereford_case,
        kind="ministerial_update",
        period_start=D(2023, 10, 1),
        period_end=D(2023, 12, 31),
        by=dora,
    )
    version = generated(report, by=dora)
    pages = pdf_pages(version)
    text = re.sub(r"\s+", " ", "\n".join(pages))
    for words in (
        "To Minister of State for Children and Families",
        "From Charlie Brazil",
        "1. Summary",
        "The six-month review held on 6 November 2023 concluded that sufficient progress is being made.",
        "2. Findings",
        "3. Progress against the service priorities",
        "(i) Permanent social workers Red",
        "Key developments",
        "a. Formal agreement to 18 months programme of support with Leeds",
        "Annex: the data",
        "Instructions",
        "Next steps",
        "Next review of progress: 6 months after publication of the commissioner's progress report "
        "(waiting for its date).",
    ):
        assert words in text, words + " NOT IN " + text
    assert_marked_on_every_page(pages, "OFFICIAL-SENSITIVE", draft=True)


def test_the_instrument_is_printed_as_issued(dora, hereford_case, direction):
    report = reports.create_report(intervention=hereford_case, kind="instrument", instrument=direction, by=dora)
    version = generated(report, by=dora)
    pages = pdf_pages(version)
    text = re.sub(r"\s+", " ", "\n".join(pages))
    for words in (
        "Statutory direction to Herefordshire Council of 1 March 2023",
        "7. To comply",
        "Signed on behalf of the Secretary of State for Education",
        "Dawn Dandy",
        "Dated this 1st day of March 2023",
        "ANNEX",
        "Terms of Reference",
        "2. Address these priorities:",
    ):
        assert words in text, words + " NOT IN " + text
    assert_marked_on_every_page(pages, "OFFICIAL", draft=False)
