"""Commissioner instructions: issued to the council, numbered, emailed, and moved through their statuses."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from directions import services
from directions.models import Instruction, ServicePriority

pytestmark = pytest.mark.django_db


def issue(user, case, **fields):
    defaults = {
        "title": "Reduce reliance on agency social workers",
        "text": "Present a recruitment and retention plan to the improvement board.",
        "issued_on": datetime.date(2023, 4, 3),
        "due_on": datetime.date(2023, 6, 30),
    }
    return services.issue_instruction(intervention=case, issued_by=user.person, by=user, **(defaults | fields))


def test_a_commissioner_issues_numbered_instructions_to_the_council(charlie, hereford_case):
    first = issue(charlie, hereford_case)
    second = issue(charlie, hereford_case, title="Hold child protection conferences face to face")
    assert (first.number, second.number) == (1, 2)
    assert second.reference == "Instruction 2"
    assert first.history.get().history_user == charlie


def test_the_councils_officers_are_emailed_after_commit(
    charlie, alice, bob, hereford_case, django_capture_on_commit_callbacks
):
    instruction = issue(charlie, hereford_case)
    assert mail.outbox == []
    assert services.email_council_about_instruction(instruction=instruction) == 1
    (message,) = mail.outbox
    assert message.to == ["alice@herefordshire.example"]
    assert message.subject == "New instruction for Herefordshire Council: Reduce reliance on agency social workers"
    assert "Due: 30 June 2023" in message.body
    assert f"/interventions/{hereford_case.pk}/" in message.body


def test_issuing_enqueues_the_email_only_when_the_transaction_commits(
    charlie, hereford_case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        issue(charlie, hereford_case)
    assert len(callbacks) == 1


def test_a_commissioner_cannot_instruct_a_council_they_are_not_appointed_to(charlie, worcester_case):
    with pytest.raises(PermissionDenied, match="You are not appointed to Worcestershire's intervention"):
        issue(charlie, worcester_case)
    assert Instruction.objects.count() == 0


@pytest.mark.parametrize("user_name", ["alice", "dora"])
def test_council_officers_and_dfe_staff_do_not_issue_instructions(request, user_name, hereford_case):
    user = request.getfixturevalue(user_name)
    with pytest.raises(PermissionDenied):
        issue(user, hereford_case)


def test_an_instruction_cannot_be_due_before_it_was_issued(charlie, hereford_case):
    with pytest.raises(ValidationError) as error:
        issue(charlie, hereford_case, due_on=datetime.date(2023, 4, 1))
    assert error.value.message_dict["due_on"] == [
        "The due date must be on or after the date it was issued (3 April 2023)"
    ]


def test_an_instruction_links_only_to_its_own_cases_priorities(charlie, hereford_case, worcester_case):
    from directions.models import Instrument

    worcester_draft = Instrument.objects.create(
        intervention=worcester_case, kind="statutory_direction", legal_basis="497A(4B)", title="Draft", addressed_to="x"
    )
    priority = ServicePriority.objects.create(instrument=worcester_draft, label="i", title="t", short_name="t")
    with pytest.raises(ValidationError) as error:
        issue(charlie, hereford_case, service_priority=priority)
    assert error.value.message_dict["service_priority"] == ["Choose a service priority of this intervention"]


def test_overdue_is_derived_from_the_date(charlie, hereford_case, time_machine):
    instruction = issue(charlie, hereford_case)
    time_machine.move_to(datetime.datetime(2023, 6, 30, 12, 0))
    assert instruction.is_overdue is False
    time_machine.move_to(datetime.datetime(2023, 7, 1, 12, 0))
    assert instruction.is_overdue is True
    assert list(Instruction.objects.overdue(on=datetime.date(2023, 7, 1))) == [instruction]


def test_the_council_acknowledges_and_the_commissioner_closes(charlie, alice, hereford_case):
    instruction = issue(charlie, hereford_case)
    services.change_instruction_status(instruction=instruction, status="acknowledged", by=alice)
    services.change_instruction_status(instruction=instruction, status="in_progress", by=alice)
    with pytest.raises(PermissionDenied, match="You cannot mark this instruction complied"):
        services.change_instruction_status(instruction=instruction, status="complied", by=alice)
    services.change_instruction_status(instruction=instruction, status="complied", by=charlie, note="Plan approved")
    instruction.refresh_from_db()
    assert instruction.status == "complied"
    assert instruction.is_overdue_on(datetime.date(2030, 1, 1)) is False
    assert [h.history_user for h in instruction.history.order_by("history_date")] == [charlie, alice, alice, charlie]


def test_a_complied_instruction_cannot_reopen(charlie, hereford_case):
    instruction = issue(charlie, hereford_case)
    services.change_instruction_status(instruction=instruction, status="complied", by=charlie)
    with pytest.raises(ValidationError) as error:
        services.change_instruction_status(instruction=instruction, status="in_progress", by=charlie)
    assert error.value.message_dict["status"] == ["An instruction that is complied cannot be marked in progress"]


def test_withdrawing_needs_a_reason_and_keeps_the_instruction(charlie, hereford_case):
    instruction = issue(charlie, hereford_case)
    with pytest.raises(ValidationError):
        services.change_instruction_status(instruction=instruction, status="withdrawn", by=charlie)
    services.change_instruction_status(
        instruction=instruction, status="withdrawn", by=charlie, note="Superseded by instruction 2"
    )
    instruction.refresh_from_db()
    assert (instruction.status, instruction.status_note) == ("withdrawn", "Superseded by instruction 2")


def test_an_adviser_appointed_by_the_direction_holds_the_commissioners_power(hereford_case):
    from intervention.enums import Role
    from tests.factories import AppointmentFactory

    adviser = AppointmentFactory(intervention=hereford_case, role=Role.INTERVENTION_ADVISER).person.user
    assert issue(adviser, hereford_case).number == 1


@pytest.mark.django_db(transaction=True)
def test_the_email_goes_out_through_a_real_worker(charlie, alice, hereford_case):
    from celery.contrib.testing.worker import start_worker

    from intervention.celery import app
    from tests.intervention.test_celery import wait_for

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        issue(charlie, hereford_case)
        assert wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == ["alice@herefordshire.example"]
