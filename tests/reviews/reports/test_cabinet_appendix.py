"""The cabinet report's Appendix 1 and links (issue 14, items 2 and 8): the published report it presents
is merged into its PDF with a bookmark, links are live, the sentence that says the Commissioner submitted
a progress report appears only when one exists, and the council's standing sections are entered once,
with "To be completed" and a sign-off gap where a council has none."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.models import CouncilSections
from reviews.reports import renderer_for
from reviews.reports.cabinet import GAP_APPENDIX, NO_PROGRESS_REPORT, TO_BE_COMPLETED
from reviews.reports.completeness import gaps
from reviews.services import reports, reviewing
from tests.reviews.reports_support import (
    D,
    direction_with_priorities,
    generated,
    held_review,
    pdf_reader,
    published_pdf,
    write_ministerial_words,
)

pytestmark = pytest.mark.django_db

SUBMITTED = (
    "A meeting to review progress was held on 6 November 2023, following which the Commissioner submitted a "
    "progress report to the Minister of State (Appendix 1)."
)
OFSTED = "https://reports.ofsted.gov.uk/provider/44/80559"
DIRECTION = "https://www.gov.uk/government/publications/herefordshire-childrens-services-statutory-direction"
PUBLISHED = "https://www.gov.uk/government/publications/herefordshire-childrens-services-progress-report"


@pytest.fixture
def review(charlie, hereford_case):
    direction_with_priorities(hereford_case)
    review = held_review(hereford_case, by=charlie)
    reviewing.record_report_publication(review=review, published_on=D(2023, 12, 13), by=charlie)
    review.refresh_from_db()
    return review


def cabinet(case, review, by, **words):
    report = reports.create_report(intervention=case, kind="cabinet", review=review, by=by)
    reports.update_cabinet_paper(
        report=report,
        by=by,
        meeting_date=D(2023, 12, 21),
        report_by="Cabinet member children and young people",
        report_author="Corporate Director children and young people",
        community_impact="Impact",
        **words,
    )
    report.refresh_from_db()
    return report


def body_text(report) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", renderer_for("cabinet").render_body(report)))


def test_the_uploaded_published_report_is_appendix_1_with_its_bookmark_and_live_links(
    file_storage, alice, hereford_case, review
):
    report = cabinet(
        hereford_case,
        review,
        alice,
        legal_implications="Legal",
        resource_implications="None",
        published_report=published_pdf(pages=3),
        ofsted_report_url=OFSTED,
        direction_url=DIRECTION,
        published_report_url=PUBLISHED,
    )
    reader = pdf_reader(generated(report, by=alice))
    own = [page for page in reader.pages if "Cabinet report" in page.extract_text()]
    assert re.search(rf"Page {len(own)} of {len(own)}", own[-1].extract_text())
    assert len(reader.pages) == len(own) + 3
    outline = [item for item in reader.outline if not isinstance(item, list)]
    appendix = outline[-1]
    assert appendix.title == (
        "Appendix 1 - Progress Report to the Minister of State for Children and Families on Children Services in "
        "Herefordshire Children's Services"
    )
    assert reader.get_destination_page_number(appendix) == len(own)
    uris = {
        annotation.get_object()["/A"]["/URI"]
        for page in own
        for annotation in page.get("/Annots", []) or []
        if "/A" in annotation.get_object() and "/URI" in annotation.get_object()["/A"]
    }
    assert uris == {DIRECTION, PUBLISHED}  # the case records no inspection: no Ofsted sentence, no link
    assert SUBMITTED in re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in own))


def test_the_signed_off_progress_report_is_appendix_1(alice, charlie, dora, hereford_case, review):
    progress = reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora)
    write_ministerial_words(progress, by=dora)
    final = reports.sign_off(version=generated(progress, by=dora), by=charlie, declared=True)
    reports.generate_version(version_id=final.pk)
    final.refresh_from_db()
    report = cabinet(hereford_case, review, alice, legal_implications="Legal", resource_implications="None")
    assert SUBMITTED in body_text(report)
    assert own_gaps(report) == []
    reader = pdf_reader(generated(report, by=alice))
    progress_pages = len(pdf_reader(final).pages)
    own = [page for page in reader.pages if "Cabinet report" in page.extract_text()]
    assert len(reader.pages) == len(own) + progress_pages
    assert "Progress report of the children's services" in reader.pages[len(own)].extract_text()


def own_gaps(report):
    """The gaps this file is about (Appendix 1 and the council's standing sections), leaving out the
    report reviewers and the rest the other checks ask for (tests/reviews/reports/test_sign_off_checks.py)."""
    return [gap for gap in gaps(report) if gap.part in ("Appendices", "Legal implications", "Resource implications")]


def test_without_a_progress_report_the_paper_says_what_is_missing_and_cannot_be_signed_off(
    alice, hereford_case, review
):
    report = cabinet(hereford_case, review, alice, legal_implications="Legal", resource_implications="None")
    text = body_text(report)
    assert "submitted a progress report" not in text
    assert "(Appendix 1)" not in text
    assert f"A meeting to review progress was held on 6 November 2023. {NO_PROGRESS_REPORT}" in text.replace(
        "&#x27;", "'"
    )
    assert "The review meeting noted a number of key developments" in text
    assert [(gap.part, gap.message) for gap in own_gaps(report)] == [("Appendices", GAP_APPENDIX)]
    assert own_gaps(report)[0].href == f"/reports/{report.pk}/council-words/#id_published_report"


def test_a_council_without_legal_words_gets_to_be_completed_and_a_gap(alice, hereford_case, review):
    report = cabinet(hereford_case, review, alice, resource_implications="None", published_report=published_pdf())
    text = body_text(report)
    assert f"Legal implications {TO_BE_COMPLETED}" in text
    assert [(gap.part, gap.href) for gap in own_gaps(report)] == [
        ("Legal implications", f"/reports/{report.pk}/council-words/#id_legal_implications")
    ]
    # It does not stop a draft being generated: only sign-off needs it.
    assert reports.missing_for(report) == []


def test_the_councils_sections_are_entered_once_for_all_its_papers(alice, charlie, hereford_case, review):
    first = cabinet(hereford_case, review, alice, legal_implications="The council legal words.")
    second = reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=alice)
    assert "Legal implications" in body_text(first)
    assert "The council legal words." in body_text(second)
    sections = CouncilSections.objects.get(local_authority=hereford_case.local_authority)
    assert (sections.version, sections.history.first().history_user) == (1, alice)
    with pytest.raises(ValidationError, match="Someone else changed the council's standing sections"):
        reports.update_cabinet_paper(report=second, by=alice, council_version=0, legal_implications="Older words")


def test_the_published_report_must_be_a_pdf(client, alice, hereford_case, review):
    report = reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=alice)
    client.force_login(alice)
    page = client.get(f"/reports/{report.pk}/council-words/")
    assert b'enctype="multipart/form-data"' in page.content
    data = {
        "title": report.title,
        "meeting": "Cabinet",
        "council_classification": "Open",
        "decision_type": "Non-key",
        "wards_affected": "(All Wards);",
        "published_report": SimpleUploadedFile("report.pdf", b"Not a PDF at all", content_type="application/pdf"),
    }
    response = client.post(f"/reports/{report.pk}/council-words/", data)
    assert response.status_code == 200
    assert "must be a PDF" in response.content.decode()
    report.cabinet_paper.refresh_from_db()
    assert not report.cabinet_paper.published_report


STANDING = "The Council was issued with a direction.\n\n[review meeting]\n\nProgress will be reviewed again."


def legal_section(report) -> str:
    text = body_text(report)
    return text[text.index("Legal implications") : text.index("Risk management")]


def test_the_standing_legal_text_speaks_of_appendix_1_only_in_a_paper_that_has_one(alice, hereford_case, review):
    """Herefordshire's standing words (seed paragraph 25) are kept once for every paper, so the sentence
    about the review meeting and Appendix 1 is written for each paper from its own data."""
    without = cabinet(hereford_case, review, alice, legal_implications=STANDING, resource_implications="None")
    legal = legal_section(without)
    assert "(Appendix 1)" not in legal and "[review meeting]" not in legal
    assert "A meeting to review progress was held on 6 November 2023. No progress report" in legal
    with_one = cabinet(hereford_case, review, alice, published_report=published_pdf(pages=1))
    legal = legal_section(with_one)
    assert SUBMITTED in legal
    assert re.search(r"\d+\. The Council was issued with a direction\. \d+\. A meeting", legal)  # numbered in turn


def test_the_demo_keeps_herefordshires_standing_words_without_one_papers_appendix(alice, hereford_case, review):
    from reviews.demo.reviews import CABINET_WORDS_DECEMBER_2023

    words = CABINET_WORDS_DECEMBER_2023["legal_implications"]
    assert "Appendix 1" not in words and "\n\n[review meeting]\n\n" in words


def test_the_migration_takes_one_papers_meeting_sentence_out_of_the_standing_words(hereford_case):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("reviews.migrations.0021_standing_text_review_meeting")
    sections = CouncilSections.objects.create(
        local_authority=hereford_case.local_authority,
        legal_implications=(
            "The Council was issued with a direction.\n\nA meeting to review progress was held on 6 November 2023, "
            "following which the Commissioner submitted a progress report to the Minister of State (Appendix 1).\n\n"
            "Progress will be reviewed again."
        ),
    )
    migration.to_placeholder(apps, None)
    sections.refresh_from_db()
    assert sections.legal_implications == STANDING
