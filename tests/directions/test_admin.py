"""The directions admin, as a commissioner and as DfE staff use it: scoped in every list, form,
autocomplete and action, with the rules enforced on crafted POSTs too."""

import datetime

import pytest
from django.core import mail

from directions.models import Clause, Instruction, Instrument
from tests.factories import issued_direction
from tests.outbox import run_promises

pytestmark = pytest.mark.django_db


def instruction_form(case, **fields):
    return {
        "intervention": case.pk,
        "title": "Reduce reliance on agency social workers",
        "text": "Present a recruitment and retention plan to the improvement board.",
        "issued_on": "2026-11-23",
        "due_on": "2027-01-29",
        "priority": "high",
        "service_priority": "",
        "terms_item": "",
        "status": "issued",
        "status_note": "",
    } | fields


def test_a_commissioner_issues_an_instruction_and_the_council_is_emailed(
    client, charlie, alice, hereford_case, django_capture_on_commit_callbacks
):
    client.force_login(charlie)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/admin/directions/instruction/add/", instruction_form(hereford_case))
    assert response.status_code == 302
    instruction = Instruction.objects.get()
    assert (instruction.number, instruction.issued_by, instruction.history.get().history_user) == (
        1,
        charlie.person,
        charlie,
    )
    assert len(callbacks) == 2  # hand the promised email to the worker; tell charlie if the queue is down
    [promised] = run_promises()
    assert (promised.task_name, promised.kwargs["instruction_id"]) == (
        "directions.email_council_about_instruction",
        instruction.pk,
    )
    assert mail.outbox[0].to == ["alice@herefordshire.example"]


def test_a_crafted_post_for_another_council_is_refused_and_nothing_saved(
    client, charlie, hereford_case, worcester_case
):
    client.force_login(charlie)
    response = client.post("/admin/directions/instruction/add/", instruction_form(worcester_case))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert Instruction.objects.count() == 0


def test_a_due_date_before_the_issue_date_is_a_form_error_that_keeps_what_was_typed(client, charlie, hereford_case):
    client.force_login(charlie)
    response = client.post("/admin/directions/instruction/add/", instruction_form(hereford_case, due_on="2026-11-01"))
    assert "The due date must be on or after the date it was issued (23 November 2026)" in response.text
    assert "Present a recruitment and retention plan" in response.text
    assert Instruction.objects.count() == 0


