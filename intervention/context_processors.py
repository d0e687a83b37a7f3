from django.conf import settings
from django.http import HttpRequest

from intervention.permissions import access_for

# The service navigation item a page belongs to, by the start of its path.
NAV_SECTIONS = (("/interventions/", "interventions"), ("/deadlines/", "deadlines"), ("/reports/", "reports"))


def service(request: HttpRequest) -> dict[str, object]:
    access = access_for(getattr(request, "user", None))
    return {
        "service_name": settings.SERVICE_NAME,
        "nav_section": next((name for prefix, name in NAV_SECTIONS if request.path.startswith(prefix)), None),
        "access": access,
        "shows_admin_link": access.may_use_admin,
    }
