from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse_lazy

from intervention.permissions import access_for

# The service navigation item a page belongs to, by the start of its path: the section's own page.
NAV_SECTIONS = (
    (reverse_lazy("intervention_list"), "interventions"),
    (reverse_lazy("deadlines_overview"), "deadlines"),
    (reverse_lazy("report_list"), "reports"),
)


def service(request: HttpRequest) -> dict[str, object]:
    access = access_for(getattr(request, "user", None))
    return {
        "service_name": settings.SERVICE_NAME,
        "nav_section": next((name for prefix, name in NAV_SECTIONS if request.path.startswith(str(prefix))), None),
        "access": access,
        "shows_admin_link": access.may_use_admin,
    }
