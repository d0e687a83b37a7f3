"""Pages of the case. Thin: visibility comes from the querysets' visible_to(user), which ask
intervention.permissions; anything outside what a user may see is a 404, so a URL reveals nothing."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from intervention import services
from intervention.forms import CaseNoteForm
from intervention.models import Appointment, CaseNote, Intervention
from intervention.permissions import access_for, capabilities_on, reads_case_notes, writes_case_notes

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


def case_record_context(
    request: HttpRequest, intervention: Intervention, *, appointments: Iterable[Appointment] | None = None
) -> dict[str, object]:
    """The case record every case page shows: who is appointed now (unless the caller has read them, as
    these would be read), the authority's inspections. The case page itself is drawn by the reviews app,
    which adds the work of the case."""
    if appointments is None:
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
        "reads_case_notes": reads_case_notes(request.user, intervention),
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


# --- DfE's restricted case notes (issue 16) ---------------------------------------------------------

NOTES_PER_PAGE = 25


def _case_for_notes(request: HttpRequest, pk: int, *, writing: bool = False) -> Intervention:
    """The case, if the person may read (or write) its notes; a 404 otherwise, worded as for a case
    that does not exist, so the council cannot tell that notes exist."""
    case = get_object_or_404(Intervention.objects.visible_to(request.user).select_related("local_authority"), pk=pk)
    if not (writes_case_notes if writing else reads_case_notes)(request.user, case):
        raise Http404
    return case


@login_required
@require_GET
def case_notes(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_notes(request, pk)
    notes = CaseNote.objects.visible_to(request.user).filter(intervention=case).select_related("written_by")
    page = Paginator(notes, NOTES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "intervention/case_notes.html",
        {"intervention": case, "page": page, "writes": writes_case_notes(request.user, case)},
    )


def _note_form_page(request: HttpRequest, case: Intervention, form: CaseNoteForm, **extra: object) -> HttpResponse:
    return render(
        request,
        "intervention/case_note_form.html",
        {"intervention": case, "form": form, "back_url": reverse("case_notes", args=[case.pk]), **extra},
    )


def _show_errors(form: CaseNoteForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def case_note_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_notes(request, pk, writing=True)
    form = CaseNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.write_case_note(
                intervention=case,
                kind=data["kind"],
                title=data["title"],
                text=data["text"],
                shared_with_commissioner=data["shared_with_commissioner"],
                by=request.user,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Note saved")
            return redirect("case_notes", pk=case.pk)
    return _note_form_page(request, case, form, heading="Write a case note")


@login_required
@require_http_methods(["GET", "POST"])
def case_note_edit(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    case = _case_for_notes(request, pk, writing=True)
    note = get_object_or_404(CaseNote.objects.visible_to(request.user).filter(intervention=case), pk=note_pk)
    initial = {
        "version": note.version,
        "kind": note.kind,
        "title": note.title,
        "text": note.text,
        "shared_with_commissioner": note.shared_with_commissioner,
    }
    form = CaseNoteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_case_note(
                note=note,
                version=data["version"] or 0,
                kind=data["kind"],
                title=data["title"],
                text=data["text"],
                shared_with_commissioner=data["shared_with_commissioner"],
                by=request.user,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            if getattr(error, "code", None) == "stale":
                # What the other person saved, with the version it is at: saving again is a deliberate
                # change over what this person has now seen.
                note.refresh_from_db()
                post = request.POST.copy()
                post["version"] = str(note.version)
                form = CaseNoteForm(post)
                form.is_valid()
                form.add_error(None, services.NOTE_STALE)
            else:
                _show_errors(form, error)
        else:
            messages.success(request, "Note saved")
            return redirect("case_notes", pk=case.pk)
    history = note.history.select_related("history_user").order_by("-history_date", "-history_id")
    return _note_form_page(request, case, form, heading="Change a case note", note=note, history=history)
