"""Setting up a case's work: the council writes its improvement plan (objectives and actions, linked to
the service priorities and terms-of-reference items they answer) and its indicators; the commissioner
or adviser agrees the plan; a plan action's due date moves only with a reason, and where the plan says
so only once the commissioner agrees. Each service checks the acting user's right on the case, validates
as the forms do (a ValidationError with the forms' words), and writes history with the user."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from directions.enums import Part
from directions.models import Clause, ServicePriority
from intervention import notices
from intervention.models import Intervention
from intervention.permissions import Capability, capabilities_on, has_capability
from intervention.services import save_with_history
from reviews.enums import MoveStatus, PlanStatus
from reviews.models import DueDateMove, ImprovementPlan, Indicator, PlanAction, PlanAgreement, PlanObjective

MAY_NOT_PLAN = "You cannot change {authority}'s improvement plan"
MAY_NOT_AGREE = "Only the commissioner or adviser on the case can agree its plan or a moved due date"
MAY_NOT_SET_INDICATORS = "Only the council or the commissioner on the case can set up its indicators"
STALE = "Someone else changed this since you opened it. Check what is here now, then save again"
ENTER_TITLE = "Enter a title"
ENTER_NUMBER = "Enter a number, for example 1"
NUMBER_TAKEN = "Number {label} is already used in this {within}: choose another"
ENTER_DESCRIPTION = "Describe the action"
ENTER_OWNER = "Say who is accountable for the action"
NOT_THIS_CASE = "That is not part of this intervention"
NOTHING_TO_SUBMIT = "Add at least one objective with an action before submitting the plan"
NOT_CHANGED_SINCE_AGREED = "The plan has not changed since it was agreed"
ALREADY_SUBMITTED = "The plan is already waiting for agreement"
NOT_SUBMITTED = "The plan has not been submitted for agreement"
MOVE_REASON_REQUIRED = "Say why the due date is moving"
MOVE_ALREADY_PENDING = "A move of this action's due date to {date} is already waiting for agreement"
MOVE_NOT_PENDING = "This move has already been decided"
REFUSAL_REASON_REQUIRED = "Say why the move is refused"
SEND_BACK_REASON_REQUIRED = "Say what the council should change"
ENTER_INDICATOR_NAME = "Enter the indicator's name"
TOLERANCE_NEGATIVE = "The tolerance must be 0 or more"


def _deny_unless(user: Any, intervention: Intervention, capability: Capability, message: str) -> None:
    if not has_capability(user, intervention, capability):
        raise PermissionDenied(message.format(authority=intervention.local_authority.name))


def may_set_up_indicators(user: Any, intervention: Intervention) -> bool:
    """Indicators are set up by the council or by the commissioner (or adviser) on the case."""
    capabilities = capabilities_on(user, intervention)
    return Capability.LOG_PROGRESS in capabilities or Capability.ISSUE_INSTRUCTIONS in capabilities


def _check_version(current: Any, version: int) -> None:
    if current.version != version:
        raise ValidationError(STALE, code="stale")


# --- The plan, its objectives and actions -----------------------------------------------------------


@transaction.atomic
def create_plan(*, intervention: Intervention, title: str, by: Any) -> ImprovementPlan:
    _deny_unless(by, intervention, Capability.LOG_PROGRESS, MAY_NOT_PLAN)
    if not title.strip():
        raise ValidationError({"title": ENTER_TITLE})
    plan = ImprovementPlan(intervention=intervention, title=title.strip())
    save_with_history(plan, by=by, reason="Plan started")
    return plan


@transaction.atomic
def update_plan(*, plan: ImprovementPlan, version: int, title: str, by: Any) -> ImprovementPlan:
    _deny_unless(by, plan.intervention, Capability.LOG_PROGRESS, MAY_NOT_PLAN)
    current = ImprovementPlan.objects.select_for_update().get(pk=plan.pk)
    _check_version(current, version)
    if not title.strip():
        raise ValidationError({"title": ENTER_TITLE})
    current.title = title.strip()
    current.version += 1
    save_with_history(current, by=by, reason="Plan renamed")
    return current


def _check_links(
    intervention: Intervention, priorities: Iterable[ServicePriority], terms_items: Iterable[Clause]
) -> None:
    for priority in priorities:
        if priority.instrument.intervention_id != intervention.pk:
            raise ValidationError({"service_priorities": NOT_THIS_CASE})
    for item in terms_items:
        if item.instrument.intervention_id != intervention.pk or item.part != Part.TERMS_OF_REFERENCE:
            raise ValidationError({"terms_items": NOT_THIS_CASE})


def _objective_problems(objective: PlanObjective) -> dict[str, str]:
    errors = {}
    if not objective.label.strip():
        errors["label"] = ENTER_NUMBER
    elif PlanObjective.objects.filter(plan=objective.plan, label=objective.label).exclude(pk=objective.pk).exists():
        errors["label"] = NUMBER_TAKEN.format(label=objective.label, within="plan")
    if not objective.title.strip():
        errors["title"] = ENTER_TITLE
    return errors


@transaction.atomic
def add_objective(
    *,
    plan: ImprovementPlan,
    label: str,
    title: str,
    by: Any,
    service_priorities: Iterable[ServicePriority] = (),
    terms_items: Iterable[Clause] = (),
) -> PlanObjective:
    _deny_unless(by, plan.intervention, Capability.LOG_PROGRESS, MAY_NOT_PLAN)
    priorities, items = list(service_priorities), list(terms_items)
    _check_links(plan.intervention, priorities, items)
    objective = PlanObjective(plan=plan, label=label.strip(), title=title.strip(), position=plan.objectives.count() + 1)
    errors = _objective_problems(objective)
    if errors:
        raise ValidationError(errors)
    save_with_history(objective, by=by, reason="Objective added")
    objective.service_priorities.set(priorities)
    objective.terms_items.set(items)
    return objective


@transaction.atomic
def update_objective(
    *,
    objective: PlanObjective,
    version: int,
    label: str,
    title: str,
    by: Any,
    service_priorities: Iterable[ServicePriority] = (),
    terms_items: Iterable[Clause] = (),
) -> PlanObjective:
    _deny_unless(by, objective.case, Capability.LOG_PROGRESS, MAY_NOT_PLAN)
    current = PlanObjective.objects.select_for_update().select_related("plan__intervention").get(pk=objective.pk)
    _check_version(current, version)
    priorities, items = list(service_priorities), list(terms_items)
    _check_links(current.case, priorities, items)
    current.label, current.title = label.strip(), title.strip()
    errors = _objective_problems(current)
    if errors:
        raise ValidationError(errors)
    current.version += 1
    save_with_history(current, by=by, reason="Objective changed")
    current.service_priorities.set(priorities)
    current.terms_items.set(items)
    return current


@transaction.atomic
def add_action(
    *,
    objective: PlanObjective,
    label: str,
    description: str,
    owner: str,
    due_on: datetime.date,
    by: Any,
    done_looks_like: str = "",
) -> PlanAction:
    _deny_unless(by, objective.case, Capability.LOG_PROGRESS, MAY_NOT_PLAN)
    errors = {}
    if not label.strip():
        errors["label"] = ENTER_NUMBER
    elif PlanAction.objects.filter(objective=objective, label=label.strip()).exists():
        errors["label"] = NUMBER_TAKEN.format(label=label.strip(), within="objective")
    if not description.strip():
        errors["description"] = ENTER_DESCRIPTION
    if not owner.strip():
        errors["owner"] = ENTER_OWNER
    if errors:
        raise ValidationError(errors)
    action = PlanAction(
        objective=objective,
        label=label.strip(),
        description=description.strip(),
        owner=owner.strip(),
        due_on=due_on,
        original_due_on=due_on,
        done_looks_like=done_looks_like.strip(),
    )
    save_with_history(action, by=by, reason="Action added")
    return action


@transaction.atomic
def update_action_description(*, action: PlanAction, version: int, description: str, by: Any) -> PlanAction:
    """Change what a plan action says it will do. Refused if someone else changed the action since the
    page was opened (its version moved on); a plan agreed before shows the change as made since."""
    _deny_unless(by, action.case, Capability.LOG_PROGRESS, MAY_NOT_PLAN)
    current = PlanAction.objects.select_for_update().select_related("objective__plan__intervention").get(pk=action.pk)
    _check_version(current, version)
    if not description.strip():
        raise ValidationError({"description": ENTER_DESCRIPTION})
    if current.description == description.strip():
        return current
    current.description = description.strip()
    current.version += 1
    save_with_history(current, by=by, reason="Description changed")
    return current


# --- Agreement ----------------------------------------------------------------------------------------


def plan_snapshot(plan: ImprovementPlan) -> dict[str, Any]:
    """What a plan says: its title, objectives (with the priorities and terms-of-reference items they
    answer) and actions. Progress (status, RAG) is not part of what is agreed."""
    objectives = plan.objectives.prefetch_related(
        "actions", "service_priorities", "terms_items__parent", "terms_items__parent__parent"
    )
    return {
        "title": plan.title,
        "objectives": [
            {
                "id": objective.pk,
                "label": objective.label,
                "title": objective.title,
                "priorities": sorted(str(p) for p in objective.service_priorities.all()),
                "terms_items": sorted(item.reference for item in objective.terms_items.all()),
                "actions": [
                    {
                        "id": action.pk,
                        "label": action.label,
                        "description": action.description,
                        "owner": action.owner,
                        "due_on": action.due_on.isoformat(),
                        "done_looks_like": action.done_looks_like,
                    }
                    for action in sorted(objective.actions.all(), key=lambda a: (a.due_on, a.pk))
                ],
            }
            for objective in objectives
        ],
    }


def snapshot_fingerprint(snapshot: dict[str, Any]) -> str:
    """A short fingerprint of what a plan says: the agree form carries it, so an agreement is of the
    plan the commissioner read, never of one the council changed since."""
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()[:16]


def latest_agreement(plan: ImprovementPlan) -> PlanAgreement | None:
    return plan.agreements.select_related("agreed_by").order_by("-number").first()


@transaction.atomic
def submit_plan(*, plan: ImprovementPlan, by: Any) -> ImprovementPlan:
    """The council asks the commissioner to agree the plan (first time, or its changes since)."""
    _deny_unless(by, plan.intervention, Capability.LOG_PROGRESS, MAY_NOT_PLAN)
    current = ImprovementPlan.objects.select_for_update().get(pk=plan.pk)
    if current.status == PlanStatus.SUBMITTED:
        raise ValidationError(ALREADY_SUBMITTED)
    snapshot = plan_snapshot(current)
    if not any(objective["actions"] for objective in snapshot["objectives"]):
        raise ValidationError(NOTHING_TO_SUBMIT)
    agreed = latest_agreement(current)
    if agreed is not None and agreed.snapshot == snapshot:
        raise ValidationError(NOT_CHANGED_SINCE_AGREED)
    current.status = PlanStatus.SUBMITTED
    current.version += 1
    save_with_history(current, by=by, reason="Submitted for agreement")
    notices.tell(
        notices.people_on(current.intervention, notices.OVERSEERS),
        about=current,
        link=_plan_link(current),
        what=f"Improvement plan to agree: {current.title}",
        by=by,
        key=f"plan-submitted:{current.pk}:{current.version}",
        asks=True,
    )
    return current


def _plan_link(plan: ImprovementPlan) -> str:
    return reverse("plan_detail", args=[plan.intervention_id, plan.pk])


@transaction.atomic
def agree_plan(
    *,
    plan: ImprovementPlan,
    fingerprint: str,
    by: Any,
    note: str = "",
    date_moves_need_agreement: bool | None = None,
) -> PlanAgreement:
    """The commissioner or adviser agrees the plan as submitted. Side effects: a new numbered
    agreement with a snapshot of the plan; the plan marked agreed (with today's date); and, if given,
    whether moving an action's due date needs their agreement from now on. `fingerprint` is the one the
    agree page showed: a plan changed since is refused as stale."""
    _deny_unless(by, plan.intervention, Capability.ISSUE_INSTRUCTIONS, MAY_NOT_AGREE)
    current = ImprovementPlan.objects.select_for_update().get(pk=plan.pk)
    if current.status != PlanStatus.SUBMITTED:
        raise ValidationError(NOT_SUBMITTED)
    snapshot = plan_snapshot(current)
    if snapshot_fingerprint(snapshot) != fingerprint:
        raise ValidationError(STALE, code="stale")
    previous = latest_agreement(current)
    agreement = PlanAgreement(
        plan=current,
        number=(previous.number + 1) if previous else 1,
        agreed_by=by,
        agreed_at=timezone.now(),
        note=note.strip(),
        snapshot=snapshot,
    )
    save_with_history(agreement, by=by, reason="Plan agreed")
    current.status = PlanStatus.AGREED
    current.approved_on = timezone.localdate()
    if date_moves_need_agreement is not None:
        current.date_moves_need_agreement = date_moves_need_agreement
    current.version += 1
    save_with_history(current, by=by, reason=f"Version {agreement.number} agreed")
    notices.tell(
        notices.people_on(current.intervention, notices.COUNCIL),
        about=current,
        link=_plan_link(current),
        what=f"Improvement plan agreed (version {agreement.number}): {current.title}",
        by=by,
        key=f"plan-agreed:{agreement.pk}",
    )
    return agreement


@transaction.atomic
def send_back_plan(*, plan: ImprovementPlan, reason: str, by: Any) -> ImprovementPlan:
    """The commissioner or adviser does not agree the plan as submitted: it goes back to the council to
    change, with the reason kept whole on the plan and in its history."""
    _deny_unless(by, plan.intervention, Capability.ISSUE_INSTRUCTIONS, MAY_NOT_AGREE)
    current = ImprovementPlan.objects.select_for_update().get(pk=plan.pk)
    if current.status != PlanStatus.SUBMITTED:
        raise ValidationError(NOT_SUBMITTED)
    if not reason.strip():
        raise ValidationError({"reason": SEND_BACK_REASON_REQUIRED})
    current.status = PlanStatus.DRAFT
    current.sent_back_reason = reason.strip()
    current.version += 1
    save_with_history(current, by=by, reason="Sent back to the council")
    notices.tell(
        notices.people_on(current.intervention, notices.COUNCIL),
        about=current,
        link=_plan_link(current),
        what=f"Improvement plan sent back to change: {current.title}",
        by=by,
        key=f"plan-sent-back:{current.pk}:{current.version}",
    )
    return current


ACTION_FIELDS = {
    "label": "Number",
    "description": "Action",
    "owner": "Owner",
    "due_on": "Due date",
    "done_looks_like": "What done looks like",
}
OBJECTIVE_FIELDS = {
    "label": "Number",
    "title": "Objective",
    "priorities": "Service priorities",
    "terms_items": "Terms of reference items",
}


@dataclass
class SinceAgreed:
    """What changed in a plan since its last agreed version, by objective and action id."""

    agreement: PlanAgreement | None
    title_changed: bool = False
    objectives: dict[int, list[str]] = field(default_factory=dict)  # id -> changes ([] for new)
    actions: dict[int, list[str]] = field(default_factory=dict)
    new_objectives: set[int] = field(default_factory=set)
    new_actions: set[int] = field(default_factory=set)

    @property
    def any(self) -> bool:
        return bool(self.title_changed or self.objectives or self.actions or self.new_objectives or self.new_actions)


def _shown(name: str, value: Any) -> str:
    if name == "due_on":
        return f"{datetime.date.fromisoformat(value):%-d %B %Y}"
    if isinstance(value, list):
        return ", ".join(value) or "none"
    return str(value) or "(blank)"


def _differences(fields: dict[str, str], old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [
        f"{label}: {_shown(name, old.get(name, ''))} → {_shown(name, new[name])}"
        for name, label in fields.items()
        if old.get(name, "") != new[name]
    ]


def changes_since_agreed(plan: ImprovementPlan) -> SinceAgreed:
    agreement = latest_agreement(plan)
    result = SinceAgreed(agreement=agreement)
    if agreement is None:
        return result
    now = plan_snapshot(plan)
    result.title_changed = now["title"] != agreement.snapshot.get("title")
    for objective in now["objectives"]:
        then = agreement.objective(objective["id"])
        if then is None:
            result.new_objectives.add(objective["id"])
        else:
            differences = _differences(OBJECTIVE_FIELDS, then, objective)
            if differences:
                result.objectives[objective["id"]] = differences
        for action in objective["actions"]:
            was = agreement.action(action["id"])
            if was is None:
                result.new_actions.add(action["id"])
            else:
                differences = _differences(ACTION_FIELDS, was, action)
                if differences:
                    result.actions[action["id"]] = differences
    return result


# --- Due dates ----------------------------------------------------------------------------------------


def record_due_date_move(*, action: PlanAction, to_on: datetime.date, reason: str, by: Any) -> DueDateMove:
    """Move a plan action's due date, with the reason kept whole. `action` is the caller's locked row,
    which it saves: the date changes on it at once, unless its plan says moves need the commissioner's
    agreement and the mover is not the commissioner, in which case the move waits (`decide_due_date_move`)."""
    if not reason.strip():
        raise ValidationError({"reason": MOVE_REASON_REQUIRED})
    pending = action.due_date_moves.filter(status=MoveStatus.PENDING).first()
    if pending is not None:
        raise ValidationError({"due_on": MOVE_ALREADY_PENDING.format(date=f"{pending.to_on:%-d %B %Y}")})
    plan = action.objective.plan
    waits = plan.date_moves_need_agreement and not has_capability(by, plan.intervention, Capability.ISSUE_INSTRUCTIONS)
    move = DueDateMove(
        action=action,
        from_on=action.due_on,
        to_on=to_on,
        reason=reason.strip(),
        status=MoveStatus.PENDING if waits else MoveStatus.MADE,
        requested_by=by,
    )
    save_with_history(move, by=by, reason="Agreement asked for" if waits else "Due date moved")
    overseeing = has_capability(by, plan.intervention, Capability.ISSUE_INSTRUCTIONS)
    notices.tell(
        notices.people_on(plan.intervention, notices.COUNCIL if overseeing else notices.OVERSEERS),
        about=move,
        intervention=plan.intervention,
        link=reverse("move_decide", args=[plan.intervention_id, move.pk])
        if waits
        else reverse("plan_action", args=[plan.intervention_id, action.pk]),
        what=(
            f"Due date move to agree: action {action.label}, to {to_on:%-d %B %Y}"
            if waits
            else f"Due date moved: action {action.label}, to {to_on:%-d %B %Y}"
        ),
        by=by,
        key=f"move:{move.pk}",
        asks=waits,
    )
    if not waits:
        if action.original_due_on is None:
            action.original_due_on = action.due_on
        action.due_on = to_on
    return move


@transaction.atomic
def decide_due_date_move(*, move: DueDateMove, agree: bool, by: Any, note: str = "") -> DueDateMove:
    """The commissioner or adviser agrees or refuses a move that waits. Agreed, the action's due date
    changes (its history names them and the reason); refused, it stays, and the refusal's reason is kept."""
    _deny_unless(by, move.case, Capability.ISSUE_INSTRUCTIONS, MAY_NOT_AGREE)
    current = DueDateMove.objects.select_for_update().get(pk=move.pk)
    if current.status != MoveStatus.PENDING:
        raise ValidationError(MOVE_NOT_PENDING)
    if not agree and not note.strip():
        raise ValidationError({"note": REFUSAL_REASON_REQUIRED})
    current.status = MoveStatus.AGREED if agree else MoveStatus.REFUSED
    current.decided_by, current.decided_at, current.decision_note = by, timezone.now(), note.strip()
    save_with_history(current, by=by, reason="Move agreed" if agree else "Move refused")
    if agree:
        action = PlanAction.objects.select_for_update().get(pk=current.action_id)
        if action.original_due_on is None:
            action.original_due_on = action.due_on
        action.due_on = current.to_on
        action.version += 1
        save_with_history(action, by=by, reason=f"Due date move agreed: {current.reason}")
    action = current.action
    notices.tell(
        notices.people_on(current.case, notices.COUNCIL),
        about=current,
        intervention=current.case,
        link=reverse("plan_action", args=[current.case.pk, action.pk]),
        what=f"Due date move {'agreed' if agree else 'refused'}: action {action.label}, to {current.to_on:%-d %B %Y}",
        by=by,
        key=f"move-decided:{current.pk}",
    )
    return current


# --- Indicators ---------------------------------------------------------------------------------------

INDICATOR_FIELDS = ("name", "unit", "direction", "target", "tolerance", "source", "frequency", "service_priority")


def _indicator_problems(indicator: Indicator) -> dict[str, str]:
    errors = {}
    if not indicator.name.strip():
        errors["name"] = ENTER_INDICATOR_NAME
    if indicator.tolerance is not None and indicator.tolerance < Decimal(0):
        errors["tolerance"] = TOLERANCE_NEGATIVE
    if indicator.target is not None:
        problem = indicator.value_problem(indicator.target)
        if problem:
            errors["target"] = problem
    return errors


@transaction.atomic
def create_indicator(*, intervention: Intervention, by: Any, **fields: Any) -> Indicator:
    """A new indicator evidencing one of the case's service priorities. `fields`: INDICATOR_FIELDS."""
    if not may_set_up_indicators(by, intervention):
        raise PermissionDenied(MAY_NOT_SET_INDICATORS)
    if fields["service_priority"].instrument.intervention_id != intervention.pk:
        raise ValidationError({"service_priority": NOT_THIS_CASE})
    indicator = Indicator(**{name: fields.get(name) for name in INDICATOR_FIELDS if name in fields})
    indicator.name = (indicator.name or "").strip()
    indicator.source = (indicator.source or "").strip()
    indicator.position = Indicator.objects.filter(service_priority=indicator.service_priority).count() + 1
    errors = _indicator_problems(indicator)
    if errors:
        raise ValidationError(errors)
    save_with_history(indicator, by=by, reason="Indicator set up")
    return indicator


@transaction.atomic
def update_indicator(*, indicator: Indicator, version: int, changes: dict[str, Any], by: Any) -> Indicator:
    """Change an indicator's definition; a form opened before someone else's change is refused."""
    intervention = indicator.case
    if not may_set_up_indicators(by, intervention):
        raise PermissionDenied(MAY_NOT_SET_INDICATORS)
    current = Indicator.objects.select_for_update().get(pk=indicator.pk)
    _check_version(current, version)
    priority = changes.get("service_priority")
    if priority is not None and priority.instrument.intervention_id != intervention.pk:
        raise ValidationError({"service_priority": NOT_THIS_CASE})
    for name, value in changes.items():
        if name in INDICATOR_FIELDS:
            setattr(current, name, value.strip() if isinstance(value, str) else value)
    errors = _indicator_problems(current)
    if errors:
        raise ValidationError(errors)
    current.version += 1
    save_with_history(current, by=by, reason="Indicator changed")
    return current
