"""Reports: versions that never change once ready, sign-off by the right person, what is missing,
failures with a retry, and who may see and download what."""

import datetime
import hashlib
import logging
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intervention.enums import Role
from reviews.models import Deadline, Report, ReportVersion
from reviews.services import reports
from tests.reviews.reports_support import (
    D,
    appoint,
    case_lead,
    direction_with_priorities,
    generated,
    held_review,
    pdf_text,
    ready_to_sign,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def direction(hereford_case):
    return direction_with_priorities(hereford_case)


@pytest.fixture
def review(charlie, hereford_case, direction):
    return held_review(hereford_case, by=charlie)


@pytest.fixture
def progress_report(dora, hereford_case, review):
    return reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora)


def test_generating_a_report_keeps_the_pdf_with_its_hash_and_who_asked(dora, progress_report):
    version = generated(progress_report, by=dora)
    with version.file.open("rb") as handle:
        content = handle.read()
    assert (version.status, version.number, version.requested_by, version.content_type) == (
        "ready",
        1,
        dora,
        "application/pdf",
    )
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert content.startswith(b"%PDF-")
    assert version.filename == "2023-10-31 Herefordshire progress report to the Minister v1 draft.pdf"


def test_regenerating_makes_a_new_version_and_the_old_one_stays_downloadable(
    file_storage, client, dora, progress_report
):
    first = generated(progress_report, by=dora)
    second = generated(progress_report, by=dora)
    client.force_login(dora)
    assert [v.number for v in progress_report.versions.all()] == [2, 1]
    old = client.get(first.download_url)
    assert (old.status_code, old["Content-Type"]) == (200, "application/pdf")
    # Reading the whole download closes it, as a browser's would.
    assert hashlib.sha256(b"".join(old.streaming_content)).hexdigest() == first.sha256
    assert second.sha256 != ""


def test_a_ready_version_cannot_be_rewritten(dora, progress_report):
    version = generated(progress_report, by=dora)
    version.body_html = "<p>Something else</p>"
    with pytest.raises(ValidationError, match="Version 1 of this report is ready and cannot be changed"):
        version.save()


def test_generating_the_same_version_twice_does_nothing_the_second_time(dora, progress_report):
    version = reports.request_version(report=progress_report, by=dora)
    assert reports.generate_version(version_id=version.pk) == "ready"
    version.refresh_from_db()
    sha = version.sha256
    assert reports.generate_version(version_id=version.pk) == "ready"
    version.refresh_from_db()
    assert (version.sha256, version.attempts) == (sha, 1)


def test_asking_twice_while_a_version_is_being_generated_makes_one_version_and_one_file(client, dora, progress_report):
    client.force_login(dora)
    url = reverse("report_generate", kwargs={"pk": progress_report.pk})
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # the second click, before the worker has run
    assert [version.number for version in progress_report.versions.all()] == [1]
    version = progress_report.versions.get()
    assert reports.request_version(report=progress_report, by=dora) == version
    assert reports.generate_version(version_id=version.pk) == "ready"
    assert reports.generate_version(version_id=version.pk) == "ready"  # the task delivered twice
    version.refresh_from_db()
    assert (version.status, version.attempts) == ("ready", 1)
    assert [v.file.name for v in progress_report.versions.exclude(file="")] == [version.file.name]
    # Once it is ready, asking again is a new version.
    assert reports.request_version(report=progress_report, by=dora).number == 2


def test_a_progress_report_without_a_held_review_says_what_is_missing(dora, hereford_case, direction):
    report = reports.create_report(intervention=hereford_case, kind="progress", by=dora)
    with pytest.raises(ValidationError) as refused:
        reports.request_version(report=report, by=dora)
    assert refused.value.messages == [
        "This report cannot be generated yet. Choose the review this report is about. No review has been "
        "recorded as held for this case yet: record the review first."
    ]
    assert report.versions.count() == 0


def test_a_report_with_no_review_chosen_asks_for_one_when_reviews_were_held(dora, hereford_case, review):
    report = reports.create_report(intervention=hereford_case, kind="progress", by=dora)
    with pytest.raises(ValidationError) as refused:
        reports.request_version(report=report, by=dora)
    assert refused.value.messages == ["This report cannot be generated yet. Choose the review this report is about."]


