"""Work handed to the Celery worker, through a durable outbox.

Services promise work by task name (`promise`, or `enqueue_after_commit` for the same thing with no
key), so that a service never imports the task module that imports it (tasks call services; services
only name tasks). A promise is an `OutboxItem` row written in the caller's transaction: if the action
rolls back, nothing was promised; if it commits, the promise is kept, whatever happens next.

1. After commit the row is handed to the broker (`dispatch`). A broker that is down is logged, never
   raised to the person: the row waits, and `promise(...).dispatched` says so, for the page to tell
   them the truth ("… will be sent when the mail queue is back").
2. The worker runs it through `run` (task `intervention.run_outbox_item`): it claims the row under a
   lease sized to the work (an email's send timeout, a report's time limit), calls the named task's
   function, and records the outcome. Any error except a permanent one (`PERMANENT`) is tried again
   with growing waits; after `max_attempts` the row is failed, the task's `gave_up` hook (if any)
   records it where people look, and DfE sees it on the deadlines page.
3. `sweep` (beat, every minute) hands over again every row not handed over, due for another try, or
   whose lease ran out (its worker died), and removes evidence files no record owns.

Delivery is at least once: a worker killed after the mail server accepted a message, before the row
was marked done, sends it again once the lease runs out (docs/architecture.md, "Side effects")."""

from __future__ import annotations

import datetime
import logging
import random
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import DatabaseError, close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone

from intervention.models import Intervention, OutboxItem, OutboxState

logger = logging.getLogger(__name__)

# Errors that waiting will not mend: a message Django refuses to build, arguments that do not fit.
# Everything else (the mail server, the database, the network, a timeout) is tried again.
PERMANENT: tuple[type[BaseException], ...] = (TypeError, ValueError, LookupError, ValidationError, ObjectDoesNotExist)

# Which queue each task's work goes to: emails and reports have workers of their own, so a hanging
# mail server never holds up a report, nor a long report an email.
QUEUES = {
    "reviews.generate_report_version": "reports",
    "reviews.send_notification": "emails",
    "intervention.send_notice": "emails",
    "directions.email_council_about_instruction": "emails",
    "intervention.email_unlock_link": "emails",
}
# A sweep hands a row over again if it was handed over this long ago and has still not run.
REDISPATCH_AFTER = datetime.timedelta(minutes=5)
SWEEP_BATCH = 500

# Called with the row when a task's attempts are spent, to record the failure where people look.
_gave_up: dict[str, Callable[[OutboxItem], None]] = {}


def on_give_up(task_name: str) -> Callable[[Callable[[OutboxItem], None]], Callable[[OutboxItem], None]]:
    """Register what to do when a task's attempts are spent (in the task's module)."""

    def register(function: Callable[[OutboxItem], None]) -> Callable[[OutboxItem], None]:
        _gave_up[task_name] = function
        return function

    return register


def queue_for(task_name: str) -> str:
    if task_name in QUEUES:
        return QUEUES[task_name]
    return "emails" if "email" in task_name else "celery"


def lease_for(queue: str) -> datetime.timedelta:
    """How long a claimed row is left to its worker before the sweep decides the worker died.
    An email: connecting, greeting, sending and quitting, each bounded by EMAIL_TIMEOUT, and a margin.
    A report: the hard time limit, after which the worker's child is killed, and a margin."""
    if queue == "emails":
        return datetime.timedelta(seconds=4 * settings.EMAIL_TIMEOUT + 30)
    if queue == "reports":
        return datetime.timedelta(seconds=settings.REPORT_TIME_LIMIT_SECONDS + 60)
    return datetime.timedelta(minutes=10)


def time_limits_for(queue: str) -> dict[str, Any]:
    """The worker stops the work after these (a soft limit raises in it; the hard one kills the child),
    inside the lease, so the sweep never hands over work that is still running."""
    if queue == "reports":
        return {
            "soft_time_limit": settings.REPORT_SOFT_TIME_LIMIT_SECONDS,
            "time_limit": settings.REPORT_TIME_LIMIT_SECONDS,
        }
    if queue == "emails":
        return {"soft_time_limit": 4 * settings.EMAIL_TIMEOUT + 10, "time_limit": 4 * settings.EMAIL_TIMEOUT + 20}
    return {}


