"""Reminders before a deadline and an overdue notice after it: each sent exactly once, whatever
retries, crashes, downtime, clock changes or parallel sweeps happen."""

import datetime
import threading
import time

import pytest
from django.core import mail
from django.db import OperationalError, connection
from django.utils import timezone

from directions.models import ReportingObligation
from intervention import queue
from intervention.enums import Role
from intervention.models import OutboxItem
from reviews import services
from reviews.models import Deadline, Notification
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db
D = datetime.date
UTC = datetime.UTC


@pytest.fixture
def people(hereford_case, alice, charlie, dora):
    AppointmentFactory(
        person=dora.person, intervention=hereford_case, role=Role.DFE_CASE_LEAD, starts_on=D(2021, 5, 18)
    )


@pytest.fixture
def report_due(direction, people):
    """A report the council owes DfE on 30 June 2026."""
    obligation = ReportingObligation.objects.create(
        instrument=direction,
        what="Updated improvement plan",
        deliverer="council",
        recipient="dfe",
        cadence="fixed_date",
        due_on=D(2026, 6, 30),
    )
    services.materialise_deadlines(today=D(2026, 6, 1))
    return Deadline.objects.get(obligation=obligation)


def sweep(today):
    """One run of the sweeper, sending what it decided (as the worker would, after commit)."""
    decided = services.plan_notifications(today=today)
    for notification in decided:
        services.send_notification(notification_id=notification.pk, today=today)
    return decided


def sent():
    return [(m.subject.split(":")[0], sorted(m.to + m.cc)) for m in mail.outbox]


def test_reminders_go_14_and_3_days_before_to_those_who_deliver_it(report_due):
    for day in range(1, 31):
        sweep(D(2026, 6, day))
    assert sent() == [
        ("Due in 14 days (30 June 2026)", ["alice@herefordshire.example"]),
        ("Due in 3 days (30 June 2026)", ["alice@herefordshire.example"]),
    ]


def test_an_unmet_deadline_goes_the_day_after_to_those_who_deliver_it_with_dfe_copied(report_due):
    sweep(D(2026, 6, 30))
    mail.outbox.clear()
    sweep(D(2026, 7, 1))
    sweep(D(2026, 7, 2))
    assert [(m.subject.split(":")[0], m.to, m.cc) for m in mail.outbox] == [
        ("Overdue since 30 June 2026", ["alice@herefordshire.example"], ["dora@education.example"])
    ]


def test_a_met_deadline_is_not_escalated(report_due, dora):
    services.mark_deadline_met(deadline=report_due, met_on=D(2026, 6, 29), note="Plan received", by=dora)
    sweep(D(2026, 7, 1))
    assert mail.outbox == []


def test_sweeping_many_times_a_day_sends_once(report_due):
    for _ in range(96):
        sweep(D(2026, 6, 16))
    assert len(mail.outbox) == 1


def test_after_three_days_down_the_next_run_sends_what_is_due_once(report_due):
    sweep(D(2026, 6, 15))  # nothing yet
    # Beat and the worker were down from 16 to 18 June; the 14-day reminder's moment was the 16th.
    sweep(D(2026, 6, 19))
    sweep(D(2026, 6, 19))
    assert sent() == [("Due in 11 days (30 June 2026)", ["alice@herefordshire.example"])]


def test_a_reminder_for_a_deadline_due_tomorrow_says_tomorrow(report_due):
    sweep(D(2026, 6, 29))  # the 3-day moment passed while nothing ran
    assert sent() == [("Due tomorrow (30 June 2026)", ["alice@herefordshire.example"])]
    assert "is due tomorrow (Tuesday 30 June 2026)." in mail.outbox[0].body


def test_after_a_long_outage_only_the_latest_reminder_goes_and_nothing_floods(report_due):
    sweep(D(2026, 6, 28))  # both the 14-day and 3-day moments have passed
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Due in 2 days (30 June 2026)"]
    skipped = Notification.objects.get(skipped=True)
    assert skipped.key.endswith(":14") and skipped.sent_at is None
    sweep(D(2026, 6, 29))
    assert len(mail.outbox) == 1


def test_a_deadline_missed_long_before_it_was_entered_is_shown_not_emailed(direction, people):
    obligation = ReportingObligation.objects.create(
        instrument=direction,
        what="Old report",
        deliverer="council",
        recipient="dfe",
        cadence="fixed_date",
        due_on=D(2023, 6, 30),
    )
    services.materialise_deadlines(today=D(2026, 6, 1))
    sweep(D(2026, 6, 1))
    deadline = Deadline.objects.get(obligation=obligation)
    assert mail.outbox == []
    assert deadline.is_overdue_on(D(2026, 6, 1))
    assert deadline.state_label == "Overdue"


def test_a_crash_between_deciding_and_sending_sends_once_on_recovery(report_due, time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 16, 9, 0, tzinfo=UTC), tick=False)
    decided = services.plan_notifications(today=D(2026, 6, 16))  # committed, then the process died
    assert len(decided) == 1 and mail.outbox == []
    [promised] = queue.due_items()  # promised in the same transaction, never handed to the worker
    assert promised.key == f"notification:{decided[0].pk}"
    time_machine.move_to(datetime.datetime(2026, 6, 16, 9, 15, tzinfo=UTC), tick=False)
    assert services.plan_notifications(today=D(2026, 6, 16)) == []  # not decided twice
    assert services.requeue_stalled_notifications() == []  # promised already: the outbox sends it
    services.send_notification(notification_id=decided[0].pk, today=D(2026, 6, 16))
    services.send_notification(notification_id=decided[0].pk, today=D(2026, 6, 16))  # a duplicate delivery
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<notification-{decided[0].pk}@localhost>"


