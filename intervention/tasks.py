"""Celery tasks: thin wrappers that take primitive arguments and call a service."""

from celery import shared_task

from intervention import services


@shared_task(name="intervention.record_heartbeat")
def record_heartbeat(*, name: str) -> None:
    services.record_heartbeat(name=name)
