"""Celery tasks: thin wrappers that take primitive arguments and call a service."""

from celery import shared_task

from intervention import accounts, lockout, notices, queue, services


@shared_task(name="intervention.record_heartbeat")
def record_heartbeat(*, name: str) -> None:
    services.record_heartbeat(name=name)


@shared_task(name="intervention.email_unlock_link")
def email_unlock_link(*, email: str) -> None:
    # Promised through the outbox (intervention.queue), which retries a failed send with back-off.
    # In the worker, not the request: the page answers in the same time whether or not an email goes.
    lockout.email_unlock_link(email=email)


@shared_task(name="intervention.send_notice")  # retried by the outbox (intervention.queue), not here
def send_notice(*, notice_id: int) -> bool:
    """Email one notice of a hand-over (intervention.notices): sent once, its outcome kept on the row."""
    return notices.send_notice(notice_id=notice_id)


@shared_task(name="intervention.email_invitation")  # retried by the outbox (intervention.queue), not here
def email_invitation(*, invitation_id: int, link: str) -> None:
    accounts.email_invitation(invitation_id=invitation_id, link=link)


@shared_task(name="intervention.email_password_reset")  # retried by the outbox (intervention.queue), not here
def email_password_reset(*, email: str) -> None:
    # In the worker, not the request: the page answers in the same time whether or not the account exists.
    accounts.email_password_reset(email=email)


@shared_task(name="intervention.run_outbox_item", acks_late=True)
def run_outbox_item(*, item_id: int) -> str:
    """Run one promised side effect (intervention.queue): claimed, run, its outcome recorded."""
    return queue.run(item_id)


@shared_task(name="intervention.sweep_outbox")
def sweep_outbox() -> dict[str, int]:
    """Hand the worker every promise it should have and may not."""
    return queue.sweep()
