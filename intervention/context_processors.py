from django.conf import settings
from django.http import HttpRequest

from intervention.permissions import access_for


def service(request: HttpRequest) -> dict[str, object]:
    access = access_for(getattr(request, "user", None))
    return {
        "service_name": settings.SERVICE_NAME,
        "access": access,
        "shows_admin_link": getattr(request, "user", None) is not None
        and request.user.is_authenticated
        and request.user.is_staff,
    }
