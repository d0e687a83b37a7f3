"""Each hand-over tells the people it concerns, once: a notice on their work page and an email of their
own, with nothing of the case but the title and a link."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from intervention import notices
from intervention.models import Notice
from reviews.services import planning

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def submitted_plan(hereford_case, workforce, terms_item, alice):
    plan = planning.create_plan(intervention=hereford_case, title="Children's services improvement plan", by=alice)
    objective = planning.add_objective(plan=plan, label="1", title="A stable workforce", by=alice)
    planning.add_action(
        objective=objective,
        label="1",
        description="Recruit",
        owner="Head of workforce",
        due_on=D(2030, 1, 31),
        by=alice,
    )
    return plan


def send_all(callbacks):
    """What the worker would do with the tasks enqueued after commit: send each notice's email."""
    for notice in Notice.objects.filter(sent_at__isnull=True).exclude(email=""):
        notices.send_notice(notice_id=notice.pk)


def test_submitting_a_plan_tells_the_commissioner_once_by_notice_and_email(
    submitted_plan, alice, charlie, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        planning.submit_plan(plan=submitted_plan, by=alice)
    told = Notice.objects.get()
    assert told.person == charlie.person and told.what.startswith("Improvement plan to agree")
    assert told.link == reverse("plan_detail", args=[submitted_plan.intervention_id, submitted_plan.pk])
    assert len(callbacks) == 1  # the email waits for the commit

    send_all(callbacks)
    send_all(callbacks)  # a second delivery of the same task sends nothing
    assert [message.to for message in mail.outbox] == [["charlie@commissioner.example"]]
    assert "Sign in to see it" in mail.outbox[0].body and told.link in mail.outbox[0].body
    told.refresh_from_db()
    assert told.sent_at is not None and told.attempts == 1


def test_the_same_hand_over_told_twice_makes_one_notice(submitted_plan, alice, charlie):
    person = charlie.person
    first = notices.tell([person], about=submitted_plan.intervention, what="Plan", by=alice, key="k", link="/x/")
    again = notices.tell([person], about=submitted_plan.intervention, what="Plan", by=alice, key="k", link="/x/")
    assert len(first) == 1 and again == [] and Notice.objects.count() == 1


def test_the_person_acting_is_not_told_about_their_own_act(submitted_plan, alice, charlie):
    notices.tell([alice.person, charlie.person], about=submitted_plan.intervention, what="x", by=alice, key="k2")
    assert list(Notice.objects.values_list("person__name", flat=True)) == ["Charlie Brazil"]


def test_a_failed_email_is_recorded_and_tried_again(submitted_plan, alice, charlie, settings):
    planning.submit_plan(plan=submitted_plan, by=alice)
    told = Notice.objects.get()
    settings.EMAIL_BACKEND = "tests.reviews.failing_backend.FailingBackend"
    with pytest.raises(Exception):  # noqa: B017 - whatever the mail server raises, the task retries it
        notices.send_notice(notice_id=told.pk)
    told.refresh_from_db()
    assert told.sent_at is None and told.attempts == 1 and told.last_error and told.claimed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notices.send_notice(notice_id=told.pk)
    told.refresh_from_db()
    assert told.sent_at is not None and told.attempts == 2 and told.last_error == ""


def test_agreeing_and_sending_back_tell_the_council(submitted_plan, alice, charlie):
    planning.submit_plan(plan=submitted_plan, by=alice)
    planning.send_back_plan(plan=submitted_plan, reason="Add a date for the second action", by=charlie)
    submitted_plan.refresh_from_db()
    assert submitted_plan.status == "draft" and submitted_plan.sent_back_reason == "Add a date for the second action"
    planning.submit_plan(plan=submitted_plan, by=alice)
    fingerprint = planning.snapshot_fingerprint(planning.plan_snapshot(submitted_plan))
    planning.agree_plan(plan=submitted_plan, fingerprint=fingerprint, by=charlie)
    to_alice = list(Notice.objects.filter(person=alice.person).values_list("what", flat=True))
    assert [what.split(":")[0] for what in to_alice] == [
        "Improvement plan sent back to change",
        "Improvement plan agreed (version 1)",
    ]
    assert Notice.objects.filter(person=charlie.person).count() == 2  # submitted twice


def test_a_due_date_move_waiting_for_agreement_tells_the_commissioner_and_the_decision_tells_the_council(
    submitted_plan, alice, charlie
):
    planning.submit_plan(plan=submitted_plan, by=alice)
    fingerprint = planning.snapshot_fingerprint(planning.plan_snapshot(submitted_plan))
    planning.agree_plan(plan=submitted_plan, fingerprint=fingerprint, by=charlie, date_moves_need_agreement=True)
    from reviews.models import PlanAction

    action = PlanAction.objects.get()
    move = planning.record_due_date_move(action=action, to_on=D(2030, 3, 31), reason="Hiring freeze", by=alice)
    assert Notice.objects.filter(person=charlie.person, what__startswith="Due date move to agree").count() == 1
    planning.decide_due_date_move(move=move, agree=False, by=charlie, note="Keep to the date")
    assert Notice.objects.filter(person=alice.person, what__startswith="Due date move refused").count() == 1


def test_an_instruction_issued_is_in_the_councils_work_but_not_emailed_twice(hereford_case, alice, charlie):
    from directions import services

    instruction = services.issue_instruction(
        intervention=hereford_case,
        issued_by=charlie.person,
        by=charlie,
        title="Recruit permanent staff",
        text="Recruit them",
        issued_on=D(2026, 1, 5),
        due_on=D(2026, 3, 5),
    )
    told = Notice.objects.get(person=alice.person)
    assert told.email == "" and "Recruit permanent staff" in told.what
    services.respond_to_instruction(instruction=instruction, kind="submitted", text="Done: see evidence", by=alice)
    told = Notice.objects.get(person=charlie.person)
    assert told.what.startswith("Instruction submitted as complied") and told.email == "charlie@commissioner.example"
    services.respond_to_instruction(instruction=instruction, kind="returned", text="Show the contracts", by=charlie)
    assert Notice.objects.filter(person=alice.person, what__startswith="Instruction returned").count() == 1


def test_a_notices_email_is_a_promise_of_the_outbox_sent_once_with_a_stable_message_id(submitted_plan, alice, charlie):
    from intervention.models import OutboxItem, OutboxState
    from tests.outbox import run_promises

    planning.submit_plan(plan=submitted_plan, by=alice)
    told = Notice.objects.get()
    promised = OutboxItem.objects.get(task_name=notices.SEND_TASK)
    assert (promised.key, promised.kwargs, promised.queue) == (f"notice:{told.pk}", {"notice_id": told.pk}, "emails")
    assert [item.state for item in run_promises(task_name=notices.SEND_TASK)] == [OutboxState.DONE]
    assert [message.to for message in mail.outbox] == [[charlie.person.email]]
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<notice-{told.pk}@")
    assert notices.send_notice(notice_id=told.pk) is False  # a second delivery sends nothing


def test_a_claim_left_by_a_dead_worker_is_taken_over_after_the_lease(submitted_plan, alice, charlie):
    from django.utils import timezone

    from intervention import queue

    planning.submit_plan(plan=submitted_plan, by=alice)
    told = Notice.objects.get()
    Notice.objects.filter(pk=told.pk).update(claimed_at=timezone.now())
    assert notices.send_notice(notice_id=told.pk) is False  # its worker may still be sending
    long_ago = timezone.now() - queue.lease_for("emails") - datetime.timedelta(seconds=1)
    Notice.objects.filter(pk=told.pk).update(claimed_at=long_ago)
    assert notices.send_notice(notice_id=told.pk) is True
    assert len(mail.outbox) == 1
