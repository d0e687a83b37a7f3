"""Sign-off that checks what it signs (issue 14, items 4 to 6): a report is refused sign-off until
every part its kind requires is complete, its signer declares the version accurate, the signatory is
whoever the terms of reference have deliver it, and drafts to the Minister are not the council's to read."""

import importlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from directions.models import ReportingObligation
from intervention.enums import Role
from reviews.models import Report, ReportVersion
from reviews.reports.cabinet import REVIEWER_AREAS
from reviews.services import reports
from tests.reviews.reports_support import (
    D,
    appoint,
    direction_with_priorities,
    generated,
    held_review,
    write_ministerial_words,
)

pytestmark = pytest.mark.django_db

QUARTER = (D(2023, 10, 1), D(2023, 12, 31))
CABINET_WORDS = {
    "meeting_date": D(2023, 12, 21),
    "report_by": "Cabinet member children and young people",
    "report_author": "Director of children's services",
    "community_impact": "The council is committed to improving outcomes for children.",
    "legal_implications": "There are no legal implications arising from this report.",
}


@pytest.fixture
def direction(hereford_case):
    return direction_with_priorities(hereford_case)


@pytest.fixture
def review(charlie, hereford_case, direction):
    return held_review(hereford_case, by=charlie)


@pytest.fixture
def update(charlie, hereford_case, direction):
    """A quarterly written update to the Minister, started by the commissioner with no summary."""
    return reports.create_report(
        intervention=hereford_case,
        kind="ministerial_update",
        period_start=QUARTER[0],
        period_end=QUARTER[1],
        by=charlie,
    )


def write_summary(report, *, by, words: str = "The council is making steady progress.") -> None:
    reports.update_commentary(report=report, by=by, commentary=words, seen=reports.last_change(report))


def highlight_obligation(
    direction, deliverer: str, *, what: str = "Evidence based highlight report", report_kind: str = "highlight"
) -> ReportingObligation:
    """The terms of reference's line, as Worcestershire's ToR 10 words it, marked as requiring the
    highlight report."""
    obligation = ReportingObligation(
        instrument=direction,
        what=what,
        deliverer=deliverer,
        recipient="dfe_contract_manager",
        cadence="every_n_weeks",
        anchor_on=D(2023, 3, 1),
        interval=6,
        report_kind=report_kind,
    )
    obligation.full_clean()
    obligation.save()
    return obligation


# --- Required parts ------------------------------------------------------------------------------


def test_a_written_update_whose_summary_is_not_written_cannot_be_signed_off(charlie, update):
    draft = generated(update, by=charlie)
    write_ministerial_words(update, by=charlie)
    gaps = reports.gaps_before_sign_off(update)
    assert [(gap.part, gap.message, gap.href) for gap in gaps] == [
        (
            "Summary",
            "Write the summary: the written update cannot say there is no data for this period",
            f"/reports/{update.pk}/summary/#id_commentary",
        )
    ]
    with pytest.raises(ValidationError, match="cannot be signed off until it is complete: Write the summary"):
        reports.sign_off(version=draft, by=charlie, declared=True)
    assert update.versions.filter(is_final=True).count() == 0


def test_once_the_summary_is_written_the_update_is_signed_with_the_declaration(charlie, update):
    generated(update, by=charlie)
    write_summary(update, by=charlie)
    write_ministerial_words(update, by=charlie)
    draft = generated(update, by=charlie)
    final = reports.sign_off(version=draft, by=charlie, declared=True)
    assert (final.is_final, final.declaration, final.declared_at is not None) == (
        True,
        "I have read version 2 and it is accurate as at 31 December 2023.",
        True,
    )


def test_signing_without_ticking_the_declaration_is_refused(charlie, update):
    write_summary(update, by=charlie)
    write_ministerial_words(update, by=charlie)
    draft = generated(update, by=charlie)
    with pytest.raises(ValidationError, match="Confirm that you have read version 1 and it is accurate"):
        reports.sign_off(version=draft, by=charlie, declared=False)


def test_a_period_with_no_priority_in_force_is_a_gap_not_a_report_of_no_data(charlie, hereford_case, direction):
    report = reports.create_report(
        intervention=hereford_case,
        kind="highlight",
        period_start=D(2022, 1, 1),
        period_end=D(2022, 2, 11),
        commentary="Risks.",
        by=charlie,
    )
    assert [gap.message for gap in reports.gaps_before_sign_off(report)] == [
        "No service priorities were in force on 11 February 2022: choose a period when a direction was in force"
    ]


