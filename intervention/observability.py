"""Logs and errors that reach someone (docs/operations.md).

Logs are structured (structlog, through django-structlog): one JSON object a line in production, each
with the request's id, the signed-in user's id and, on a case's pages, the case's id; django-structlog
carries them into the Celery tasks a request enqueues, so a report's rendering or an email's sending is
logged with the request that asked for it. Errors go to Sentry when SENTRY_DSN is set, with personal
data kept out: no user details, cookies, addresses or form bodies, and the case's words scrubbed."""

from __future__ import annotations

from typing import Any

import structlog

# Before a record is rendered: the request's context (request_id, user_id, case_id), level, logger, time.
SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def logging_config(*, level: str, json: bool) -> dict[str, Any]:
    """Django's LOGGING: every logger, ours and the libraries', through one structlog formatter."""
    renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    renderer,
                ],
                "foreign_pre_chain": [*SHARED_PROCESSORS, structlog.stdlib.ExtraAdder()],
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "axes": {"level": "WARNING"},
            # WeasyPrint narrates every rendering step at INFO: only its warnings (a refused fetch) belong here.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }


def configure_structlog() -> None:
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


# What Sentry must never receive, on top of its own list (passwords, tokens, cookies, sessions): people's
# details, and the case's words, which may name children.
PERSONAL_KEYS = [
    "email",
    "username",
    "name",
    "narrative",
    "body",
    "body_html",
    "text",
    "summary",
    "reason",
    "original_name",
    "phone",
]


def scrub_event(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Sentry's before_send: no form bodies, query strings, cookies or user details leave the service."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items() if k.lower() in {"content-type", "user-agent"}}
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    return event


def init_sentry(*, dsn: str, environment: str, release: str | None = None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,  # a frame's locals could hold a case's words
        max_request_body_size="never",
        event_scrubber=EventScrubber(denylist=DEFAULT_DENYLIST + PERSONAL_KEYS, recursive=True),
        before_send=scrub_event,  # type: ignore[arg-type]
        traces_sample_rate=0.0,
    )
