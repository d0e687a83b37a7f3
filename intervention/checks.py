"""Deployment checks of this service's own settings, run by `manage.py check --deploy`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

NO_CONTACT = Warning(
    "SERVICE_CONTACT_EMAIL is not set",
    hint="The help, feedback, accessibility and privacy pages give people this address: set it.",
    id="intervention.W001",
)


@register(Tags.security, deploy=True)
def contact_address_is_set(app_configs: Any, **kwargs: Any) -> list[Warning]:
    return [] if settings.SERVICE_CONTACT_EMAIL else [NO_CONTACT]
