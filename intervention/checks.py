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

NO_SITE_URL = Warning(
    "SITE_URL is not an https:// address",
    hint="Emails and calendar events link to the service at SITE_URL: set it to the address people use, "
    "such as https://casework.example.gov.uk.",
    id="intervention.W002",
)


@register(Tags.security, deploy=True)
def contact_address_is_set(app_configs: Any, **kwargs: Any) -> list[Warning]:
    return [] if settings.SERVICE_CONTACT_EMAIL else [NO_CONTACT]


@register(Tags.security, deploy=True)
def site_address_is_set(app_configs: Any, **kwargs: Any) -> list[Warning]:
    return [] if settings.SITE_URL.startswith("https://") else [NO_SITE_URL]
