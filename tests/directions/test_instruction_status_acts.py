"""An instruction's status moves only through the service's acts: the council submits, the commissioner
accepts or returns on the instruction's page, or withdraws it with a reason. The admin's form cannot
set it, on the add form or the change form."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from directions import services
from directions.enums import InstructionStatus
from directions.models import Instruction
from tests.directions.test_admin import instruction_form
from tests.sweep.support import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def instruction(charlie, hereford_case):
    return services.issue_instruction(
        intervention=hereford_case,
        issued_by=charlie.person,
        by=charlie,
        title="Audit the front door",
        text="Audit every contact in March.",
        issued_on=datetime.date(2026, 11, 2),
        due_on=datetime.date(2027, 1, 29),
    )


def test_the_add_form_has_no_status_to_set(client, charlie, hereford_case):
    client.force_login(charlie)
    page = client.get("/admin/directions/instruction/add/").text
    assert 'name="status"' not in page
    assert 'name="status_note"' not in page
    client.post(
        "/admin/directions/instruction/add/",
        instruction_form(hereford_case, status="complied", status_note="Done already"),
    )
    created = Instruction.objects.get()
    assert (created.status, created.status_note) == (InstructionStatus.ISSUED, "")


def test_the_change_form_cannot_mark_an_instruction_complied(client, charlie, hereford_case, instruction):
    client.force_login(charlie)
    url = f"/admin/directions/instruction/{instruction.pk}/change/"
    page = client.get(url).text
    assert '<select name="status"' not in page
    # The form as it came, with a status slipped in: the rest saves, the status is not the form's to set.
    crafted = form_data(page) | {"status": ["complied"], "status_note": ["Accepted by dropdown"]}
    assert client.post(url, crafted).status_code == 302
    instruction.refresh_from_db()
    assert instruction.status == InstructionStatus.ISSUED
    assert instruction.status_note == ""


def test_the_commissioner_withdraws_with_a_reason_the_council_then_reads(client, charlie, alice, instruction):
    client.force_login(charlie)
    change_page = client.get(f"/admin/directions/instruction/{instruction.pk}/change/").text
    assert f'href="/admin/directions/instruction/{instruction.pk}/withdraw/"' in change_page

    url = f"/admin/directions/instruction/{instruction.pk}/withdraw/"
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 200
    assert "Give a reason" in refused.text
    instruction.refresh_from_db()
    assert instruction.status == InstructionStatus.ISSUED

    reason = "Superseded by the revised terms of reference agreed with the council on 20 November. " * 3
    response = client.post(url, {"reason": reason})
    assert response.status_code == 302
    instruction.refresh_from_db()
    assert instruction.status == InstructionStatus.WITHDRAWN
    assert instruction.status_note == reason.strip()
    latest = instruction.history.first()
    assert (latest.history_user, latest.status) == (charlie, InstructionStatus.WITHDRAWN)

    client.force_login(alice)
    page = client.get(f"/interventions/{instruction.intervention_id}/instructions/{instruction.pk}/").text
    assert f"Withdrawn: {reason.strip()}" in page


def test_a_withdrawn_instruction_cannot_be_withdrawn_again_or_reopened(client, charlie, instruction):
    services.withdraw_instruction(instruction=instruction, reason="No longer needed", by=charlie)
    client.force_login(charlie)
    response = client.get(f"/admin/directions/instruction/{instruction.pk}/withdraw/")
    assert "This instruction is withdrawn: it cannot be withdrawn." in response.text
    with pytest.raises(ValidationError):
        services.change_instruction_status(instruction=instruction, status=InstructionStatus.IN_PROGRESS, by=charlie)


def test_a_council_officer_cannot_withdraw(client, alice, instruction):
    client.force_login(alice)
    response = client.post(f"/admin/directions/instruction/{instruction.pk}/withdraw/", {"reason": "Not ours"})
    assert response.status_code in (302, 403)
    instruction.refresh_from_db()
    assert instruction.status == InstructionStatus.ISSUED


def test_the_terms_of_reference_offered_are_the_direction_in_force_and_say_whose(client, charlie, hereford_case):
    from tests.factories import issued_direction

    first = issued_direction(hereford_case, terms_of_reference=["Review the front door (old)"])
    issued_direction(
        hereford_case, datetime.date(2023, 3, 1), revokes=first, terms_of_reference=["Review the front door (new)"]
    )

    client.force_login(charlie)
    field = client.get("/admin/directions/instruction/add/").context["adminform"].form.fields["terms_item"]
    assert [label for _, label in field.choices][1:] == [
        "Statutory direction to Herefordshire, 1 March 2023: 1. Review the front door (new)"
    ]