def backoff(attempts: int) -> datetime.timedelta:
    """Growing waits with jitter: up to 30 s, 1, 2, 4, 8 minutes, then 10 (about 40 minutes for 8 tries)."""
    ceiling = min(600, 30 * 2 ** max(attempts - 1, 0))
    return datetime.timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311 (jitter, not a secret)


def promise(
    task_name: str,
    *,
    key: str | None = None,
    queue: str | None = None,
    intervention: Intervention | None = None,
    about: str = "",
    max_attempts: int | None = None,
    **kwargs: Any,
) -> OutboxItem:
    """Promise the task, in the surrounding transaction, and hand it to the worker after commit.
    The same key promised twice is kept once (the first row is returned). `kwargs` must be JSON."""
    item, created = OutboxItem.objects.get_or_create(
        key=key or f"{task_name}:{uuid.uuid4()}",
        defaults={
            "task_name": task_name,
            "kwargs": kwargs,
            "queue": queue or queue_for(task_name),
            "intervention": intervention,
            "about": about[:300],
            "max_attempts": max_attempts or settings.OUTBOX_MAX_ATTEMPTS,
        },
    )
    item.dispatched = None  # type: ignore[attr-defined]  # True or False once the transaction commits
    if created:
        transaction.on_commit(lambda: dispatch(item))
    return item


def enqueue_after_commit(task_name: str, **kwargs: Any) -> OutboxItem:
    """Send the task once the surrounding transaction commits (at once outside one), so a worker
    never looks for a row that is not there yet, or that a rollback took away. A promise with no key."""
    return promise(task_name, **kwargs)


def dispatch(item: OutboxItem) -> bool:
    """Hand the row to the broker. A broker error is logged and the row left for the sweep: the
    person's action is saved either way, and must not be reported as lost."""
    from intervention.celery import app

    try:
        app.send_task(
            "intervention.run_outbox_item",
            kwargs={"item_id": item.pk},
            queue=item.queue,
            **time_limits_for(item.queue),
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5},
        )
    except Exception as error:  # noqa: BLE001 (the broker is down or refusing: the sweep will hand it over)
        logger.warning("Outbox item %s (%s) not handed to the worker: %s", item.pk, item.task_name, error)
        item.dispatched = False  # type: ignore[attr-defined]
        return False
    handed_at = timezone.now()
    OutboxItem.objects.filter(pk=item.pk).update(dispatched_at=handed_at)
    item.dispatched_at = handed_at
    item.dispatched = True  # type: ignore[attr-defined]
    return True


def _claim(item_id: int) -> OutboxItem | None:
    now = timezone.now()
    with transaction.atomic():
        item = OutboxItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None or item.is_finished or item.next_attempt_at > now:
            return None
        if item.state == OutboxState.RUNNING and item.lease_until and item.lease_until > now:
            return None  # another worker has it
        item.state = OutboxState.RUNNING
        item.attempts += 1
        item.lease_until = now + lease_for(item.queue)
        item.save(update_fields=["state", "attempts", "lease_until"])
        return item


def run(item_id: int) -> str:
    """Run one promised task, once, and record the outcome. Returns the row's state afterwards."""
    from intervention.celery import app

    item = _claim(item_id)
    if item is None:
        return OutboxItem.objects.filter(pk=item_id).values_list("state", flat=True).first() or "gone"
    if item.task_name not in app.tasks:
        app.loader.import_default_modules()  # each app's tasks.py, as a worker imports them as it starts
    try:
        app.tasks[item.task_name].run(**item.kwargs)
    except Exception as error:  # noqa: BLE001 (any failure is recorded, and tried again unless permanent)
        if isinstance(error, DatabaseError):
            close_old_connections()  # the connection may be the thing that broke
        return _failed_attempt(item, error)
    OutboxItem.objects.filter(pk=item.pk, state=OutboxState.RUNNING).update(
        state=OutboxState.DONE, finished_at=timezone.now(), lease_until=None
    )
    return OutboxState.DONE


def _described(error: BaseException) -> str:
    return (str(error).strip() or type(error).__name__)[:1000]


