"""Classification by kind and audience (issue 14, item 9) and file names (item 10): each kind's default
marking, changing it only with a reason its history keeps, the marking as a banner at the top and bottom
of the HTML version, and the name a download is saved under."""

import re

import pytest
from django.core.exceptions import ValidationError

from reviews.models import Report
from reviews.services import reports
from tests.reviews.reports_support import D, direction_with_priorities, generated, held_review
from tests.sweep.support import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def direction(hereford_case):
    return direction_with_priorities(hereford_case)


@pytest.fixture
def review(charlie, hereford_case, direction):
    return held_review(hereford_case, by=charlie)


def start(kind, case, by, **details):
    return reports.create_report(
        intervention=case, kind=kind, by=by, period_start=D(2023, 9, 20), period_end=D(2023, 10, 31), **details
    )


def test_each_kind_starts_with_the_marking_for_its_audience(dora, hereford_case, review, direction):
    markings = {
        kind: start(kind, hereford_case, dora, **details).marking
        for kind, details in (
            ("cabinet", {"review": review}),
            ("progress", {"review": review}),
            ("highlight", {}),
            ("ministerial_update", {}),
            ("instrument", {"instrument": direction}),
        )
    }
    assert markings == {
        "cabinet": "Open",  # the council's own, from its paper
        "progress": "OFFICIAL",  # published on GOV.UK
        "highlight": "OFFICIAL-SENSITIVE",
        "ministerial_update": "OFFICIAL-SENSITIVE",
        "instrument": "OFFICIAL",
    }


def test_a_cabinet_report_carries_the_councils_marking_as_the_council_writes_it(alice, hereford_case, review):
    report = start("cabinet", hereford_case, alice, review=review)
    reports.update_cabinet_paper(report=report, by=alice, council_classification="Exempt: paragraph 3")
    assert Report.objects.get(pk=report.pk).marking == "Exempt: paragraph 3"


def test_changing_the_classification_needs_a_reason_which_history_keeps(dora, hereford_case):
    report = start("highlight", hereford_case, dora)
    with pytest.raises(ValidationError, match="Say why the classification is changing"):
        reports.change_classification(report=report, classification="OFFICIAL", reason=" ", by=dora)
    with pytest.raises(ValidationError, match="council's own marking"):
        reports.change_classification(report=report, classification="COUNCIL", reason="Why not", by=dora)
    reports.change_classification(report=report, classification="OFFICIAL", reason="To be published", by=dora)
    latest = Report.history.filter(id=report.pk).first()
    assert (latest.classification, latest.history_user, latest.history_change_reason) == (
        "OFFICIAL",
        dora,
        "Classification changed from OFFICIAL-SENSITIVE to OFFICIAL: To be published",
    )


def test_the_author_changes_the_classification_on_its_page(client, dora, hereford_case):
    report = start("highlight", hereford_case, dora)
    client.force_login(dora)
    refused = client.post(f"/reports/{report.pk}/classification/", {"classification": "OFFICIAL"})
    assert "Say why the classification is changing" in refused.content.decode()
    seen = form_data(client.get(f"/reports/{report.pk}/classification/").content.decode())["seen_version"]
    response = client.post(
        f"/reports/{report.pk}/classification/",
        {"classification": "OFFICIAL", "reason": "To be published", "seen_version": seen},
    )
    assert response.url == f"/reports/{report.pk}/"
    assert Report.objects.get(pk=report.pk).classification == "OFFICIAL"


def test_the_html_version_shows_the_marking_at_top_and_bottom_and_keeps_its_own(client, dora, hereford_case):
    report = start("highlight", hereford_case, dora)
    version = generated(report, by=dora)
    reports.change_classification(report=report, classification="OFFICIAL", reason="To be published", by=dora)
    client.force_login(dora)
    page = client.get(version.get_absolute_url()).content.decode()
    banners = re.findall(r'<p class="app-classification-banner" data-classification="(\w+)">([^<]+)</p>', page)
    assert banners == [("top", "OFFICIAL-SENSITIVE"), ("bottom", "OFFICIAL-SENSITIVE")]
    top, bottom = page.index("app-classification-banner"), page.rindex("app-classification-banner")
    assert top < page.index('class="app-report"') < bottom
    assert generated(report, by=dora).marking == "OFFICIAL"


def test_downloads_are_named_by_date_council_kind_version_and_state(client, dora, hereford_case, review, direction):
    cabinet = start("cabinet", hereford_case, dora, review=review)
    reports.update_cabinet_paper(
        report=cabinet,
        by=dora,
        meeting_date=D(2023, 12, 21),
        report_by="Cabinet member",
        report_author="Director",
        community_impact="Impact",
    )
    instrument = start("instrument", hereford_case, dora, instrument=direction)
    highlight = start("highlight", hereford_case, dora)
    client.force_login(dora)
    names = {}
    for report in (cabinet, instrument, highlight):
        version = generated(report, by=dora)
        response = client.get(version.download_url)
        b"".join(response.streaming_content)  # read to the end, which closes the file
        names[report.kind] = response["Content-Disposition"]
    assert names == {
        "cabinet": 'attachment; filename="2023-12-21 Herefordshire cabinet report v1 draft.pdf"',
        "instrument": 'attachment; filename="2023-03-01 Herefordshire notice or direction v1 final.pdf"',
        "highlight": 'attachment; filename="2023-10-31 Herefordshire highlight report v1 draft.pdf"',
    }


def test_a_name_with_accents_is_sent_encoded(client, dora, hereford_case):
    authority = hereford_case.local_authority
    authority.name = "Ynys Môn"
    authority.save()
    version = generated(start("highlight", hereford_case, dora), by=dora)
    client.force_login(dora)
    response = client.get(version.download_url)
    b"".join(response.streaming_content)  # read to the end, which closes the file
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''2023-10-31%20Ynys%20M%C3%B4n%20highlight%20report%20v1%20draft.pdf"
    )