def test_the_commissioner_sees_only_their_cases_instructions(client, charlie, hereford_case, worcester_case):
    from directions import services
    from intervention.enums import Role
    from tests.factories import AppointmentFactory

    other = AppointmentFactory(intervention=worcester_case, role=Role.COMMISSIONER).person.user
    services.issue_instruction(
        intervention=worcester_case,
        issued_by=other.person,
        by=other,
        title="W",
        text="W",
        issued_on=datetime.date(2023, 1, 1),
        due_on=datetime.date(2023, 2, 1),
    )
    client.force_login(charlie)
    response = client.get("/admin/directions/instruction/")
    assert list(response.context["cl"].queryset) == []
    worcester_instruction = Instruction.objects.get()
    response = client.get(f"/admin/directions/instruction/{worcester_instruction.pk}/change/", follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"


def test_the_intervention_dropdown_offers_only_the_commissioners_cases(client, charlie, hereford_case, worcester_case):
    client.force_login(charlie)
    response = client.get("/admin/directions/instruction/add/")
    choices = list(response.context["adminform"].form.fields["intervention"].queryset)
    assert choices == [hereford_case]
    assert response.context["adminform"].form.initial["intervention"] == hereford_case.pk


def test_the_overdue_filter_finds_overdue_instructions(client, charlie, hereford_case, time_machine):
    from directions import services

    time_machine.move_to(datetime.datetime(2023, 7, 1, 12, 0))
    for due in (datetime.date(2023, 6, 30), datetime.date(2023, 7, 31)):
        services.issue_instruction(
            intervention=hereford_case,
            issued_by=charlie.person,
            by=charlie,
            title=f"Due {due}",
            text="t",
            issued_on=datetime.date(2023, 6, 1),
            due_on=due,
        )
    client.force_login(charlie)
    response = client.get("/admin/directions/instruction/", {"overdue": "yes"})
    assert [i.title for i in response.context["cl"].queryset] == ["Due 2023-06-30"]


def test_dfe_staff_see_instructions_but_do_not_issue_them(client, dora, hereford_case):
    client.force_login(dora)
    assert client.get("/admin/directions/instruction/").status_code == 200
    assert client.get("/admin/directions/instruction/add/").status_code == 403


def test_dfe_issues_a_draft_direction_from_the_admin(client, dora, hereford_case):
    draft = Instrument.objects.create(
        intervention=hereford_case,
        kind="statutory_direction",
        legal_basis="497A(4B)",
        title="Direction",
        addressed_to="Herefordshire Council",
        issued_on=datetime.date(2023, 3, 1),
        signed_by_name="Dawn Dandy",
    )
    Clause.objects.create(instrument=draft, label="7", text="To comply")
    client.force_login(dora)
    response = client.post(
        "/admin/directions/instrument/", {"action": "issue_selected", "_selected_action": [draft.pk]}, follow=True
    )
    assert "Issued: Statutory direction to Herefordshire, 1 March 2023" in response.text
    draft.refresh_from_db()
    assert draft.status == "issued"


def test_an_issued_instrument_is_read_only_in_the_admin(client, dora, hereford_case):
    direction = issued_direction(hereford_case)
    client.force_login(dora)
    response = client.get(f"/admin/directions/instrument/{direction.pk}/change/")
    form = response.context["adminform"].form
    assert "title" not in form.fields
    assert "text" not in response.context["inline_admin_formsets"][0].formset.forms[0].fields


def test_a_crafted_post_cannot_rewrite_an_issued_direction(client, dora, hereford_case):
    direction = issued_direction(hereford_case)
    client.force_login(dora)
    clause = direction.clauses.get()
    client.post(
        f"/admin/directions/instrument/{direction.pk}/change/",
        {
            "title": "Rewritten",
            "clauses-TOTAL_FORMS": "1",
            "clauses-INITIAL_FORMS": "1",
            "clauses-0-id": clause.pk,
            "clauses-0-instrument": direction.pk,
            "clauses-0-text": "Rewritten",
            "clauses-0-compliance": "not_due",
        },
    )
    direction.refresh_from_db()
    clause.refresh_from_db()
    assert (direction.title, clause.text) == ("Statutory direction", "To comply")


def test_a_commissioner_reads_their_cases_instruments_but_cannot_change_them(
    client, charlie, hereford_case, worcester_case
):
    mine = issued_direction(hereford_case)
    issued_direction(worcester_case, datetime.date(2017, 3, 8))
    client.force_login(charlie)
    response = client.get("/admin/directions/instrument/")
    assert list(response.context["cl"].queryset) == [mine]
    response = client.get(f"/admin/directions/instrument/{mine.pk}/change/")
    assert response.context["has_change_permission"] is False


def test_a_commissioner_reads_an_issued_directions_clauses_as_the_document_cites_them(client, charlie, hereford_case):
    direction = issued_direction(hereford_case, clauses=("To comply", "To co-operate"))
    client.force_login(charlie)
    response = client.get(f"/admin/directions/instrument/{direction.pk}/change/")
    clauses = response.text.split('id="clauses-heading"')[1].split("</table>")[0]
    cells = [
        '<td class="field-reference"><p>7</p></td>',
        '<td class="field-text"><p>To comply</p></td>',
        '<td class="field-reference"><p>8</p></td>',
        '<td class="field-text"><p>To co-operate</p></td>',
        '<td class="field-compliance"><p>Not yet due</p></td>',
    ]
    assert [cell for cell in cells if cell not in clauses] == []
    assert "<select" not in clauses


def test_an_instructions_page_offers_only_its_own_cases_priorities(client, charlie, hereford_case, worcester_case):
    from directions.models import ServicePriority
    from intervention.enums import Role
    from tests.factories import AppointmentFactory

    AppointmentFactory(person=charlie.person, intervention=worcester_case, role=Role.COMMISSIONER)
    # Written into the issued directions as their documents had them (a priority is not added after issue).
    ours, _ = ServicePriority.objects.bulk_create(
        [
            ServicePriority(instrument=issued_direction(hereford_case), label="i", title="t", short_name="Ours"),
            ServicePriority(
                instrument=issued_direction(worcester_case, datetime.date(2017, 3, 8)),
                label="i",
                title="t",
                short_name="Theirs",
            ),
        ]
    )
    instruction = _issue(hereford_case, charlie, "Recruitment", "Recruit permanent social workers by March.")
    client.force_login(charlie)
    response = client.get(f"/admin/directions/instruction/{instruction.pk}/change/")
    offered = response.context["adminform"].form.fields["service_priority"].queryset
    assert list(offered) == [ours]


def test_an_instruction_made_under_a_revoked_direction_still_offers_its_priority(client, charlie, hereford_case):
    from directions.models import ServicePriority

    first = issued_direction(hereford_case)
    in_force = issued_direction(hereford_case, datetime.date(2023, 3, 1), revokes=first)
    # Written into the issued directions as their documents had them (a priority is not added after issue).
    old, _ = ServicePriority.objects.bulk_create(
        [
            ServicePriority(instrument=first, label="i", title="t", short_name="Old"),
            ServicePriority(instrument=in_force, label="i", title="t", short_name="New"),
        ]
    )
    instruction = _issue(hereford_case, charlie, "Recruitment", "Recruit permanent social workers by March.")
    Instruction.objects.filter(pk=instruction.pk).update(service_priority=old)
    client.force_login(charlie)

    response = client.get(f"/admin/directions/instruction/{instruction.pk}/change/")

    field = response.context["adminform"].form.fields["service_priority"]
    assert sorted(priority.short_name for priority in field.queryset) == ["New", "Old"]
    assert f'<option value="{old.pk}" selected>' in response.text


def test_the_revokes_autocomplete_is_scoped(client, charlie, hereford_case, worcester_case):
    mine = issued_direction(hereford_case)
    issued_direction(worcester_case, datetime.date(2017, 3, 8))
    client.force_login(charlie)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "directions", "model_name": "instrument", "field_name": "revokes", "term": ""},
    )
    assert [item["id"] for item in response.json()["results"]] == [str(mine.pk)]