def test_a_cabinet_report_with_its_reviewers_not_yet_reviewed_cannot_be_signed_off(alice, hereford_case, review):
    appoint(alice, hereford_case, Role.DIRECTOR_OF_CHILDRENS_SERVICES)
    report = reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=alice)
    reports.update_cabinet_paper(report=report, by=alice, **CABINET_WORDS)
    draft = generated(report, by=alice)
    messages = [gap.message for gap in reports.gaps_before_sign_off(report)]
    reviewer_messages = [
        message
        for area in REVIEWER_AREAS
        for message in (f"Give the name of the report reviewer for {area}", f"Give the date {area} was reviewed")
    ]
    assert [message for message in messages if "reviewe" in message] == reviewer_messages
    with pytest.raises(ValidationError, match="Give the name of the report reviewer for Governance"):
        reports.sign_off(version=draft, by=alice, declared=True)

    reviewers = {area: {"name": "Jo Smith", "date": "2023-12-12"} for area in REVIEWER_AREAS}
    reports.update_cabinet_paper(report=report, by=alice, reviewers=reviewers, legal_implications="To be completed")
    messages = [gap.message for gap in reports.gaps_before_sign_off(report)]
    assert not any("reviewe" in message for message in messages)
    assert any(message.startswith("Write the council's legal implications") for message in messages)


def test_a_progress_report_on_a_held_review_has_every_part(charlie, dora, hereford_case, review):
    report = reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora)
    write_ministerial_words(report, by=dora)
    assert reports.gaps_before_sign_off(report) == []


# --- The right signatory -------------------------------------------------------------------------


def test_the_commissioner_who_delivers_the_highlight_report_signs_it_not_the_case_lead(
    client, charlie, dora, hereford_case, direction
):
    highlight_obligation(direction, "commissioner")
    appoint(dora, hereford_case, Role.DFE_CASE_LEAD)
    report = reports.create_report(
        intervention=hereford_case,
        kind="highlight",
        period_start=D(2023, 9, 20),
        period_end=D(2023, 10, 31),
        commentary="Recruitment remains the main risk.",
        by=dora,
    )
    draft = generated(report, by=dora)
    assert (reports.may_sign_off(dora, report), reports.may_sign_off(charlie, report)) == (False, True)
    with pytest.raises(PermissionDenied, match="Only the commissioner appointed to this case can sign off"):
        reports.sign_off(version=draft, by=dora, declared=True)
    assert reports.sign_off(version=draft, by=charlie, declared=True).signer_role == "Commissioner"
    client.force_login(dora)
    assert "The commissioner" in client.get(report.get_absolute_url()).text


def test_a_highlight_report_the_council_delivers_is_signed_by_its_director(dora, hereford_case, direction):
    highlight_obligation(direction, "council")
    report = reports.create_report(
        intervention=hereford_case, kind="highlight", period_start=D(2023, 9, 20), period_end=D(2023, 10, 31), by=dora
    )
    assert (report.signatory_role, report.sign_off_role_label) == (
        Role.DIRECTOR_OF_CHILDRENS_SERVICES,
        "director of children's services",
    )


def test_without_an_obligation_the_kinds_own_signatory_signs(dora, hereford_case, direction):
    report = reports.create_report(
        intervention=hereford_case, kind="highlight", period_start=D(2023, 9, 20), period_end=D(2023, 10, 31), by=dora
    )
    assert reports.signatory_words(report) == "DfE case lead"


def test_the_obligation_is_found_by_the_report_kind_it_names_not_by_its_words(dora, hereford_case, direction):
    """An obligation worded "highlight" that names no report kind does not decide the signatory; one
    worded otherwise ("Six-weekly position statement") that names the highlight report does."""
    highlight_obligation(direction, "council", report_kind="")
    report = reports.create_report(
        intervention=hereford_case, kind="highlight", period_start=D(2023, 9, 20), period_end=D(2023, 10, 31), by=dora
    )
    assert reports.signatory_words(report) == "DfE case lead"
    highlight_obligation(direction, "council", what="Six-weekly position statement")
    assert reports.signatory_words(report) == "director of children's services"


def test_the_migration_filled_the_report_kind_of_existing_obligations_by_their_old_wording_match(direction):
    from django.apps import apps

    migration = importlib.import_module("directions.migrations.0011_obligation_report_kind")
    rows = {
        what: highlight_obligation(direction, "commissioner", what=what, report_kind="")
        for what in ("Evidence based highlight report", "Evidence of progress")
    }
    to_minister = ReportingObligation.objects.create(
        instrument=direction, what="Written update on the Council's progress", deliverer="commissioner",
        recipient="minister", cadence="every_n_months", anchor_on=D(2023, 3, 1), interval=3,
    )  # fmt: skip
    migration.fill_report_kind(apps, None)
    kinds = {row.what: row.report_kind for row in ReportingObligation.objects.filter(instrument=direction)}
    assert kinds == {
        "Evidence based highlight report": "highlight",
        "Evidence of progress": "",
        to_minister.what: "ministerial_update",
    }
    assert set(rows) <= set(kinds)


# --- Who may read drafts ---------------------------------------------------------------------------


@pytest.fixture
def progress_draft(dora, hereford_case, review):
    report = reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora)
    write_ministerial_words(report, by=dora)
    generated(report, by=dora)
    return report


def _statuses(client, urls: list[str]) -> list[int]:
    statuses = []
    for url in urls:
        response = client.get(url)
        statuses.append(response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)  # read a download to its end, which closes its file
    return statuses


