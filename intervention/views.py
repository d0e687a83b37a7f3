"""Pages of the case. Thin: visibility comes from the querysets' visible_to(user), which ask
intervention.permissions; anything outside what a user may see is a 404, so a URL reveals nothing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from intervention import services
from intervention.models import Appointment, Intervention
from intervention.permissions import access_for, capabilities_on

INTERVENTIONS_PER_PAGE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Council officers land on their own case; everyone else on the list of the cases they work on."""
    access = access_for(request.user)
    if access.is_council_member and not access.sees_everything:
        own_cases = list(Intervention.objects.visible_to(request.user).open().values_list("pk", flat=True)[:2])
        if len(own_cases) == 1:
            return redirect("intervention_detail", pk=own_cases[0])
    return redirect("intervention_list")


@login_required
def intervention_list(request: HttpRequest) -> HttpResponse:
    interventions = Intervention.objects.visible_to(request.user).for_list()
    page = Paginator(interventions, INTERVENTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "intervention/intervention_list.html", {"page": page})


def case_record_context(request: HttpRequest, intervention: Intervention) -> dict[str, object]:
    """The case record every case page shows: who is appointed now, the authority's inspections.
    The case page itself is drawn by the reviews app, which adds the work of the case."""
    appointments = (
        Appointment.objects.filter(intervention=intervention)
        .active_on(timezone.localdate())
        .select_related("person")
        .order_by("role")
    )
    inspections = (
        intervention.local_authority.inspections.visible_to(request.user)
        .prefetch_related("judgements", "findings")
        .order_by("-fieldwork_starts_on")
    )
    return {
        "intervention": intervention,
        "appointments": appointments,
        "inspections": inspections,
        "capabilities": capabilities_on(request.user, intervention),
    }


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Readiness of the whole service, for the load balancer and monitoring: 503 unless the database
    answers and a worker consumed beat's heartbeat task within HEALTH_HEARTBEAT_MAX_AGE (beat sends one
    a minute, so a stale one means beat or every worker stopped). Reveals no case data."""
    report = services.service_health()
    return JsonResponse(report.as_json(), status=200 if report.ok else 503)


@require_GET
def liveness(request: HttpRequest) -> HttpResponse:
    """Is this web process answering? No database, no broker: a container orchestrator restarts the
    process when this fails, and restarting a web process cannot mend a database or a worker."""
    return HttpResponse("ok", content_type="text/plain")
