"""Search (issue 16, item 5): what a person finds is what they may see, ranked, grouped by case, the
matching words marked in text that was escaped first. Runs on SQLite (icontains) and, with
DATABASE_URL set to PostgreSQL, on the full-text columns the migrations add."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from directions import services as direction_services
from intervention.enums import Role
from reviews.services import progress
from reviews.services.search import highlight, search
from tests.conftest import _member
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def worcester_instruction(worcester_case):
    commissioner = _member("wendy@commissioner.example", "Wendy West", "independent")
    AppointmentFactory(person=commissioner.person, intervention=worcester_case, role=Role.COMMISSIONER)
    return direction_services.issue_instruction(
        intervention=worcester_case,
        issued_by=commissioner.person,
        by=commissioner,
        title="Recruitment of permanent social workers",
        text="Worcestershire's own plan to recruit permanent social workers",
        issued_on=D(2023, 4, 3),
        due_on=D(2023, 6, 30),
    )


def test_a_council_officer_finds_their_own_council_s_words_and_never_another_s(
    alice, instruction, worcester_instruction
):
    results = search(user=alice, query="permanent social workers")
    assert [case.intervention.local_authority.name for case in results] == ["Herefordshire"]
    assert all("Worcestershire" not in hit.snippet for case in results for hit in case.hits)


def test_dfe_finds_every_case_s_words_grouped_by_case(dora, instruction, worcester_instruction):
    results = search(user=dora, query="recruit permanent")
    assert {case.intervention.local_authority.name for case in results} == {"Herefordshire", "Worcestershire"}
    assert all(case.hits for case in results)


def test_progress_updates_clauses_and_evidence_file_names_are_found(alice, dora, priority, hereford_case):
    progress.log_progress(
        intervention=hereford_case,
        by=alice,
        narrative="The safeguarding audit found thresholds applied consistently.",
        rag="amber",
        period_start=D(2024, 1, 1),
        period_end=D(2024, 1, 31),
        service_priority=priority,
        evidence=[SimpleUploadedFile("Threshold_audit-2024.pdf", PDF, content_type="application/pdf")],
    )
    kinds = {hit.kind for case in search(user=dora, query="audit") for hit in case.hits}
    assert kinds == {"Progress update", "Evidence file"}
    kinds = {hit.kind for case in search(user=dora, query="comply") for hit in case.hits}
    assert "Clause" in kinds


def test_the_words_found_are_marked_and_what_people_wrote_stays_text():
    marked = highlight("<script>alert(1)</script> & the recruitment plan", ["recruitment", "amp"])
    assert "<script>" not in marked
    assert "&lt;script&gt;" in marked
    assert "<mark>recruitment</mark>" in marked
    assert "&amp;" in marked  # "amp" never matches inside the escaped ampersand


def test_the_search_page_shows_results_for_the_header_s_box(client, charlie, instruction):
    client.force_login(charlie)
    response = client.get(reverse("search"), {"q": "Recruitment"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Recruitment</mark>" in page
    assert reverse("instruction_detail", args=[instruction.intervention_id, instruction.pk]) in page
    assert 'role="search"' in client.get(reverse("intervention_list")).content.decode()


def test_nonsense_and_empty_searches_find_nothing_and_break_nothing(client, dora, instruction):
    client.force_login(dora)
    for query in ("", "   ", "!!!", "'\"&|:*()", "a" * 500, "recruit & | ! plan"):
        assert client.get(reverse("search"), {"q": query}).status_code == 200


def test_search_takes_the_same_queries_however_much_it_finds(
    client, dora, charlie, hereford_case, instruction, django_assert_max_num_queries
):
    for number in range(15):
        direction_services.issue_instruction(
            intervention=hereford_case,
            issued_by=charlie.person,
            by=charlie,
            title=f"Recruitment step {number}",
            text="Recruit",
            issued_on=D(2023, 4, 3),
            due_on=D(2023, 6, 30),
        )
    client.force_login(dora)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("search"), {"q": "recruitment"})
    assert response.content.decode().count('class="govuk-link govuk-!-font-weight-bold"') == 16


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the ranking is PostgreSQL's ts_rank")
def test_on_postgresql_a_title_match_ranks_above_a_text_match(dora, charlie, hereford_case):
    for title, text in (("Annual letter", "Mentions the workforce once"), ("Workforce strategy", "Workforce now")):
        direction_services.issue_instruction(
            intervention=hereford_case,
            issued_by=charlie.person,
            by=charlie,
            title=title,
            text=text,
            issued_on=D(2023, 4, 3),
            due_on=D(2023, 6, 30),
        )
    hits = search(user=dora, query="workforce")[0].hits
    assert "strategy" in hits[0].title


def test_a_reports_generated_text_is_found(dora, charlie, alice, hereford_case, file_storage):
    from reviews.services import reports
    from tests.reviews.reports_support import direction_with_priorities, generated, held_review

    direction_with_priorities(hereford_case)
    review = held_review(hereford_case, by=charlie, narrative="The Zanzibarian caseload audit is late.")
    report = reports.create_report(intervention=hereford_case, kind="progress", review=review, by=dora)
    generated(report, by=dora)
    report.refresh_from_db()
    assert "Zanzibarian caseload audit" in report.text
    assert "<" not in report.text

    [case] = search(user=dora, query="zanzibarian")

    assert [(hit.kind, hit.url) for hit in case.hits] == [("Report", reverse("report_detail", args=[report.pk]))]
    assert "<mark>Zanzibarian</mark>" in case.hits[0].snippet
    assert search(user=alice, query="zanzibarian") == []  # a draft report to the Minister: not the council's