def test_a_cabinet_report_with_the_council_words_missing_says_which(alice, hereford_case, review):
    report = reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=alice)
    with pytest.raises(
        ValidationError,
        match=r"Fill in the council's words .*: meeting date, report by, report author, community impact",
    ):
        reports.request_version(report=report, by=alice)


def test_a_failed_generation_is_shown_as_failed_with_a_retry_and_the_reason_logged(
    client, dora, progress_report, monkeypatch, caplog
):
    """The person is told plainly that it failed; the exception's text is for the logs and the admin."""

    class BrokenWeasyPrint:
        def __init__(self, *args, **kwargs):
            raise OSError("cairo ran out of memory")

    monkeypatch.setattr("reviews.reports.pdf.HTML", BrokenWeasyPrint)
    with caplog.at_level(logging.ERROR, logger="reviews.services.reports"):
        version = generated(progress_report, by=dora)
    assert (version.status, version.error) == (
        "failed",
        "The report could not be generated: OSError: cairo ran out of memory",
    )
    assert "failed" in caplog.text and "cairo ran out of memory" in caplog.text
    client.force_login(dora)
    plain = "Version 1 could not be generated. Try again, or contact the service administrator if it fails again."
    page = client.get(progress_report.get_absolute_url()).text
    assert "Failed" in page and plain in page and "Retry" in page
    assert "cairo" not in page and "OSError" not in page
    status = client.get(f"/reports/{progress_report.pk}/versions/1/status/").json()
    assert (status["status"], status["message"]) == ("failed", plain)
    admin_page = client.get(f"/admin/reviews/report/{progress_report.pk}/change/").text
    assert "OSError: cairo ran out of memory" in admin_page
    monkeypatch.undo()
    client.post(f"/reports/{progress_report.pk}/versions/1/retry/")
    reports.generate_version(version_id=version.pk)
    version.refresh_from_db()
    assert (version.number, version.status, version.error) == (1, "ready", "")


def test_a_version_a_dead_worker_left_behind_shows_as_failed(dora, progress_report, time_machine):
    version = reports.request_version(report=progress_report, by=dora)
    assert (version.shown_status, version.is_generating) == ("generating", True)
    time_machine.move_to(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(hours=1))
    # Waiting in the queue (behind other work, or a queue that was down) is not failing.
    assert (version.shown_status, version.is_generating) == ("generating", True)
    ReportVersion.objects.filter(pk=version.pk).update(started_at=timezone.now(), attempts=1)  # a worker took it
    time_machine.move_to(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(hours=1))  # and died
    version.refresh_from_db()
    assert (version.shown_status, version.is_failed) == ("failed", True)
    reports.retry_version(version=version, by=dora)
    version.refresh_from_db()
    assert version.shown_status == "generating"


# --- Sign-off -------------------------------------------------------------------------------------


def test_signing_off_makes_a_final_pdf_without_draft_and_freezes_the_report(charlie, dora, progress_report):
    ready_to_sign(progress_report, by=dora)
    draft = generated(progress_report, by=dora)
    final = reports.sign_off(version=draft, by=charlie, declared=True)
    reports.generate_version(version_id=final.pk)
    final.refresh_from_db()
    assert (final.number, final.is_final, final.based_on, final.signer_name, final.signer_role) == (
        2,
        True,
        draft,
        "Charlie Brazil",
        "Commissioner",
    )
    assert final.body_html == draft.body_html
    text = pdf_text(final)
    assert "DRAFT" not in text
    assert f"Signed off by Charlie Brazil, Commissioner, on {datetime.date.today():%-d %B %Y}" in text
    assert "DRAFT" in pdf_text(draft)
    with pytest.raises(ValidationError, match=r"This report was signed off on .* by Charlie Brazil"):
        reports.request_version(report=progress_report, by=dora)


def test_the_signed_version_prints_the_declaration_its_signer_confirmed_in_the_pdf_and_on_the_web(
    client, charlie, dora, progress_report
):
    ready_to_sign(progress_report, by=dora)
    draft = generated(progress_report, by=dora)
    final = reports.sign_off(version=draft, by=charlie, declared=True)
    reports.generate_version(version_id=final.pk)
    final.refresh_from_db()
    words = f"I have read version {draft.number} and it is accurate as at"
    assert final.declaration.startswith(words)
    declared = f"Charlie Brazil declared: “{final.declaration}”"
    assert declared in " ".join(pdf_text(final).split())
    assert words not in pdf_text(draft)
    client.force_login(dora)
    page = client.get(reverse("report_version_html", kwargs={"pk": progress_report.pk, "number": final.number}))
    assert declared in " ".join(page.text.split())


