"""The commissioner's report to the Minister in the form Ministers read (issue 14, items 2 and 7): the
summary (conclusion and numbered recommendations) first, the findings by theme, progress against each
service priority, the data in an annex; addressed to the Minister; nothing stated that is not recorded;
and the commissioner's words on their own page, which refuses a stale save and a save after sign-off."""

import re

import pytest
from django.core.exceptions import ValidationError

from reviews.models import MinisterialReportWords
from reviews.reports.completeness import gaps
from reviews.reports.ministerial_words import CONCLUSION_MISSING, RECOMMENDATIONS_MISSING
from reviews.services import reports
from tests.reviews.reports_support import (
    D,
    agency_indicator,
    direction_with_priorities,
    generated,
    held_review,
    pdf_pages,
)

pytestmark = pytest.mark.django_db

THEMES = ("leadership", "practice", "workforce", "partnerships", "finance", "capacity")


@pytest.fixture
def direction(hereford_case):
    return direction_with_priorities(hereford_case)


@pytest.fixture
def review(charlie, hereford_case, direction):
    return held_review(hereford_case, by=charlie)


@pytest.fixture
def progress_report(charlie, hereford_case, review):
    return reports.create_report(intervention=hereford_case, kind="progress", review=review, by=charlie)


def saved_words(report) -> MinisterialReportWords:
    return MinisterialReportWords.objects.get(report=report)


def complete_words(report, *, by, **changes):
    words = saved_words(report)
    fields = {
        "conclusion": "The council has made steady progress.\n\nThe pace must now quicken.",
        "recommendations": "The council retains control of its children's services.\nProgress is reviewed again "
        "in six months.",
        "review_date": D(2024, 6, 13),
        **{f"findings_{theme}": f"Findings on {theme}." for theme in THEMES[:-1]},
        "nothing_capacity": True,
        **changes,
    }
    return reports.update_ministerial_words(report=report, by=by, version=words.version, **fields)


def flowing(version) -> str:
    return re.sub(r"\s+", " ", "\n".join(pdf_pages(version)))


def test_the_report_reads_summary_then_findings_then_priorities_then_the_data(charlie, direction, progress_report):
    agency_indicator(direction, by=charlie)
    complete_words(progress_report, by=charlie)
    text = flowing(generated(progress_report, by=charlie))
    in_order = [
        "1. Summary",
        "The council has made steady progress.",
        "The pace must now quicken.",
        "Recommendations to the Minister",
        "The council retains control of its children's services.",
        "Progress is reviewed again in six months.",
        "The commissioner recommends that progress is reviewed again by 13 June 2024.",
        "2. Findings",
        "2.1 Leadership and governance Findings on leadership.",
        "2.2 Practice quality Findings on practice.",
        "2.5 Finance and resources Findings on finance.",
        "2.6 The council's capacity and capability to improve The commissioner has nothing to report under this "
        "heading.",
        "3. Progress against each service priority",
        "(i) Reducing the number of agency social workers",
        "4. Background",
        "Annex: the data",
        "(i) Indicators: targets, values before and in the period, and trends",
    ]
    positions = [text.find(words) for words in in_order]
    assert -1 not in positions, [words for words, at in zip(in_order, positions, strict=True) if at == -1]
    assert positions == sorted(positions)


def test_the_recommendations_are_numbered(charlie, progress_report):
    complete_words(progress_report, by=charlie)
    body = generated(progress_report, by=charlie).body_html
    numbered = re.search(r'<ol class="govuk-list govuk-list--number app-recommendations">(.*?)</ol>', body, re.S)
    assert numbered is not None
    assert re.findall(r"<li>(.*?)</li>", numbered.group(1)) == [
        "The council retains control of its children&#x27;s services.",
        "Progress is reviewed again in six months.",
    ]


def test_the_report_is_addressed_to_the_minister_not_on_the_councils_letterhead(charlie, progress_report):
    pages = pdf_pages(generated(progress_report, by=charlie))
    assert "The children's services commissioner's report to the Minister" in pages[0].splitlines()[:2]
    assert "To Minister of State for Children and Families From Charlie Brazil" in re.sub(r"\s+", " ", pages[0])


def test_the_words_are_drafted_from_the_review(progress_report):
    words = saved_words(progress_report)
    assert (words.conclusion, words.recommendation_list, words.addressed_to) == (
        "Whilst progress has been slower than we would want, there have been positive developments.",
        [
            "The council retains control of its children's services and the direction continues, with the "
            "commissioner's support."
        ],
        "Minister of State for Children and Families",
    )


def test_a_missing_conclusion_is_stated_not_invented(charlie, progress_report):
    complete_words(progress_report, by=charlie, conclusion="", recommendations="", findings_workforce="")
    text = flowing(generated(progress_report, by=charlie))
    assert CONCLUSION_MISSING in text
    assert RECOMMENDATIONS_MISSING in text
    assert "The commissioner's findings on workforce have not been written." in text
    # The review's own conclusion is not passed off as the commissioner's words to the Minister.
    assert "there have been positive developments" not in text


def test_a_quarterly_update_without_a_review_or_words_says_what_is_missing(charlie, hereford_case, direction):
    report = reports.create_report(
        intervention=hereford_case,
        kind="ministerial_update",
        period_start=D(2023, 1, 1),
        period_end=D(2023, 3, 31),
        by=charlie,
    )
    text = flowing(generated(report, by=charlie))
    in_order = [
        "To Minister of State for Children and Families",
        "1. Summary",
        "No review was held in this quarter.",
        CONCLUSION_MISSING,
        RECOMMENDATIONS_MISSING,
        "2. Findings",
        "The commissioner's findings on leadership and governance have not been written.",
        "3. Progress against the service priorities",
        "Annex: the data",
    ]
    positions = [text.find(words) for words in in_order]
    assert -1 not in positions, [words for words, at in zip(in_order, positions, strict=True) if at == -1]
    assert positions == sorted(positions)
    assert "no data for this period" not in text.split("Annex: the data")[0]


