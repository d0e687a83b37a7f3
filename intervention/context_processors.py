from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse_lazy

from intervention import interrupted_forms
from intervention.permissions import access_for

# The service navigation item a page belongs to, by the start of its path: the section's own page.
NAV_SECTIONS = (
    (reverse_lazy("intervention_list"), "interventions"),
    (reverse_lazy("deadlines_overview"), "deadlines"),
    (reverse_lazy("report_list"), "reports"),
    (reverse_lazy("your_work"), "work"),
    (reverse_lazy("dashboard"), "dashboard"),
    (reverse_lazy("invitation_list"), "invitations"),
    (reverse_lazy("account"), "account"),
)


def service(request: HttpRequest) -> dict[str, object]:
    access = access_for(getattr(request, "user", None))
    return {
        "service_name": settings.SERVICE_NAME,
        "nav_section": next((name for prefix, name in NAV_SECTIONS if request.path.startswith(str(prefix))), None),
        "access": access,
        "shows_admin_link": access.may_use_admin,
        "restored_form": interrupted_forms.take_back(request),
        # The page warns this long before the idle timeout signs the person out (WCAG 2.2.1).
        "idle_timeout_seconds": int(settings.SESSION_IDLE_TIMEOUT.total_seconds()),
        "timeout_warning_seconds": settings.SESSION_TIMEOUT_WARNING_SECONDS,
        "timeout_warning_words": _duration_words(settings.SESSION_TIMEOUT_WARNING_SECONDS),
    }


def _duration_words(seconds: int) -> str:
    if seconds % 60:
        return f"{seconds} seconds"
    minutes = seconds // 60
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