def test_the_signed_off_date_signer_and_hash_are_shown_on_the_reports_pages(client, charlie, dora, progress_report):
    ready_to_sign(progress_report, by=dora)
    final = reports.sign_off(version=generated(progress_report, by=dora), by=charlie, declared=True)
    reports.generate_version(version_id=final.pk)
    final.refresh_from_db()
    client.force_login(dora)
    page = client.get(progress_report.get_absolute_url()).text
    assert final.sha256 in page
    assert "by Charlie Brazil, commissioner, on" in page
    listing = client.get("/reports/").text
    assert "Signed off" in listing and "Charlie Brazil" in listing


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        ("progress", Role.COMMISSIONER),
        ("ministerial_update", Role.COMMISSIONER),
        ("highlight", Role.DFE_CASE_LEAD),
        ("cabinet", Role.DIRECTOR_OF_CHILDRENS_SERVICES),
    ],
)
def test_only_the_person_in_the_right_role_signs_a_report_off(dora, alice, charlie, hereford_case, review, kind, role):
    report = reports.create_report(
        intervention=hereford_case,
        kind=kind,
        review=review,
        period_start=D(2023, 9, 20),
        period_end=D(2023, 10, 31),
        by=dora,
    )
    ready_to_sign(report, by=dora)
    draft = generated(report, by=dora)
    people = {Role.COMMISSIONER: charlie, Role.DFE_CASE_LEAD: dora, Role.DIRECTOR_OF_CHILDRENS_SERVICES: alice}
    signer = people.pop(role)
    for other in people.values():
        with pytest.raises(PermissionDenied, match=r"Only the .* appointed to this case can sign off"):
            reports.sign_off(version=draft, by=other, declared=True)
    appoint(signer, hereford_case, role)
    assert reports.sign_off(version=draft, by=signer, declared=True).is_final


def test_signing_off_meets_the_deadline_the_report_was_written_for(charlie, dora, hereford_case, progress_report):
    deadline = Deadline.objects.create(
        intervention=hereford_case, what="Progress report to the Minister", computed_on=D(2023, 12, 15)
    )
    ready_to_sign(progress_report, by=dora)
    reports.sign_off(version=generated(progress_report, by=dora), by=charlie, declared=True, deadline=deadline)
    deadline.refresh_from_db()
    assert (deadline.status, deadline.met_by_report) == ("met", progress_report)


def test_only_the_latest_ready_version_can_be_signed_off(charlie, dora, progress_report):
    first = generated(progress_report, by=dora)
    generated(progress_report, by=dora)
    with pytest.raises(ValidationError, match="Sign off the latest version: version 2"):
        reports.sign_off(version=first, by=charlie, declared=True)


def test_the_instrument_itself_is_not_signed_off_and_is_not_a_draft(charlie, dora, hereford_case, direction):
    report = reports.create_report(intervention=hereford_case, kind="instrument", instrument=direction, by=dora)
    version = generated(report, by=dora)
    with pytest.raises(ValidationError, match="A notice or direction is not signed off in this service"):
        reports.sign_off(version=version, by=charlie, declared=True)
    assert "DRAFT" not in pdf_text(version)


# --- Who may -------------------------------------------------------------------------------------


def test_a_council_officer_prepares_the_cabinet_report_but_not_the_progress_report(alice, hereford_case, review):
    assert reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=alice).kind == "cabinet"
    with pytest.raises(PermissionDenied, match="You cannot prepare a commissioner's progress report to the minister"):
        reports.create_report(intervention=hereford_case, kind="progress", review=review, by=alice)


