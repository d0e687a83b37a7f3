"""The email that tells the council of a new instruction: a title is one line, so the email can be
built, and what became of the email (sent, or why not) is kept where DfE sees it."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from directions import services
from directions.enums import CouncilEmail
from directions.models import Instruction
from directions.tasks import EMAIL_TASK
from intervention.models import OutboxState
from tests.directions.test_admin import instruction_form
from tests.outbox import run_promises

pytestmark = pytest.mark.django_db
FAILING_BACKEND = "tests.reviews.failing_backend.FailingBackend"


def issue(user, case, **fields):
    defaults = {
        "title": "Reduce reliance on agency social workers",
        "text": "Present a recruitment and retention plan to the improvement board.",
        "issued_on": datetime.date(2023, 4, 3),
        "due_on": datetime.date(2023, 6, 30),
    }
    return services.issue_instruction(intervention=case, issued_by=user.person, by=user, **(defaults | fields))


def send(instruction):
    """Run the promised email as the worker would, retries included (without the waits): its promise."""
    run_promises(task_name=EMAIL_TASK)
    return services.instruction_email_outbox(instruction).first()


@pytest.mark.parametrize("title", ["Reduce agency use\nand report monthly", "Reduce agency use\r", "A\u2028B"])
def test_a_title_with_a_line_break_is_refused_and_nothing_is_issued(charlie, hereford_case, title):
    with pytest.raises(ValidationError) as error:
        issue(charlie, hereford_case, title=title)
    assert error.value.message_dict["title"] == ["Enter the title on one line"]
    assert Instruction.objects.count() == 0


def test_a_title_with_a_line_break_is_a_form_error_in_the_admin(client, charlie, hereford_case):
    client.force_login(charlie)
    response = client.post(
        "/admin/directions/instruction/add/", instruction_form(hereford_case, title="Reduce agency use\nnow")
    )
    assert response.status_code == 200
    assert "Enter the title on one line" in response.text
    assert Instruction.objects.count() == 0


def test_a_sent_email_is_recorded_on_the_instruction_with_its_history(charlie, alice, hereford_case):
    instruction = issue(charlie, hereford_case)
    assert instruction.council_email == CouncilEmail.WAITING
    assert send(instruction).state == OutboxState.DONE
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<instruction-{instruction.pk}@localhost>"
    instruction.refresh_from_db()
    assert (instruction.council_email, instruction.email_failed_reason) == (CouncilEmail.SENT, "")
    assert instruction.emailed_at is not None
    latest = instruction.history.first()
    assert (latest.history_change_reason, latest.history_user, latest.title) == (
        "Council emailed (1 address)",
        None,
        instruction.title,
    )


def test_a_send_that_fails_after_its_retries_is_recorded_for_dfe(charlie, alice, dora, hereford_case, settings):
    instruction = issue(charlie, hereford_case)
    settings.EMAIL_BACKEND = FAILING_BACKEND
    promised = send(instruction)
    assert (promised.state, promised.attempts) == (OutboxState.FAILED, 8)
    assert promised.last_error == "the mail server went away"
    instruction.refresh_from_db()
    assert instruction.council_email == CouncilEmail.FAILED
    assert instruction.email_failed_reason == "the mail server went away (after 8 tries)"
    assert instruction.emailed_at is None
    assert instruction.history.first().history_change_reason.startswith("Email to the council failed")
    # DfE sends it again once the mail server is back: the failure is cleared.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.send_instruction_email_again(instruction=instruction, by=dora)
    assert send(instruction).state == OutboxState.DONE
    instruction.refresh_from_db()
    assert (instruction.council_email, instruction.email_failed_reason) == (CouncilEmail.SENT, "")
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<instruction-{instruction.pk}-again-1@localhost>"


def test_an_email_django_refuses_to_build_fails_at_once_and_is_recorded(charlie, alice, hereford_case, settings):
    instruction = issue(charlie, hereford_case)
    settings.DEFAULT_FROM_EMAIL = "casework@example\nBcc: someone@example"  # a header Django will not write
    assert send(instruction).state == OutboxState.FAILED
    instruction.refresh_from_db()
    assert instruction.council_email == CouncilEmail.FAILED
    assert instruction.email_failed_reason.endswith("(after 1 try)")
    assert mail.outbox == []


def test_a_council_with_no_email_address_on_the_case_is_a_failure(charlie, hereford_case):
    instruction = issue(charlie, hereford_case)  # no council officer (alice) on this case
    assert send(instruction).state == OutboxState.DONE
    instruction.refresh_from_db()
    assert instruction.council_email == CouncilEmail.FAILED
    assert instruction.email_failed_reason == "No one at the council on this case has an email address"


def test_a_title_saved_before_the_rule_still_makes_a_one_line_subject(charlie, alice, hereford_case):
    instruction = issue(charlie, hereford_case)
    Instruction.objects.filter(pk=instruction.pk).update(title="Reduce agency use\nand report monthly")
    assert send(instruction).state == OutboxState.DONE
    assert mail.outbox[0].subject == "New instruction for Herefordshire Council: Reduce agency use and report monthly"


def test_dfe_sees_failed_emails_in_the_admin_list_and_page(client, charlie, alice, dora, hereford_case, settings):
    sent = issue(charlie, hereford_case, title="Hold conferences face to face")
    send(sent)
    settings.EMAIL_BACKEND = FAILING_BACKEND
    failed = issue(charlie, hereford_case, title="Reduce reliance on agency social workers")
    send(failed)
    client.force_login(dora)
    listing = client.get("/admin/directions/instruction/").text
    assert "Council emailed" in listing and "Email failed" in listing
    only_failed = client.get("/admin/directions/instruction/?council_email=failed").text
    assert "Reduce reliance on agency social workers" in only_failed
    assert "Hold conferences face to face" not in only_failed
    page = client.get(f"/admin/directions/instruction/{failed.pk}/change/").text
    assert "Failed: the mail server went away (after 8 tries)" in page
    page = client.get(f"/admin/directions/instruction/{sent.pk}/change/").text
    assert "Sent on " in page