def _failed_attempt(item: OutboxItem, error: Exception) -> str:
    described = _described(error)
    permanent = isinstance(error, PERMANENT)
    if permanent or item.attempts >= item.max_attempts:
        item.state = OutboxState.FAILED
        item.last_error = described
        item.finished_at = timezone.now()
        item.lease_until = None
        item.save(update_fields=["state", "last_error", "finished_at", "lease_until"])
        tries = "1 try" if item.attempts == 1 else f"{item.attempts} tries"
        logger.error("Outbox item %s (%s) failed after %s: %s", item.pk, item.task_name, tries, described)
        if item.task_name not in _gave_up:
            from intervention.celery import app

            app.loader.import_default_modules()  # the tasks' modules register their hooks
        hook = _gave_up.get(item.task_name)
        if hook is not None:
            hook(item)
        return OutboxState.FAILED
    wait = backoff(item.attempts)
    item.state = OutboxState.PENDING
    item.last_error = described
    item.next_attempt_at = timezone.now() + wait
    item.lease_until = None
    item.save(update_fields=["state", "last_error", "next_attempt_at", "lease_until"])
    logger.warning(
        "Outbox item %s (%s) attempt %d failed, trying again in %ds: %s",
        item.pk,
        item.task_name,
        item.attempts,
        wait.total_seconds(),
        described,
    )
    # No message with a countdown: the sweep hands it over once the wait is up (a minute's grain),
    # so a waiting retry lives in the database, not in a broker that may lose it.
    item.dispatched_at = None
    OutboxItem.objects.filter(pk=item.pk).update(dispatched_at=None)
    return OutboxState.PENDING


def due_items(now: datetime.datetime | None = None) -> list[OutboxItem]:
    """Rows the worker should have and may not: never handed over (the broker was down), handed over
    long ago and not run, or claimed by a worker whose lease ran out."""
    now = now or timezone.now()
    stale = now - REDISPATCH_AFTER
    waiting = OutboxItem.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=now).filter(
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=stale)
    )
    abandoned = OutboxItem.objects.filter(state=OutboxState.RUNNING, lease_until__lt=now)
    return list(waiting.order_by("created_at")[:SWEEP_BATCH]) + list(abandoned.order_by("created_at")[:SWEEP_BATCH])


def sweep(now: datetime.datetime | None = None) -> dict[str, int]:
    """Hand over again everything due (see `due_items`). A row whose worker died with its last
    attempt is failed here, as a failed attempt would have been."""
    handed = waiting = failed = 0
    for item in due_items(now):
        if item.state == OutboxState.RUNNING and item.attempts >= item.max_attempts:
            item.lease_until = None
            _failed_attempt(item, TimeoutError("The worker stopped before it finished"))
            failed += 1
            continue
        if item.state == OutboxState.RUNNING:  # its worker died: the attempt is counted, the row waits again
            OutboxItem.objects.filter(pk=item.pk).update(state=OutboxState.PENDING, lease_until=None)
        if dispatch(item):
            handed += 1
        else:
            waiting += 1
    if handed or waiting or failed:
        logger.info("Outbox sweep: %d handed to the worker, %d still waiting, %d failed", handed, waiting, failed)
    return {"handed": handed, "waiting": waiting, "failed": failed}


def failed_items(*, intervention: Intervention | None = None) -> Any:
    """Promises given up on, newest first: for DfE, on the deadlines pages."""
    items = OutboxItem.objects.filter(state=OutboxState.FAILED)
    if intervention is not None:
        items = items.filter(intervention=intervention)
    return items.order_by("-finished_at")


def stable_message_id(name: str) -> str:
    """A Message-ID that is the same for every attempt to send one message, so that mail clients
    fold the duplicate an at-least-once resend can make. `name` is unique to the message."""
    from email.utils import parseaddr

    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{name}@{domain}>"


def tell_if_waiting(request: Any, item: OutboxItem, words: str) -> None:
    """Tell the person, on their next page, that the promise is kept but waits for the queue, once
    the transaction has committed and its handing-over was tried (at once outside a transaction)."""
    from django.contrib import messages

    def tell() -> None:
        if getattr(item, "dispatched", None) is False:
            messages.warning(request, words)

    transaction.on_commit(tell)