@pytest.mark.parametrize(
    "url",
    [
        "/reports/{report}/",
        "/reports/{report}/versions/1/",
        "/reports/{report}/versions/1/download/",
        "/reports/{report}/versions/1/status/",
        "/interventions/{case}/reports/",
        "/interventions/{case}/reports/new/",
        "/interventions/{case}/reports/new/progress/",
    ],
)
def test_another_councils_officer_gets_not_found_for_every_report_address(
    client, bob, dora, hereford_case, progress_report, url
):
    generated(progress_report, by=dora)
    client.force_login(bob)
    assert client.get(url.format(report=progress_report.pk, case=hereford_case.pk)).status_code == 404


def test_posting_to_another_councils_report_is_not_found(client, bob, dora, progress_report):
    generated(progress_report, by=dora)
    client.force_login(bob)
    assert client.post(f"/reports/{progress_report.pk}/generate/").status_code == 404
    assert client.post(f"/reports/{progress_report.pk}/versions/1/retry/").status_code == 404
    assert progress_report.versions.count() == 1


def test_a_council_officer_downloads_their_own_councils_report(
    file_storage, client, alice, dora, hereford_case, review
):
    cabinet_report = reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=alice)
    reports.update_cabinet_paper(
        report=cabinet_report,
        by=alice,
        meeting_date=D(2023, 12, 21),
        report_by="Cabinet member",
        report_author="Director",
        community_impact="Impact",
        legal_implications="Legal",
    )
    version = generated(cabinet_report, by=alice)
    client.force_login(alice)
    response = client.get(version.download_url)
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert (response.status_code, response["Content-Disposition"]) == (
        200,
        f'attachment; filename="{version.filename}"',
    )
    progress_report = reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora)
    assert client.post(f"/reports/{progress_report.pk}/generate/").status_code == 404


def test_a_version_still_generating_cannot_be_downloaded(client, dora, progress_report):
    version = reports.request_version(report=progress_report, by=dora)
    client.force_login(dora)
    assert client.get(version.download_url).status_code == 404


# --- Pages -----------------------------------------------------------------------------------------


def test_the_report_page_watches_a_generating_version_without_inline_script(client, dora, progress_report):
    version = reports.request_version(report=progress_report, by=dora)
    client.force_login(dora)
    page = client.get(progress_report.get_absolute_url()).text
    assert f'data-report-status-url="/reports/{progress_report.pk}/versions/1/status/"' in page
    assert '<script type="module" src="/static/js/report-status.mjs"></script>' in page
    assert "Refresh this page" in page
    assert 'http-equiv="refresh"' not in page
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    status = client.get(version.status_url)
    assert (status.json()["status"], status["Cache-Control"]) == (
        "generating",
        "max-age=0, no-cache, no-store, must-revalidate, private",
    )
    reports.generate_version(version_id=version.pk)
    answer = client.get(version.status_url).json()
    assert (answer["status"], answer["download_url"], answer["html_url"]) == (
        "ready",
        version.download_url,
        version.get_absolute_url(),
    )


def test_the_html_version_has_the_same_content_as_the_pdf(client, dora, progress_report):
    version = generated(progress_report, by=dora)
    client.force_login(dora)
    page = client.get(version.get_absolute_url()).text
    for words in (
        "1. Summary",
        "2. Findings",
        "Formal agreement to 18 months programme of support with Leeds",
        "Permanent team managers",
        "Annex: the data",
        "continue support",
    ):
        assert words in page
        assert words in pdf_text(version)


def test_preparing_a_report_through_the_pages_starts_its_generation(client, dora, hereford_case, review):
    client.force_login(dora)
    response = client.post(f"/interventions/{hereford_case.pk}/reports/new/", {"kind": "highlight"})
    assert response.url == f"/interventions/{hereford_case.pk}/reports/new/highlight/"
    response = client.post(
        response.url,
        {
            "period_start_0": "20",
            "period_start_1": "9",
            "period_start_2": "2023",
            "period_end_0": "31",
            "period_end_1": "10",
            "period_end_2": "2023",
            "classification": "OFFICIAL-SENSITIVE",
            "commentary": "Recruitment remains the main risk",
        },
    )
    report = Report.objects.get(kind="highlight")
    assert response.url == report.get_absolute_url()
    assert (report.period_label, report.commentary, report.versions.get().status) == (
        "20 September 2023 to 31 October 2023",
        "Recruitment remains the main risk",
        "generating",
    )


