"""Pages for setting up a case's work: the council writes its improvement plan and indicators, the
commissioner or adviser agrees the plan and decides moved due dates that wait for them. Thin: the
services in reviews.services.planning decide; every lookup goes through the case the person may see,
so another council's ids are a 404, and a page the person may see but not change is a 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from directions.enums import Part
from directions.models import Clause, ServicePriority
from intervention.models import Intervention
from intervention.permissions import Capability, capabilities_on
from intervention.shortcuts import get_by_id_or_404
from reviews.enums import MoveStatus, PlanStatus
from reviews.forms import planning as forms
from reviews.models import DueDateMove, ImprovementPlan, Indicator, PlanAction, PlanAgreement, PlanObjective
from reviews.services import planning
from reviews.timeline import timeline
from reviews.views.common import get_case

FORM_TEMPLATE = "reviews/planning/form.html"


def _require(request: HttpRequest, case: Intervention, capability: Capability) -> None:
    if capability not in capabilities_on(request.user, case):
        raise PermissionDenied


def _require_indicator_rights(request: HttpRequest, case: Intervention) -> None:
    if not planning.may_set_up_indicators(request.user, case):
        raise PermissionDenied


def _show_errors(form: Any, error: ValidationError) -> None:
    """A service's refusal on the form: each message on its field, or for the whole form."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


def _rebase(form_class: Any, request: HttpRequest, current_version: int, **kwargs: Any) -> Any:
    """The form again after someone else's save: what this person typed, at the current version, with
    the refusal shown, so saving again is a deliberate change over what the page now shows."""
    data = request.POST.copy()
    data["version"] = str(current_version)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, planning.STALE)
    return form


def _plan(case: Intervention, plan_pk: int) -> ImprovementPlan:
    return get_object_or_404(ImprovementPlan.objects.filter(intervention=case), pk=plan_pk)


def _priorities(case: Intervention) -> list[ServicePriority]:
    return list(
        ServicePriority.objects.filter(instrument__intervention=case, instrument__status="issued").select_related(
            "instrument"
        )
    )


def _terms_items(case: Intervention) -> list[Clause]:
    """Terms-of-reference items of the instruments in force (a revoked one's are left out)."""
    today = timezone.localdate()
    return list(
        Clause.objects.filter(
            instrument__intervention=case,
            instrument__status="issued",
            part=Part.TERMS_OF_REFERENCE,
        )
        .exclude(instrument__revoked_on__lte=today)
        .select_related("instrument", "parent__parent")
    )


def _form_page(request: HttpRequest, case: Intervention, form: Any, heading: str, back: str, **extra: Any):
    return render(
        request, FORM_TEMPLATE, {"intervention": case, "form": form, "heading": heading, "back": back, **extra}
    )


# --- The plan -------------------------------------------------------------------------------------


@login_required
def plan_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request, pk)
    _require(request, case, Capability.LOG_PROGRESS)
    form = forms.PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = planning.create_plan(intervention=case, title=form.cleaned_data["title"], by=request.user)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Plan started. Add its objectives and actions.")
            return redirect("plan_detail", pk=case.pk, plan_pk=plan.pk)
    return _form_page(request, case, form, "Write an improvement plan", reverse("plan", args=[case.pk]))


