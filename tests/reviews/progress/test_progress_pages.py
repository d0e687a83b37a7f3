"""The officer's pages: as a person sees them, and closed to everyone else whatever the URL."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from reviews.models import Measurement, PlanAction, ProgressUpdate
from reviews.services import progress

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def update(alice, hereford_case, priority):
    return progress.log_progress(
        intervention=hereford_case,
        by=alice,
        narrative="Agency use fell",
        rag="amber",
        period_start=D(2023, 4, 1),
        period_end=D(2023, 6, 30),
        service_priority=priority,
        evidence=[SimpleUploadedFile("report.pdf", PDF)],
    )


def close(response):
    """Close a streamed file response as the server would, without closing the test's database
    connection (Django's test client does the same)."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def form(**fields):
    base = {
        "narrative": "Agency use fell to 44%",
        "rag": "amber",
        "rag_change_reason": "",
        "period_start_0": "1",
        "period_start_1": "4",
        "period_start_2": "2023",
        "period_end_0": "30",
        "period_end_1": "6",
        "period_end_2": "2023",
    }
    return base | fields


def test_the_case_page_shows_priorities_instructions_and_whats_due(
    client, alice, hereford_case, priority, indicator, instruction, action
):
    progress.record_measurement(indicator=indicator, period_end=D(2023, 3, 31), value=Decimal("51"), by=alice)
    progress.record_measurement(indicator=indicator, period_end=D(2023, 4, 30), value=Decimal("48"), by=alice)
    client.force_login(alice)
    text = client.get(f"/interventions/{hereford_case.pk}/").text
    assert "i. Permanent social workers" in text
    assert "Agency social workers: 48% (down, better)" in text
    assert "Instruction 1: Recruitment plan" in text and "Overdue" in text
    assert "1.1 Launch the recruitment campaign" in text


def test_the_case_page_says_an_indicator_has_no_values_yet_and_shows_its_name_as_typed(
    client, alice, hereford_case, priority
):
    from reviews.models import Indicator

    Indicator.objects.create(service_priority=priority, name="Caseloads <over 20>", unit="count", direction="lower")
    client.force_login(alice)
    text = client.get(f"/interventions/{hereford_case.pk}/").text
    assert "<li>Caseloads &lt;over 20&gt;: no values yet</li>" in text


def test_logging_progress_with_evidence_through_the_form(client, alice, hereford_case, priority):
    client.force_login(alice)
    response = client.post(
        f"/interventions/{hereford_case.pk}/progress/new/?priority={priority.pk}",
        form(evidence=[SimpleUploadedFile("Workforce report.pdf", PDF)]),
    )
    assert response.status_code == 302
    assert response.url == f"/interventions/{hereford_case.pk}/priorities/{priority.pk}/"
    update = ProgressUpdate.objects.get()
    assert update.evidence.get().original_name == "Workforce report.pdf"
    page = client.get(response.url).text
    assert "Agency use fell to 44%" in page and "Workforce report.pdf" in page


def test_a_form_error_keeps_what_was_typed_and_says_to_choose_files_again(client, alice, hereford_case, priority):
    client.force_login(alice)
    response = client.post(
        f"/interventions/{hereford_case.pk}/progress/new/?priority={priority.pk}",
        form(
            narrative="Agency use fell",
            rag="",
            evidence=[SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)],
        ),
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Choose a RAG rating" in response.text
    assert "Agency use fell" in response.text
    assert (
        "You chose 2 files (a.pdf, b.pdf). Files cannot be kept when a form has a problem: choose them again."
        in response.text
    )
    assert ProgressUpdate.objects.count() == 0


def test_a_wrong_file_type_is_an_error_on_the_form(client, alice, hereford_case, priority):
    client.force_login(alice)
    response = client.post(
        f"/interventions/{hereford_case.pk}/progress/new/?priority={priority.pk}",
        form(evidence=[SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")]),
    )
    assert "virus.pdf: The file must be a PDF, Word document, Excel spreadsheet, CSV, PNG or JPEG" in response.text
    assert ProgressUpdate.objects.count() == 0


def test_recording_a_value_changes_the_chart(client, alice, hereford_case, indicator):
    client.force_login(alice)
    url = f"/interventions/{hereford_case.pk}/indicators/{indicator.pk}/"
    before = client.get(url).text.count("<circle")
    response = client.post(
        url, {"period_end_0": "3", "period_end_1": "2023", "value": "51.5", "source_note": "Monthly report"}
    )
    assert response.status_code == 302
    assert client.get(url).text.count("<circle") == before + 1
    assert Measurement.objects.get().period_end == D(2023, 3, 31)


def test_a_percentage_of_140_is_refused_on_the_form(client, alice, hereford_case, indicator):
    client.force_login(alice)
    response = client.post(
        f"/interventions/{hereford_case.pk}/indicators/{indicator.pk}/",
        {"period_end_0": "3", "period_end_1": "2023", "value": "140"},
    )
    assert "A percentage must be between 0 and 100" in response.text
    assert 'value="140"' in response.text
    assert Measurement.objects.count() == 0


def test_a_month_in_the_future_is_refused(client, alice, hereford_case, indicator):
    client.force_login(alice)
    response = client.post(
        f"/interventions/{hereford_case.pk}/indicators/{indicator.pk}/",
        {"period_end_0": "1", "period_end_1": "2099", "value": "10"},
    )
    assert "The period cannot be in the future" in response.text


def test_two_people_editing_an_action_the_second_is_told_what_changed(client, alice, hereford_case, action):
    client.force_login(alice)
    url = f"/interventions/{hereford_case.pk}/plan/actions/{action.pk}/"
    opened = action.version
    fields = {
        "version": opened,
        "status": "in_progress",
        "rag": "amber",
        "owner": "Head of workforce",
        "due_on_0": "30",
        "due_on_1": "6",
        "due_on_2": "2030",
        "reason": "",
    }
    assert client.post(url, fields).status_code == 302
    response = client.post(url, fields | {"owner": "Director"})
    assert response.status_code == 200
    assert "Someone else changed this action while you were editing it" in response.text
    assert "Status Not started → In progress" in response.text
    assert 'value="Director"' in response.text
    action.refresh_from_db()
    assert action.owner == "Head of workforce"


def test_the_council_submits_and_the_commissioner_accepts_through_the_pages(
    client, alice, charlie, hereford_case, instruction
):
    client.force_login(alice)
    base = f"/interventions/{hereford_case.pk}/instructions/{instruction.pk}/"
    assert "Acknowledge" in client.get(base).text
    client.post(base + "acknowledged/", {"text": "Head of workforce leads"})
    response = client.post(
        base + "submitted/", {"text": "Plan presented", "evidence": [SimpleUploadedFile("plan.pdf", PDF)]}
    )
    assert response.status_code == 302
    assert client.get(base + "accepted/").status_code == 403
    client.force_login(charlie)
    client.post(base + "accepted/", {"text": "The plan meets the instruction"})
    instruction.refresh_from_db()
    assert instruction.status == "complied"
    page = client.get(base).text
    responses = page[page.index('<h2 class="govuk-heading-m">Responses</h2>') :]
    assert (
        responses.index("Acknowledged")
        < responses.index("Submitted as complied")
        < responses.index("Accepted as complied")
    )


def test_evidence_downloads_only_for_those_who_may_see_it(file_storage, client, alice, bob, dora, update):
    evidence = update.evidence.get()
    client.force_login(alice)
    response = client.get(f"/evidence/{evidence.pk}/")
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert b"".join(response.streaming_content) == PDF
    close(response)
    client.force_login(bob)
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 404
    client.force_login(dora)
    response = client.get(f"/evidence/{evidence.pk}/")
    assert response.status_code == 200
    close(response)


def test_history_reads_as_what_changed(client, alice, hereford_case, action):
    progress.update_plan_action(
        action=action, version=action.version, changes={"rag": "red"}, by=alice, reason="Campaign delayed"
    )
    client.force_login(alice)
    text = client.get(f"/interventions/{hereford_case.pk}/plan/actions/{action.pk}/").text
    assert "Changed by" in text and "Campaign delayed" in text and "Rag rating: Amber → Red" in text


def every_case_url(case, priority, indicator, action, instruction, update):
    """Every URL of the app that names a case or something in it, filled with Herefordshire's ids."""
    ids = {
        "pk": case.pk,
        "priority_pk": priority.pk,
        "indicator_pk": indicator.pk,
        "action_pk": action.pk,
        "instruction_pk": instruction.pk,
        "update_pk": update.pk,
        "evidence_pk": update.evidence.get().pk,
        "case_pk": case.pk,
        "kind": "progress",
    }
    urls = []
    for name, entries in get_resolver().reverse_dict.items():
        if not isinstance(name, str):
            continue
        params = entries[0][0][1]
        if not params or any(p not in ids for p in params) or name.startswith(("admin", "calendar", "instrument")):
            continue
        if name.startswith(("deadline", "report", "review")):
            continue  # these name a deadline, report or review by its own id: tested in their own modules
        if name.startswith(("notice", "api", "download")):
            continue  # a person's own notice, token or download, by its own id: swept in tests/sweep
        urls.append(reverse(name, kwargs={p: ids[p] for p in params}))
    return urls


def test_every_case_url_is_not_found_for_another_councils_officer(
    client, bob, hereford_case, priority, indicator, action, instruction, update
):
    urls = every_case_url(hereford_case, priority, indicator, action, instruction, update)
    assert len(urls) >= 12
    client.force_login(bob)
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code in (404, 405), url


def test_every_case_url_sends_a_visitor_to_sign_in(
    client, hereford_case, priority, indicator, action, instruction, update
):
    for url in every_case_url(hereford_case, priority, indicator, action, instruction, update):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/sign-in/"), url


def test_ids_from_another_case_in_a_case_url_are_not_found(client, bob, worcester_case, priority, action):
    client.force_login(bob)
    assert client.get(f"/interventions/{worcester_case.pk}/priorities/{priority.pk}/").status_code == 404
    assert client.get(f"/interventions/{worcester_case.pk}/plan/actions/{action.pk}/").status_code == 404


def test_the_case_page_query_count_does_not_grow_with_the_data(
    client, alice, hereford_case, priority, indicator, action, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(alice)
    url = f"/interventions/{hereford_case.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for month in range(1, 13):
        progress.record_measurement(indicator=indicator, period_end=D(2022, month, 28), value=Decimal(month), by=alice)
    for n in range(5):
        progress.log_progress(
            intervention=hereford_case,
            by=alice,
            narrative=f"Update {n}",
            rag="amber",
            period_start=D(2023, 1, 1),
            period_end=D(2023, 1, 31),
            service_priority=priority,
        )
    PlanAction.objects.create(
        objective=action.objective, label="2", description="Second", owner="x", due_on=D(2020, 1, 1)
    )
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
    # Issue 20's budget, with the header's work count, "what changed since your last visit" and the timeline.
    assert len(small.captured_queries) <= 15


@pytest.mark.parametrize("name", ["priority_detail", "instruction_list", "plan", "indicator_detail"])
def test_officer_pages_run_a_fixed_number_of_queries(
    client, alice, hereford_case, priority, indicator, action, instruction, name
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kwargs = {"pk": hereford_case.pk}
    if name == "priority_detail":
        kwargs["priority_pk"] = priority.pk
    if name == "indicator_detail":
        kwargs["indicator_pk"] = indicator.pk
    url = reverse(name, kwargs=kwargs)
    # One of each first (pretalx's way: 1 item, then several), so that prefetches that skip empty lists count alike.
    progress.record_measurement(indicator=indicator, period_end=D(2020, 12, 31), value=Decimal(1), by=alice)
    progress.log_progress(
        intervention=hereford_case,
        by=alice,
        narrative="First",
        rag="amber",
        period_start=D(2022, 1, 1),
        period_end=D(2022, 1, 31),
        service_priority=priority,
        evidence=[SimpleUploadedFile("first.pdf", PDF)],
    )
    client.force_login(alice)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for month in range(1, 13):
        progress.record_measurement(indicator=indicator, period_end=D(2021, month, 28), value=Decimal(month), by=alice)
    for n in range(3):
        progress.log_progress(
            intervention=hereford_case,
            by=alice,
            narrative=f"Update {n}",
            rag="amber",
            period_start=D(2023, 1, 1),
            period_end=D(2023, 1, 31),
            service_priority=priority,
            evidence=[SimpleUploadedFile(f"e{n}.pdf", PDF)],
        )
    PlanAction.objects.create(
        objective=action.objective, label="2", description="Second", owner="x", due_on=D(2020, 1, 1)
    )
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries), name


def test_each_case_page_lists_its_own_deadlines_actions_instructions_and_people(
    client, dora, hereford_case, worcester_case
):
    """The overview's lists are read by SQL compiled once and run with each case swapped in
    (reviews.views.progress._overview_queries): a second case's page shows its own records only."""
    from django.utils import timezone

    from directions.models import Instruction
    from intervention.enums import Role
    from reviews.enums import DeadlineStatus
    from reviews.models import Deadline, ImprovementPlan, PlanObjective
    from tests.factories import AppointmentFactory, PersonFactory

    today = timezone.localdate()
    for case, name in ((hereford_case, "Hereford"), (worcester_case, "Worcester")):
        Deadline.objects.create(
            intervention=case,
            what=f"{name} evidence",
            computed_on=today + datetime.timedelta(days=7),
            status=DeadlineStatus.OPEN,
        )
        plan = ImprovementPlan.objects.create(intervention=case, title="Plan")
        objective = PlanObjective.objects.create(plan=plan, label="2", title="Objective")
        PlanAction.objects.create(
            objective=objective,
            label="3",
            description=f"{name} campaign",
            owner="Head",
            due_on=D(2030, 1, 1),
            rag="red",
        )
        person = PersonFactory(name=f"{name} <Adviser>")
        Instruction.objects.create(
            intervention=case,
            issued_by=person,
            number=1,
            title=f"{name} plan",
            text="Text",
            issued_on=D(2023, 4, 3),
            due_on=D(2023, 6, 30),
        )
        AppointmentFactory(person=person, intervention=case, role=Role.IMPROVEMENT_ADVISER, starts_on=D(2023, 1, 1))
    client.force_login(dora)
    for case, name, other in ((hereford_case, "Hereford", "Worcester"), (worcester_case, "Worcester", "Hereford")):
        text = client.get(f"/interventions/{case.pk}/").text
        assert f"{name} evidence" in text and f"{other} evidence" not in text
        assert f"2.3 {name} campaign" in text and f"{other} campaign" not in text
        assert f"{name} plan</a>" in text and f"{other} plan</a>" not in text
        assert f'<td class="govuk-table__cell">{name} &lt;Adviser&gt;</td>' in text and f"{other} &lt;" not in text