def test_the_council_edits_its_words_before_generating_the_cabinet_report(client, alice, hereford_case, review):
    report = reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=alice)
    client.force_login(alice)
    form = client.get(f"/reports/{report.pk}/council-words/")
    assert "Under section 149 of the Equality Act 2010" in form.text
    data = {name: value for name, value in form.context["form"].initial.items() if isinstance(value, str)}
    data |= {
        "meeting_date_0": "21",
        "meeting_date_1": "12",
        "meeting_date_2": "2023",
        "report_by": "Cabinet member children and young people",
        "report_author": "Corporate Director",
        "community_impact": "<b>Direct</b> effect",
        "legal_implications": "The council was issued a notice.",
        "reviewer_governance_name": "Sarah Buffrey",
        "reviewer_governance_date_0": "12",
        "reviewer_governance_date_1": "12",
        "reviewer_governance_date_2": "2023",
    }
    response = client.post(f"/reports/{report.pk}/council-words/", data)
    assert response.status_code == 302
    report.cabinet_paper.refresh_from_db()
    assert report.cabinet_paper.reviewers == {"Governance": {"name": "Sarah Buffrey", "date": "2023-12-12"}}
    version = generated(report, by=alice)
    assert "&lt;b&gt;Direct&lt;/b&gt; effect" in version.body_html


def test_dfe_sees_every_cases_reports_newest_first_and_filters_them(
    client, dora, hereford_case, worcester_case, progress_report
):
    worcester = direction_with_priorities(worcester_case, issued_on=D(2017, 9, 19))
    other = reports.create_report(intervention=worcester_case, kind="instrument", instrument=worcester, by=dora)
    client.force_login(dora)
    page = client.get("/reports/")
    assert [r.pk for r in page.context["page"].object_list] == [other.pk, progress_report.pk]
    by_authority = client.get("/reports/", {"authority": hereford_case.local_authority_id})
    assert [r.pk for r in by_authority.context["page"].object_list] == [progress_report.pk]
    by_kind = client.get("/reports/", {"kind": "instrument"})
    assert [r.pk for r in by_kind.context["page"].object_list] == [other.pk]


def test_a_council_officer_sees_only_their_own_councils_reports(client, bob, dora, progress_report):
    client.force_login(bob)
    assert list(client.get("/reports/").context["page"].object_list) == []


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", ["/reports/", "/interventions/{case}/reports/"])
def test_the_reports_lists_run_the_same_queries_for_one_report_and_for_three(
    client, dora, hereford_case, review, progress_report, url
):
    generated(progress_report, by=dora)
    client.force_login(dora)
    address = url.format(case=hereford_case.pk)
    client.get(address)
    one = _queries(client, address)
    for _ in range(2):
        generated(reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora), by=dora)
    assert Report.objects.count() == 3
    assert _queries(client, address) == one
    assert one <= 12


def test_the_report_page_runs_the_same_queries_for_one_version_and_for_three(client, dora, progress_report):
    generated(progress_report, by=dora)
    client.force_login(dora)
    client.get(progress_report.get_absolute_url())
    one = _queries(client, progress_report.get_absolute_url())
    generated(progress_report, by=dora)
    generated(progress_report, by=dora)
    assert ReportVersion.objects.count() == 3
    assert _queries(client, progress_report.get_absolute_url()) == one


def test_the_case_lead_is_the_highlight_reports_signer(dora, hereford_case):
    case_lead(dora, hereford_case)
    report = Report(intervention=hereford_case, kind="highlight")
    assert (reports.may_sign_off(dora, report), report.sign_off_role_label) == (True, "DfE case lead")


def test_the_admin_lists_reviews_and_reports_read_only_and_only_of_ones_own_cases(
    client, charlie, dora, worcester_case, progress_report
):
    worcester = direction_with_priorities(worcester_case, issued_on=D(2017, 9, 19))
    reports.create_report(intervention=worcester_case, kind="instrument", instrument=worcester, by=dora)
    client.force_login(charlie)
    listing = client.get("/admin/reviews/report/")
    assert [report.pk for report in listing.context["cl"].result_list] == [progress_report.pk]
    change = client.get(f"/admin/reviews/report/{progress_report.pk}/change/")
    assert (change.status_code, change.context["has_change_permission"]) == (200, False)
    assert client.get("/admin/reviews/review/").status_code == 200