def _addresses(report: Report) -> list[str]:
    version = report.versions.order_by("number").first()
    assert version is not None
    return [report.get_absolute_url(), version.get_absolute_url(), version.download_url, version.status_url]


def test_a_council_officer_cannot_read_a_draft_progress_report_to_the_minister(client, alice, progress_draft):
    client.force_login(alice)
    assert _statuses(client, _addresses(progress_draft)) == [404, 404, 404, 404]
    assert list(client.get("/reports/").context["page"].object_list) == []


def test_an_adviser_on_the_case_who_neither_wrote_nor_signs_it_cannot_read_the_draft(
    client, bob, hereford_case, progress_draft
):
    adviser = bob
    adviser.person.local_authority = None
    adviser.person.organisation = "independent"
    adviser.person.save()
    appoint(adviser, hereford_case, Role.IMPROVEMENT_ADVISER)
    client.force_login(adviser)
    assert client.get(progress_draft.get_absolute_url()).status_code == 404


def test_after_sign_off_the_classification_decides_who_reads_it(client, alice, charlie, hereford_case, progress_draft):
    version = progress_draft.versions.get()
    Report.objects.filter(pk=progress_draft.pk).update(classification="OFFICIAL-SENSITIVE")
    final = reports.sign_off(version=version, by=charlie, declared=True)
    reports.generate_version(version_id=final.pk)
    client.force_login(alice)
    assert client.get(progress_draft.get_absolute_url()).status_code == 404  # OFFICIAL-SENSITIVE
    Report.objects.filter(pk=progress_draft.pk).update(classification="OFFICIAL")
    assert client.get(progress_draft.get_absolute_url()).status_code == 200


def test_the_signatory_reads_the_draft_they_did_not_write(client, charlie, progress_draft):
    client.force_login(charlie)
    assert _statuses(client, _addresses(progress_draft)) == [200, 200, 200, 200]


def test_the_council_reads_its_own_draft_cabinet_report(client, alice, dora, hereford_case, review):
    report = reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=dora)
    client.force_login(alice)
    assert client.get(report.get_absolute_url()).status_code == 200


# --- The pages -----------------------------------------------------------------------------------


def test_the_sign_off_page_lists_each_missing_part_with_a_link_and_refuses(client, charlie, update):
    draft = generated(update, by=charlie)
    client.force_login(charlie)
    url = f"/reports/{update.pk}/versions/{draft.number}/sign-off/"
    page = client.get(url).text
    assert "This report cannot be signed off until it is complete" in page
    assert f'<a href="/reports/{update.pk}/summary/#id_commentary">Summary: Write the summary' in page
    response = client.post(url, {"deadline": "none", "declaration": "on"})
    assert (response.status_code, update.versions.filter(is_final=True).count()) == (400, 0)


def test_the_report_page_shows_what_is_left_before_sign_off(client, charlie, update):
    generated(update, by=charlie)
    client.force_login(charlie)
    page = client.get(update.get_absolute_url()).text
    assert "Before it can be signed off" in page
    assert "Summary: Write the summary" in page


def test_writing_the_summary_on_its_page_and_signing_with_the_declaration(client, charlie, update):
    client.force_login(charlie)
    form = client.get(f"/reports/{update.pk}/summary/").context["form"]
    response = client.post(
        f"/reports/{update.pk}/summary/",
        {"commentary": "Steady progress this quarter.", "seen": form.initial["seen"]},
    )
    assert response.status_code == 302
    write_ministerial_words(update, by=charlie)
    draft = generated(update, by=charlie)
    url = f"/reports/{update.pk}/versions/{draft.number}/sign-off/"
    refused = client.post(url, {"deadline": "none"})
    assert "Confirm that you have read version 1 and it is accurate" in refused.text
    assert client.post(url, {"deadline": "none", "declaration": "on"}).status_code == 302
    page = client.get(update.get_absolute_url()).text
    assert "I have read version 1 and it is accurate as at 31 December 2023." in page


def test_a_summary_changed_by_someone_else_meanwhile_is_not_overwritten(client, charlie, dora, update):
    client.force_login(charlie)
    seen = client.get(f"/reports/{update.pk}/summary/").context["form"].initial["seen"]
    write_summary(update, by=dora, words="Dora's words.")
    response = client.post(f"/reports/{update.pk}/summary/", {"commentary": "Charlie's words.", "seen": seen})
    assert "Someone else changed this since you opened it" in response.text
    update.refresh_from_db()
    assert update.commentary == "Dora's words."


def test_the_admin_shows_the_signed_versions_declaration(client, charlie, dora, progress_draft):
    final = reports.sign_off(version=progress_draft.versions.get(), by=charlie, declared=True)
    client.force_login(dora)
    page = client.get(f"/admin/reviews/report/{progress_draft.pk}/change/").text
    assert ReportVersion.objects.get(pk=final.pk).declaration in page
