"""The baseline every page is compared with: the GOV.UK page template for a signed-in person, with
no queries beyond the session and the user. A page's p95 over the baseline's is a ratio that holds
from a quiet machine to a busy one."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import Context
from django.template.backends.django import Template
from django.template.loader import get_template


@login_required
def baseline(request: HttpRequest) -> HttpResponse:
    # A plain context, not the request's context processors: the service's processor looks up the
    # person's access (two queries), which is the pages' work, not the page template's.
    context = Context(
        {
            "request": request,
            "user": request.user,
            "csrf_token": get_token(request),
            "messages": get_messages(request),
            "service_name": settings.SERVICE_NAME,
            "shows_admin_link": request.user.is_staff,
        },
        autoescape=True,
    )
    page = get_template("base.html")
    assert isinstance(page, Template)  # the Django engine's, whose own template renders a plain Context
    return HttpResponse(page.template.render(context))