def test_sign_off_gaps_are_each_missing_part_with_a_link_to_it(charlie, progress_report):
    reports.update_ministerial_words(
        report=progress_report, by=charlie, version=1, conclusion="", findings_leadership="Strong."
    )
    found = gaps(progress_report)
    url = f"/reports/{progress_report.pk}/commissioners-words/"
    assert [(gap.part, gap.message, gap.href) for gap in found] == [
        ("Summary and recommendations", "Write the commissioner's conclusion", f"{url}#id_conclusion"),
        *[
            (
                f"Findings: {heading}",
                f"Write the findings on {heading[0].lower()}{heading[1:]}, or mark it as nothing to report",
                f"{url}#id_findings_{theme}",
            )
            for theme, heading in [
                ("practice", "Practice quality"),
                ("workforce", "Workforce"),
                ("partnerships", "Partnerships"),
                ("finance", "Finance and resources"),
                ("capacity", "The council's capacity and capability to improve"),
            ]
        ],
    ]
    complete_words(progress_report, by=charlie)
    assert gaps(progress_report) == []


def posted_words(report, **changes) -> dict:
    words = saved_words(report)
    data = {
        "version": str(words.version),
        "addressed_to": words.addressed_to,
        "conclusion": words.conclusion,
        "recommendations": words.recommendations,
        "review_date_0": "",
        "review_date_1": "",
        "review_date_2": "",
    }
    for theme in THEMES:
        data[f"findings_{theme}"] = words.findings(theme)
    data.update(changes)
    return data


def test_the_words_page_saves_the_commissioners_words_with_history(client, charlie, progress_report):
    client.force_login(charlie)
    page = client.get(f"/reports/{progress_report.pk}/commissioners-words/")
    assert page.status_code == 200
    assert "Recommendations to the Minister" in page.text
    response = client.post(
        f"/reports/{progress_report.pk}/commissioners-words/",
        posted_words(
            progress_report,
            conclusion="Progress is real but slow.",
            findings_workforce="Agency staffing is falling.",
            nothing_finance="on",
            review_date_0="13",
            review_date_1="6",
            review_date_2="2024",
        ),
    )
    assert response.status_code == 302
    words = MinisterialReportWords.objects.get(report=progress_report)
    assert (words.conclusion, words.findings_workforce, words.nothing_finance, words.review_date, words.version) == (
        "Progress is real but slow.",
        "Agency staffing is falling.",
        True,
        D(2024, 6, 13),
        2,
    )
    assert words.history.first().history_user == charlie
    detail = client.get(f"/reports/{progress_report.pk}/")
    assert f'href="/reports/{progress_report.pk}/commissioners-words/"' in detail.text


def test_the_words_page_refuses_a_stale_save(client, charlie, dora, progress_report):
    opened = posted_words(progress_report)  # the form as charlie opened it, at version 1
    complete_words(progress_report, by=dora, conclusion="Dora's conclusion.")  # someone saves meanwhile
    client.force_login(charlie)
    response = client.post(
        f"/reports/{progress_report.pk}/commissioners-words/", {**opened, "conclusion": "Charlie's conclusion."}
    )
    assert response.status_code == 200
    assert "Someone else changed these words since you opened this page" in response.text
    assert "What is saved now" in response.text and "Dora&#x27;s conclusion." in response.text
    assert MinisterialReportWords.objects.get(report=progress_report).conclusion == "Dora's conclusion."
    # Saving again, now that they have seen the other change, is a deliberate choice and goes through.
    again = re.search(r'name="version" value="(\d+)"', response.text)
    assert again is not None and again.group(1) == "2"
    response = client.post(
        f"/reports/{progress_report.pk}/commissioners-words/",
        {**opened, "version": "2", "conclusion": "Charlie's conclusion."},
    )
    assert response.status_code == 302
    assert MinisterialReportWords.objects.get(report=progress_report).conclusion == "Charlie's conclusion."


def test_the_words_cannot_change_after_sign_off(client, charlie, progress_report):
    complete_words(progress_report, by=charlie)
    reports.sign_off(version=generated(progress_report, by=charlie), by=charlie, declared=True)
    words = saved_words(progress_report)
    with pytest.raises(ValidationError):
        reports.update_ministerial_words(report=progress_report, by=charlie, version=words.version, conclusion="New")
    client.force_login(charlie)
    response = client.post(
        f"/reports/{progress_report.pk}/commissioners-words/", posted_words(progress_report, conclusion="New")
    )
    assert response.status_code == 200
    assert "This report was signed off on" in response.text
    words.refresh_from_db()
    assert words.conclusion == "The council has made steady progress.\n\nThe pace must now quicken."


def test_council_officers_cannot_open_the_words_page(client, alice, bob, progress_report):
    url = f"/reports/{progress_report.pk}/commissioners-words/"
    client.force_login(alice)  # an officer of the case's council: a draft report to the Minister is not for her
    assert client.get(url).status_code == 404
    assert client.post(url, posted_words(progress_report, conclusion="Ours")).status_code == 404
    client.force_login(bob)  # an officer of another council: the report is not there for him
    assert client.get(url).status_code == 404
    assert saved_words(progress_report).conclusion != "Ours"


def test_a_cabinet_report_has_no_commissioners_words_page(client, dora, hereford_case, review):
    cabinet = reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=dora)
    client.force_login(dora)
    assert client.get(f"/reports/{cabinet.pk}/commissioners-words/").status_code == 404