@login_required
def plan_edit(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    case = get_case(request, pk)
    plan = _plan(case, plan_pk)
    _require(request, case, Capability.LOG_PROGRESS)
    form = forms.PlanForm(request.POST or None, initial={"version": plan.version, "title": plan.title})
    if request.method == "POST" and form.is_valid():
        try:
            planning.update_plan(
                plan=plan, version=form.cleaned_data["version"] or 0, title=form.cleaned_data["title"], by=request.user
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "stale":
                plan.refresh_from_db()
                form = _rebase(forms.PlanForm, request, plan.version)
            else:
                _show_errors(form, error)
        else:
            messages.success(request, "Plan renamed")
            return redirect("plan_detail", pk=case.pk, plan_pk=plan.pk)
    back = reverse("plan_detail", args=[case.pk, plan.pk])
    return _form_page(request, case, form, "Rename the plan", back, current=plan.title)


@login_required
def plan_detail(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    """The plan as written: its state of agreement, what changed since it was agreed, each objective
    with what it answers, and each action with its original and current due dates and every move."""
    case = get_case(request, pk)
    plan = get_object_or_404(
        ImprovementPlan.objects.filter(intervention=case).prefetch_related(
            Prefetch(
                "objectives",
                queryset=PlanObjective.objects.prefetch_related(
                    "service_priorities",
                    "terms_items__instrument",
                    "terms_items__parent__parent",
                    Prefetch(
                        "actions",
                        queryset=PlanAction.objects.prefetch_related(
                            Prefetch(
                                "due_date_moves",
                                queryset=DueDateMove.objects.select_related("requested_by", "decided_by"),
                            )
                        ),
                    ),
                ),
            ),
            Prefetch("agreements", queryset=PlanAgreement.objects.select_related("agreed_by")),
        ),
        pk=plan_pk,
    )
    capabilities = capabilities_on(request.user, case)
    return render(
        request,
        "reviews/planning/plan_detail.html",
        {
            "intervention": case,
            "plan": plan,
            "since": planning.changes_since_agreed(plan),
            "today": timezone.localdate(),
            "may_write": Capability.LOG_PROGRESS in capabilities,
            "may_agree": Capability.ISSUE_INSTRUCTIONS in capabilities,
            "may_submit": Capability.LOG_PROGRESS in capabilities and plan.status != PlanStatus.SUBMITTED,
            "history": timeline(plan),
        },
    )


@login_required
def plan_submit(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    case = get_case(request, pk)
    plan = _plan(case, plan_pk)
    _require(request, case, Capability.LOG_PROGRESS)
    form = forms.SubmitPlanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            planning.submit_plan(plan=plan, by=request.user)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Plan submitted. The commissioner has been asked to agree it.")
            return redirect("plan_detail", pk=case.pk, plan_pk=plan.pk)
    back = reverse("plan_detail", args=[case.pk, plan.pk])
    return _form_page(
        request,
        case,
        form,
        "Submit the plan for agreement",
        back,
        lede="The commissioner or adviser on the case will be asked to agree the plan as it stands. "
        "You can keep working on it; anything changed after they agree shows as changed since agreement.",
    )


@login_required
def plan_agree(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    case = get_case(request, pk)
    plan = _plan(case, plan_pk)
    _require(request, case, Capability.ISSUE_INSTRUCTIONS)
    snapshot = planning.plan_snapshot(plan)
    initial = {
        "fingerprint": planning.snapshot_fingerprint(snapshot),
        "date_moves_need_agreement": plan.date_moves_need_agreement,
    }
    form = forms.AgreePlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement = planning.agree_plan(
                plan=plan,
                fingerprint=data["fingerprint"],
                by=request.user,
                note=data["note"],
                date_moves_need_agreement=data["date_moves_need_agreement"],
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "stale":
                resent = request.POST.copy()
                resent["fingerprint"] = str(initial["fingerprint"])
                form = forms.AgreePlanForm(resent)
                form.is_valid()
                form.add_error(None, planning.STALE)
            else:
                _show_errors(form, error)
        else:
            messages.success(request, f"Plan agreed: version {agreement.number}")
            return redirect("plan_detail", pk=case.pk, plan_pk=plan.pk)
    return render(
        request,
        "reviews/planning/plan_agree.html",
        {
            "intervention": case,
            "plan": plan,
            "snapshot": snapshot,
            "since": planning.changes_since_agreed(plan),
            "form": form,
            "back": reverse("plan_detail", args=[case.pk, plan.pk]),
        },
    )


@login_required
def plan_send_back(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    """The commissioner or adviser does not agree the plan as submitted: back to the council, with why."""
    case = get_case(request, pk)
    plan = _plan(case, plan_pk)
    _require(request, case, Capability.ISSUE_INSTRUCTIONS)
    form = forms.SendBackPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            planning.send_back_plan(plan=plan, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Plan sent back. The council has been told what to change.")
            return redirect("plan_detail", pk=case.pk, plan_pk=plan.pk)
    return _form_page(
        request,
        case,
        form,
        f"Send the plan back: {plan.title}",
        reverse("plan_agree", args=[case.pk, plan.pk]),
        lede="The plan goes back to the council to change and submit again. Nothing is agreed.",
    )


# --- Objectives and actions ---------------------------------------------------------------------------


@login_required
def objective_new(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    case = get_case(request, pk)
    plan = _plan(case, plan_pk)
    _require(request, case, Capability.LOG_PROGRESS)
    links = {"priorities": _priorities(case), "terms_items": _terms_items(case)}
    form = forms.ObjectiveForm(request.POST or None, initial={"label": str(plan.objectives.count() + 1)}, **links)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            objective = planning.add_objective(
                plan=plan,
                label=data["label"],
                title=data["title"],
                service_priorities=data["service_priorities"],
                terms_items=data["terms_items"],
                by=request.user,
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, f"Objective {objective.label} added. Now add its actions.")
            return redirect("plan_detail", pk=case.pk, plan_pk=plan.pk)
    return _form_page(request, case, form, "Add an objective", reverse("plan_detail", args=[case.pk, plan.pk]))


@login_required
def objective_edit(request: HttpRequest, pk: int, plan_pk: int, objective_pk: int) -> HttpResponse:
    case = get_case(request, pk)
    plan = _plan(case, plan_pk)
    objective = get_object_or_404(plan.objectives.all(), pk=objective_pk)
    _require(request, case, Capability.LOG_PROGRESS)
    links = {"priorities": _priorities(case), "terms_items": _terms_items(case)}
    initial = {
        "version": objective.version,
        "label": objective.label,
        "title": objective.title,
        "service_priorities": list(objective.service_priorities.all()),
        "terms_items": list(objective.terms_items.all()),
    }
    form = forms.ObjectiveForm(request.POST or None, initial=initial, **links)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            planning.update_objective(
                objective=objective,
                version=data["version"] or 0,
                label=data["label"],
                title=data["title"],
                service_priorities=data["service_priorities"],
                terms_items=data["terms_items"],
                by=request.user,
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "stale":
                objective.refresh_from_db()
                form = _rebase(forms.ObjectiveForm, request, objective.version, **links)
            else:
                _show_errors(form, error)
        else:
            messages.success(request, f"Objective {data['label']} saved")
            return redirect("plan_detail", pk=case.pk, plan_pk=plan.pk)
    back = reverse("plan_detail", args=[case.pk, plan.pk])
    return _form_page(request, case, form, f"Change objective {objective.label}", back)


@login_required
def action_new(request: HttpRequest, pk: int, plan_pk: int, objective_pk: int) -> HttpResponse:
    case = get_case(request, pk)
    plan = _plan(case, plan_pk)
    objective = get_object_or_404(plan.objectives.all(), pk=objective_pk)
    _require(request, case, Capability.LOG_PROGRESS)
    form = forms.ActionForm(request.POST or None, initial={"label": str(objective.actions.count() + 1)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = planning.add_action(
                objective=objective,
                label=data["label"],
                description=data["description"],
                owner=data["owner"],
                due_on=data["due_on"],
                done_looks_like=data["done_looks_like"],
                by=request.user,
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, f"Action {action.reference} added")
            return redirect("plan_detail", pk=case.pk, plan_pk=plan.pk)
    back = reverse("plan_detail", args=[case.pk, plan.pk])
    return _form_page(request, case, form, f"Add an action to objective {objective.label}", back)


@login_required
def action_description(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """Change a plan action's description, refusing a save over someone else's change."""
    case = get_case(request, pk)
    action = get_object_or_404(
        PlanAction.objects.filter(objective__plan__intervention=case).select_related("objective__plan"), pk=action_pk
    )
    _require(request, case, Capability.LOG_PROGRESS)
    form = forms.ActionDescriptionForm(
        request.POST or None, initial={"version": action.version, "description": action.description}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            planning.update_action_description(
                action=action, version=data["version"] or 0, description=data["description"], by=request.user
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "stale":
                action.refresh_from_db()
                form = _rebase(forms.ActionDescriptionForm, request, action.version)
            else:
                _show_errors(form, error)
        else:
            messages.success(request, f"Action {action.reference}'s description saved")
            return redirect("plan_action", pk=case.pk, action_pk=action.pk)
    back = reverse("plan_action", args=[case.pk, action.pk])
    return _form_page(request, case, form, f"Change the description of action {action.reference}", back)


@login_required
def move_decide(request: HttpRequest, pk: int, move_pk: int) -> HttpResponse:
    case = get_case(request, pk)
    move = get_object_or_404(
        DueDateMove.objects.filter(action__objective__plan__intervention=case).select_related(
            "action__objective__plan", "requested_by"
        ),
        pk=move_pk,
    )
    _require(request, case, Capability.ISSUE_INSTRUCTIONS)
    form = forms.DecideMoveForm(request.POST or None)
    back = reverse("plan_detail", args=[case.pk, move.action.objective.plan_id])
    if move.status != MoveStatus.PENDING:
        messages.info(request, "This move has already been decided")
        return redirect(back)
    if request.method == "POST" and form.is_valid():
        agree = form.cleaned_data["decision"] == "agree"
        try:
            planning.decide_due_date_move(move=move, agree=agree, note=form.cleaned_data["note"], by=request.user)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, f"Move of action {move.action.reference} {'agreed' if agree else 'refused'}")
            return redirect(back)
    return render(
        request, "reviews/planning/move_decide.html", {"intervention": case, "move": move, "form": form, "back": back}
    )


# --- Indicators ---------------------------------------------------------------------------------------


@login_required
def indicator_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request, pk)
    _require_indicator_rights(request, case)
    priorities = _priorities(case)
    initial: dict[str, Any] = {"frequency": "monthly"}
    if request.GET.get("priority"):
        # A priority of another case is a 404, as anywhere else.
        initial["service_priority"] = get_by_id_or_404(
            ServicePriority.objects.filter(pk__in=[p.pk for p in priorities]), request.GET["priority"]
        ).pk
    form = forms.IndicatorForm(request.POST or None, initial=initial, priorities=priorities)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in planning.INDICATOR_FIELDS}
        try:
            indicator = planning.create_indicator(intervention=case, by=request.user, **data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, f"Indicator set up: {indicator.name}")
            return redirect("indicator_detail", pk=case.pk, indicator_pk=indicator.pk)
    return _form_page(
        request,
        case,
        form,
        "Set up an indicator",
        reverse("intervention_detail", args=[case.pk]),
        no_priorities=not priorities,
    )


@login_required
def indicator_edit(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    case = get_case(request, pk)
    indicator = get_object_or_404(
        Indicator.objects.filter(service_priority__instrument__intervention=case), pk=indicator_pk
    )
    _require_indicator_rights(request, case)
    priorities = _priorities(case)
    initial = {name: getattr(indicator, name) for name in planning.INDICATOR_FIELDS} | {"version": indicator.version}
    form = forms.IndicatorForm(request.POST or None, initial=initial, priorities=priorities)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in planning.INDICATOR_FIELDS}
        try:
            planning.update_indicator(
                indicator=indicator, version=form.cleaned_data["version"] or 0, changes=changes, by=request.user
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "stale":
                indicator.refresh_from_db()
                form = _rebase(forms.IndicatorForm, request, indicator.version, priorities=priorities)
            else:
                _show_errors(form, error)
        else:
            messages.success(request, f"Indicator saved: {changes['name']}")
            return redirect("indicator_detail", pk=case.pk, indicator_pk=indicator.pk)
    back = reverse("indicator_detail", args=[case.pk, indicator.pk])
    return _form_page(request, case, form, f"Change the indicator: {indicator.name}", back, current_indicator=indicator)