def test_every_directions_admin_page_is_closed_to_a_council_officer(client, alice, hereford_case):
    direction = issued_direction(hereford_case)
    client.force_login(alice)
    for url in [
        "/admin/directions/instrument/",
        f"/admin/directions/instrument/{direction.pk}/change/",
        f"/admin/directions/instrument/{direction.pk}/history/",
        "/admin/directions/instruction/",
        "/admin/directions/instruction/add/",
    ]:
        assert client.get(url).status_code == 302, url


def form_values(html: str) -> dict[str, object]:
    """What a browser would send for the page's main form, as drawn (inputs, selects, textareas)."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__()
            self.values: dict[str, object] = {}
            self.select = None
            self.textarea = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            name = attrs.get("name")
            if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
                if attrs.get("type") in ("checkbox", "radio"):
                    if "checked" in attrs:
                        self.values[name] = attrs.get("value", "on")
                else:
                    self.values[name] = attrs.get("value", "")
            elif tag == "select" and name:
                self.select = name
                if "multiple" not in attrs:  # an empty multiple select sends nothing
                    self.values.setdefault(name, "")
            elif tag == "option" and self.select and "selected" in attrs:
                self.values[self.select] = attrs.get("value", "")
            elif tag == "textarea" and name:
                self.textarea = name
                self.values[name] = ""

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            if tag == "textarea":
                self.textarea = None

        def handle_data(self, data):
            if self.textarea:
                self.values[self.textarea] += data

    reader = Reader()
    reader.feed(html)
    return reader.values


def test_dfe_records_compliance_with_an_issued_directions_clause_in_the_admin(client, dora, hereford_case):
    direction = issued_direction(hereford_case, clauses=("To comply", "To co-operate"))
    clause = direction.clauses.get(label="8")
    client.force_login(dora)
    url = f"/admin/directions/instrument/{direction.pk}/change/"
    values = form_values(client.get(url).text)
    prefix = next(
        key[: -len("-id")] for key, value in values.items() if key.endswith("-id") and value == str(clause.pk)
    )
    values[f"{prefix}-compliance"] = "complied"
    values["_save"] = "Save"
    response = client.post(url, values)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    clause.refresh_from_db()
    assert clause.compliance == "complied"
    assert clause.history.latest().history_user == dora
    direction.refresh_from_db()
    assert direction.title == "Statutory direction"


def _issue(case, by, title, text):
    from directions import services

    return services.issue_instruction(
        intervention=case,
        issued_by=by.person,
        by=by,
        title=title,
        text=text,
        issued_on=datetime.date(2023, 1, 1),
        due_on=datetime.date(2023, 2, 1),
    )


def test_admin_search_finds_instructions_by_their_words_or_their_authority(client, dora, charlie, hereford_case):
    recruit = _issue(hereford_case, charlie, "Recruitment", "Recruit permanent social workers by March.")
    audit = _issue(hereford_case, charlie, "Audit", "Audit every child in need plan.")
    client.force_login(dora)

    by_words = client.get("/admin/directions/instruction/", {"q": "permanent social workers"})
    by_authority = client.get("/admin/directions/instruction/", {"q": "herefordshire"})
    by_nothing = client.get("/admin/directions/instruction/", {"q": "tractor"})

    assert list(by_words.context["cl"].result_list) == [recruit]
    assert sorted(i.pk for i in by_authority.context["cl"].result_list) == sorted([recruit.pk, audit.pk])
    assert list(by_nothing.context["cl"].result_list) == []
