"""Work handed to the Celery worker. Services enqueue by task name, so that a service never imports
the task module that imports it (tasks call services; services only name tasks)."""

from __future__ import annotations

from typing import Any

from django.db import transaction


def enqueue_after_commit(task_name: str, **kwargs: Any) -> None:
    """Send the task once the surrounding transaction commits (at once outside one), so a worker
    never looks for a row that is not there yet, or that a rollback took away."""
    from intervention.celery import app

    transaction.on_commit(lambda: app.send_task(task_name, kwargs=kwargs))
