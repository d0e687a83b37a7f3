"""Running promised side effects (intervention.queue) in a test as the worker and the sweep would,
without the waits between tries."""

from django.utils import timezone

from intervention import queue
from intervention.models import OutboxItem, OutboxState


def run_promises(*, task_name: str | None = None, rounds: int = 20) -> list[OutboxItem]:
    """Run every unfinished promise (of `task_name`, if given) until each is done or failed, each try
    as soon as the last one failed. Returns the promises, oldest first."""
    items = OutboxItem.objects.all() if task_name is None else OutboxItem.objects.filter(task_name=task_name)
    for _ in range(rounds):
        unfinished = items.filter(state__in=[OutboxState.PENDING, OutboxState.RUNNING])
        ids = list(unfinished.values_list("pk", flat=True))
        if not ids:
            break
        unfinished.update(state=OutboxState.PENDING, next_attempt_at=timezone.now(), lease_until=None)
        for item_id in ids:
            queue.run(item_id)
    return list(items.order_by("created_at", "pk"))
