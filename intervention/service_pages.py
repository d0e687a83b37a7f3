"""The pages every GOV.UK service has: help and contact, accessibility statement, privacy notice and
cookies. Public, so a person who cannot sign in can still read them and find help."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

# When the accessibility statement was prepared and last reviewed, and how the service was tested:
# change these when it is reviewed again.
STATEMENT_PREPARED_ON = "2 December 2026"
STATEMENT_REVIEWED_ON = "2 December 2026"


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    expires: str


def _hours(seconds: float) -> str:
    hours = round(seconds / 3600)
    return "1 hour" if hours == 1 else f"{hours} hours"


def _duration(seconds: int) -> str:
    days = round(seconds / 86400)
    if days >= 364:
        years = round(days / 365)
        return "1 year" if years == 1 else f"{years} years"
    return "1 day" if days == 1 else f"{days} days"


def essential_cookies() -> list[Cookie]:
    """Every cookie the service sets, read from the settings that name and time them, so the page
    cannot drift from what the service does. All are strictly necessary: none needs consent."""
    idle = int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60)
    absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
    return [
        Cookie(
            settings.SESSION_COOKIE_NAME,
            "Keeps you signed in as you move from page to page",
            f"When you close your browser, after {idle} minutes without using the service, "
            f"and at most {_hours(absolute)} after you sign in",
        ),
        Cookie(
            settings.CSRF_COOKIE_NAME,
            "Stops other websites sending forms to this service as if they were you",
            _duration(settings.CSRF_COOKIE_AGE) if settings.CSRF_COOKIE_AGE else "When you close your browser",
        ),
        Cookie(
            CookieStorage.cookie_name,
            "Carries a short message to the next page, such as a confirmation that something was saved",
            "When you close your browser, or when the message has been shown",
        ),
    ]


def _contact() -> dict[str, str]:
    return {
        "owner": settings.SERVICE_OWNER,
        "contact_email": settings.SERVICE_CONTACT_EMAIL,
        "contact_hours": settings.SERVICE_CONTACT_HOURS,
        "feedback_url": settings.FEEDBACK_URL,
        "data_protection_email": settings.DATA_PROTECTION_EMAIL or settings.SERVICE_CONTACT_EMAIL,
    }


@require_safe
def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "intervention/pages/help.html", _contact())


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    context = {**_contact(), "prepared_on": STATEMENT_PREPARED_ON, "reviewed_on": STATEMENT_REVIEWED_ON}
    return render(request, "intervention/pages/accessibility.html", context)


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "intervention/pages/privacy.html", _contact())


@require_safe
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "intervention/pages/cookies.html", {**_contact(), "cookies": essential_cookies()})
