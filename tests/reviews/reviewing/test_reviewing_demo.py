"""The demo's reviews and cabinet paper, checked against the cabinet report of 21 December 2023
(docs/seeds/herefordshire-cabinet-report-2023-12.txt)."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from intervention.demo import demo_administrator
from reviews.demo.reviews import KEY_DEVELOPMENTS_NOVEMBER_2023, load_demo_reviews
from reviews.models import Report, Review
from reviews.services import reports
from tests.reviews.reports_support import D, generated, pdf_text, published_pdf

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[3] / "docs" / "seeds" / "herefordshire-cabinet-report-2023-12.txt"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("setup_demo")


def test_the_progress_review_of_6_november_2023_is_held_with_seven_assessed_priorities(demo):
    review = Review.objects.get(held_on=D(2023, 11, 6))
    assert (review.get_kind_display(), review.status, review.report_published_on) == (
        "Six-month review",
        "held",
        D(2023, 12, 13),
    )
    assert [(a.service_priority.label, a.is_complete) for a in review.assessments.order_by("position")] == [
        (label, True) for label in ("i", "ii", "iii", "iv", "v", "vi", "vii")
    ]
    assert review.deadlines_met.get().what == "Further review of progress after six months"


def test_the_key_developments_are_the_cabinet_reports_words(demo):
    seed = SEED.read_text()
    review = Review.objects.get(held_on=D(2023, 11, 6))
    assert review.key_development_list == list(KEY_DEVELOPMENTS_NOVEMBER_2023)
    for letter, development in zip("abcdefgh", review.key_development_list, strict=True):
        assert f"  - {letter}. {development}" in seed


def test_loading_the_demo_reviews_again_changes_nothing(demo):
    before = (Review.objects.count(), Report.objects.count(), Review.history.count())
    load_demo_reviews(by=demo_administrator())
    assert (Review.objects.count(), Report.objects.count(), Review.history.count()) == before


def test_the_demo_cabinet_report_reads_like_the_seed(demo):
    report = Report.objects.get(kind="cabinet")
    # The council attaches the published progress report as Appendix 1, as Herefordshire's paper did: only
    # then does the paper say the Commissioner submitted one.
    reports.update_cabinet_paper(report=report, by=demo_administrator(), published_report=published_pdf())
    text = re.sub(r"\s+", " ", pdf_text(generated(report, by=demo_administrator())))
    unlinked = re.sub(r"\[([^\]]+)\]\(#\)", r"\1", SEED.read_text())  # "[website](#)" is a link in the seed
    seed = re.sub(r"\s+", " ", unlinked.replace("*", "").replace("#", ""))
    for paragraph in (
        "Children's Services were judged to be inadequate during the Ofsted inspection conducted in July 2022.",
        "The inspection report was published on 21 September 2022 on the Ofsted website.",
        "set out the Terms of Reference to the direction.",
        "Formal agreement to 18 months programme of support with Leeds",
        "Limited progress in other parts of children's social care.",
        "Progress has been made against each of the recommendations for practice improvement made in the original "
        "report, published earlier this year.",
        "Ensure all children are healthy, safe, and inspired to achieve;",
        "There are no specific environmental impacts arising from this report.",
    ):
        assert paragraph in text and paragraph in seed, paragraph
    for numbered in (
        "2. Children's Services were judged to be inadequate",
        "8. A meeting to review progress was held on 6 November 2023",
        "9. In the progress report the Commissioner notes a number of key developments in the last six months:",
        "12. Progress will be reviewed again, six months after publication",
        "13. The Ofsted inspection judgement of 'Inadequate'",
    ):
        assert numbered in text, numbered