def test_a_notification_decided_before_the_outbox_is_promised_once(report_due, time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 16, 9, 0, tzinfo=UTC), tick=False)
    [decided] = services.plan_notifications(today=D(2026, 6, 16))
    OutboxItem.objects.all().delete()  # as a row written before there was an outbox
    time_machine.move_to(datetime.datetime(2026, 6, 16, 9, 15, tzinfo=UTC), tick=False)
    assert services.requeue_stalled_notifications() == [decided.pk]
    assert services.requeue_stalled_notifications() == []
    assert OutboxItem.objects.get().key == f"notification:{decided.pk}"


def test_a_worker_killed_mid_send_leaves_it_to_be_sent_again_after_the_lease(report_due, time_machine, settings):
    """At least once: the claim outlives a dead worker only by the lease, sized to the send timeout."""
    time_machine.move_to(datetime.datetime(2026, 6, 16, 9, 0, tzinfo=UTC), tick=False)
    [decided] = services.plan_notifications(today=D(2026, 6, 16))
    Notification.objects.filter(pk=decided.pk).update(claimed_at=timezone.now())  # claimed, then killed
    assert services.send_notification(notification_id=decided.pk) is False  # still its lease
    lease = datetime.timedelta(seconds=4 * settings.EMAIL_TIMEOUT + 30)
    time_machine.move_to(datetime.datetime(2026, 6, 16, 9, 0, tzinfo=UTC) + lease + datetime.timedelta(seconds=1))
    assert services.send_notification(notification_id=decided.pk, today=D(2026, 6, 16)) is True
    assert len(mail.outbox) == 1


def test_the_words_of_a_late_reminder_come_from_the_day_it_is_sent(report_due):
    [decided] = services.plan_notifications(today=D(2026, 6, 16))  # planned 14 days before
    assert decided.subject.startswith("Due in 14 days")
    services.send_notification(notification_id=decided.pk, today=D(2026, 6, 30))  # sent on the day itself
    assert mail.outbox[0].subject.startswith("Due today")
    decided.refresh_from_db()
    assert decided.subject.startswith("Due today")  # the row says what was sent


def test_a_failed_send_is_released_for_the_retry(report_due, settings):
    settings.EMAIL_BACKEND = "tests.reviews.failing_backend.FailingBackend"
    (notification,) = services.plan_notifications(today=D(2026, 6, 16))
    with pytest.raises(ConnectionError):
        services.send_notification(notification_id=notification.pk, today=D(2026, 6, 16))
    notification.refresh_from_db()
    assert (notification.claimed_at, notification.sent_at, notification.attempts) == (None, None, 1)
    assert notification.last_error == "the mail server went away"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.send_notification(notification_id=notification.pk, today=D(2026, 6, 16)) is True
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("utc_moments", "local_day"),
    [
        # Clocks go forward at 01:00 UTC on Sunday 29 March 2026: 23:30 UTC that evening is already Monday in London.
        (
            [
                datetime.datetime(2026, 3, 29, 22, 45),
                datetime.datetime(2026, 3, 29, 23, 0),
                datetime.datetime(2026, 3, 29, 23, 15),
            ],
            D(2026, 3, 30),
        ),
        # Clocks go back at 01:00 UTC on Sunday 25 October 2026: 23:15 UTC on the 24th is already the 25th in London.
        (
            [
                datetime.datetime(2026, 10, 24, 22, 45),
                datetime.datetime(2026, 10, 24, 23, 15),
                datetime.datetime(2026, 10, 25, 0, 15),
                datetime.datetime(2026, 10, 25, 1, 15),
            ],
            D(2026, 10, 25),
        ),
    ],
)
def test_sweeps_across_the_clocks_changing_use_the_london_date_and_send_once(
    direction, people, time_machine, utc_moments, local_day
):
    from reviews.tasks import sweep_notifications

    ReportingObligation.objects.create(
        instrument=direction,
        what="Report",
        deliverer="council",
        recipient="dfe",
        cadence="fixed_date",
        due_on=local_day + datetime.timedelta(days=14),
    )
    services.materialise_deadlines(today=local_day - datetime.timedelta(days=30))
    days_seen = []
    for moment in utc_moments:
        time_machine.move_to(moment.replace(tzinfo=UTC), tick=False)
        from django.utils import timezone

        days_seen.append(timezone.localdate())
        sweep_notifications()
    reminders = Notification.objects.filter(kind="reminder")
    assert reminders.count() == 1
    assert reminders.get().created_at.astimezone(datetime.UTC) >= utc_moments[0].replace(tzinfo=UTC)
    assert local_day in days_seen


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_decide_once(report_due):
    errors = []

    def run():
        # SQLite's in-memory test database refuses a second writer at once ("table is locked") where
        # PostgreSQL or a file database would wait; the sweep is simply run again, as the next beat would.
        try:
            for _ in range(50):
                try:
                    services.plan_notifications(today=D(2026, 6, 16))
                    return
                except OperationalError as error:
                    if "locked" not in str(error):
                        raise
                    time.sleep(0.05)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Notification.objects.count() == 1
