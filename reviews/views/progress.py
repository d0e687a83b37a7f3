"""The pages council officers spend their day in: priorities, progress, instructions, the improvement
plan, indicators and evidence. Thin: services decide; every lookup goes through the case the user may
see (intervention.permissions), so anything else is a 404."""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from directions.enums import OPEN_INSTRUCTION_STATUSES, InstructionStatus, ResponseKind
from directions.models import Instruction, ServicePriority
from directions.services import (
    RESPONSES,
    council_email_words,
    may_send_email_again,
    send_instruction_email_again,
)
from intervention.compiled import CompiledQuery
from intervention.models import Intervention
from intervention.paths import reverse_ids
from intervention.permissions import Capability, can_view, capabilities_on
from intervention.shortcuts import get_by_id_or_404
from intervention.templatetags.numbers import plain_number
from reviews import charts
from reviews.forms.corrections import CorrectEvidenceForm
from reviews.forms.progress import MeasurementForm, PlanActionForm, ProgressForm, ResponseForm
from reviews.models import (
    EvidenceFile,
    ImprovementPlan,
    Indicator,
    Measurement,
    PlanAction,
    PlanObjective,
    ProgressUpdate,
)
from reviews.services import dashboard, planning, progress, work
from reviews.services.compiled import reader_key
from reviews.services.corrections import correct_evidence, may_correct
from reviews.templatetags.trends import latest_trend
from reviews.timeline import timeline
from reviews.views.common import get_case


def add_service_errors(form: Any, error: ValidationError) -> None:
    """A service's refusal, shown on the form: each message on its field, or for the whole form."""
    for field, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


def require(request: HttpRequest, case: Intervention, capability: Capability) -> None:
    if capability not in capabilities_on(request.user, case):
        raise PermissionDenied


def priorities_of(case: Intervention | int):
    return ServicePriority.objects.filter(instrument__intervention=case, instrument__status="issued").select_related(
        "instrument"
    )


def indicator_chart(indicator: Indicator, points: list[tuple[datetime.date, Any]]) -> str:
    """The indicator's chart of (period, value) points, oldest first."""
    suffix = "%" if indicator.unit == "percent" else ""
    return charts.line_chart(
        title=indicator.name,
        points=points,
        target=indicator.target,
        unit_suffix=suffix,
        chart_id=f"indicator-{indicator.pk}",
    )


MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")  # fmt: skip


def with_cells(indicator: Indicator, measurements: list[Measurement]) -> list[Measurement]:
    """Each value with its month and figure as the values' table shows them (as `date:"F Y"`, and
    `plain_number` with the unit), worked out here: through the template's filters they cost more than
    the rest of the row, and a priority's page has a hundred-odd rows."""
    unit = "%" if indicator.unit == "percent" else ""
    for measurement in measurements:
        measurement.month = _month(measurement.period_end)  # type: ignore[attr-defined]
        measurement.figure = f"{plain_number(measurement.value)}{unit}"  # type: ignore[attr-defined]
    return measurements


def value_rows(indicator: Indicator, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The values' table's rows from (indicator, period, value, source) tuples, as `with_cells` writes
    them on a value: the table reads a dict's keys as it reads a value's attributes, and sooner."""
    unit = "%" if indicator.unit == "percent" else ""
    return [
        {
            "period_end": period_end,
            "value": value,
            "source_note": source_note,
            "month": _month(period_end),
            "figure": f"{plain_number(value)}{unit}",
        }
        for _, period_end, value, source_note in rows
    ]


def _month(day: datetime.date) -> str:
    return f"{MONTH_NAMES[day.month]} {day.year}"


UPDATES_PER_PAGE = 10
INDICATOR_MONTHS = 13
VALUES_PER_PAGE = 24


@login_required
def priority_detail(request: HttpRequest, pk: int, priority_pk: int) -> HttpResponse:
    case = get_case(request, pk)
    # The connection itself, not the proxy: each thread has its own, and the compiled query is kept per connection.
    db = connections[DEFAULT_DB_ALIAS]
    queries = _priority_queries(db)
    found = queries["priority"].instances(db, case=case.pk, priority=priority_pk)
    if not found:
        raise Http404("No ServicePriority matches the given query.")
    priority = found[0]
    # Counted and read a page at a time as a queryset would be, by compiled SQL (`_UpdatePages`).
    pages: Any = _UpdatePages(db, priority)
    updates = Paginator(pages, UPDATES_PER_PAGE).get_page(request.GET.get("page"))
    indicators = queries["indicators"].instances(db, priority=priority.pk)
    latest: dict[int, list[tuple[Any, ...]]] = {indicator.pk: [] for indicator in indicators}
    for row in queries["latest"].rows(db, priority=priority.pk):
        latest[row[0]].append(row)
    for indicator in indicators:
        indicator.series = value_rows(indicator, latest[indicator.pk][::-1])
        indicator.chart = indicator_chart(indicator, [(row["period_end"], row["value"]) for row in indicator.series])
    return render(
        request,
        "reviews/progress/priority_detail.html",
        {
            "intervention": case,
            "priority": priority,
            "updates": updates,
            "indicators": indicators,
            "may_log": Capability.LOG_PROGRESS in capabilities_on(request.user, case),
            "may_set_up": planning.may_set_up_indicators(request.user, case),
        },
    )


# In place of the case and the priority in the priority page's compiled SQL (reviews.services.compiled):
# no record has them.
_PRIORITY_CASE_STAND_IN = -918_273_651
_PRIORITY_STAND_IN = -918_273_652


@functools.lru_cache(maxsize=64)
def _priority_queries(db: Any) -> dict[str, CompiledQuery]:
    """The priority page's priority (an issued instrument's, of the case), its indicators and each
    indicator's latest months (a window per indicator, in one query; the indicator's own page has every
    value). Built and compiled once per connection: building and compiling them, the window above all,
    cost more than the database takes to answer them; the case and the priority are swapped in."""
    from django.db.models import F, OuterRef, Window
    from django.db.models.functions import RowNumber

    from reviews.services.work import SubqueryCount

    case, priority = _PRIORITY_CASE_STAND_IN, _PRIORITY_STAND_IN
    newest_first = Window(RowNumber(), partition_by=F("indicator_id"), order_by=F("period_end").desc())
    return {
        # Only what the page shows of the priority, not its instrument; with its count of updates, for
        # their pages.
        "priority": CompiledQuery.of(
            priorities_of(case)
            .select_related(None)
            .filter(pk=priority)
            .annotate(update_count=SubqueryCount(_updates_of(OuterRef("pk")).order_by().values("pk"))),
            db,
            {"case": (case, 1), "priority": (priority, 1)},
        ),
        # One priority's: ordered by its own position, as the indicators' default order has it, without
        # joining the priority, instrument, case and authority that order starts with.
        "indicators": CompiledQuery.of(
            Indicator.objects.filter(service_priority=priority).order_by("position", "pk"),
            db,
            {"priority": (priority, 1)},
        ),
        # Only what the values' table and chart show, as tuples: a hundred-odd rows a visit.
        "latest": CompiledQuery.of(
            Measurement.objects.filter(indicator__service_priority=priority)
            .annotate(newest=newest_first)
            .filter(newest__lte=INDICATOR_MONTHS)
            .order_by("indicator_id", "-period_end")
            .values_list("indicator_id", "period_end", "value", "source_note"),
            db,
            {"priority": (priority, 1)},
        ),
    }


def _updates_of(priority: Any) -> Any:
    """A priority's progress updates, newest first, each with its author."""
    return (
        ProgressUpdate.objects.filter(service_priority=priority)
        .select_related("author")
        .order_by("-period_end", "-created_at", "-pk")
    )


class _UpdatePages:
    """A priority's progress updates as a Paginator reads them: counted with the priority
    (`update_count`), and a page read with its evidence by SQL compiled once per connection and page."""

    def __init__(self, db: Any, priority: ServicePriority) -> None:
        self.db, self.priority = db, priority

    def count(self) -> int:
        return self.priority.update_count  # type: ignore[attr-defined]

    def __getitem__(self, window: slice) -> list[ProgressUpdate]:
        if window.stop <= window.start:  # no updates yet: as a queryset, nothing to ask the database
            return []
        updates_query, evidence_query = _update_page_queries(self.db, window.start, window.stop)
        updates = updates_query.instances(self.db, priority=self.priority.pk)
        files: dict[int, list[EvidenceFile]] = {update.pk: [] for update in updates}
        for file in evidence_query.instances(self.db, priority=self.priority.pk):
            files[file.progress_update_id].append(file)
        for update in updates:
            # As prefetch_related("evidence") leaves them.
            evidence = EvidenceFile.objects.all()
            evidence._result_cache = files[update.pk]
            evidence._prefetch_done = True  # type: ignore[attr-defined]
            update._prefetched_objects_cache = {"evidence": evidence}
        return updates


@functools.lru_cache(maxsize=64)
def _update_page_queries(db: Any, start: int, stop: int) -> tuple[CompiledQuery, CompiledQuery]:
    """A page of a priority's progress updates, and their evidence (each with the version that replaced
    it, if any): compiled once per connection and page, with the priority swapped in."""
    page = _updates_of(_PRIORITY_STAND_IN)[start:stop]
    evidence = EvidenceFile.objects.filter(progress_update__in=page.values("pk")).select_related("replaced_by")
    stand_in = {"priority": (_PRIORITY_STAND_IN, 1)}
    return CompiledQuery.of(page, db, stand_in), CompiledQuery.of(evidence, db, stand_in)


def _subject(request: HttpRequest, case: Intervention):
    """What the update is about, from ?priority=, ?action= or ?instruction=, within this case."""
    if request.GET.get("priority"):
        return "service_priority", get_by_id_or_404(priorities_of(case), request.GET["priority"])
    if request.GET.get("action"):
        return "plan_action", get_by_id_or_404(
            PlanAction.objects.filter(objective__plan__intervention=case).select_related("objective__plan"),
            request.GET["action"],
        )
    if request.GET.get("instruction"):
        return "instruction", get_by_id_or_404(
            Instruction.objects.filter(intervention=case), request.GET["instruction"]
        )
    raise PermissionDenied


def _back_url(case: Intervention, kind: str, subject) -> str:
    if kind == "service_priority":
        return reverse("priority_detail", args=[case.pk, subject.pk])
    if kind == "instruction":
        return reverse("instruction_detail", args=[case.pk, subject.pk])
    return reverse("plan", args=[case.pk])


@login_required
def log_progress(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request, pk)
    require(request, case, Capability.LOG_PROGRESS)
    kind, subject = _subject(request, case)
    form = ProgressForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            progress.log_progress(
                intervention=case,
                by=request.user,
                narrative=data["narrative"],
                rag=data["rag"],
                rag_change_reason=data["rag_change_reason"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                evidence=data["evidence"],
                **{kind: subject},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Progress update saved")
            return redirect(_back_url(case, kind, subject))
    previous = progress.previous_rag(**{kind: subject})
    return render(
        request,
        "reviews/progress/log_progress.html",
        {
            "intervention": case,
            "subject": subject,
            "kind": kind,
            "form": form,
            "previous_rag": previous,
            "back_url": _back_url(case, kind, subject),
        },
    )


CLOSED_INSTRUCTIONS_PER_PAGE = 50
# What reviews/progress/_instruction_table.html shows of an instruction.
INSTRUCTION_ROW_FIELDS = ("intervention_id", "number", "title", "issued_on", "due_on", "status")
OPEN_INSTRUCTIONS_PER_PAGE = 25
OVERVIEW_INSTRUCTIONS = 10


@login_required
def instruction_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Open instructions (the council's work) overdue first, and complied and withdrawn ones newest
    first, each a page at a time."""
    case = get_case(request, pk)
    today = timezone.localdate()
    # Only what the table shows: a row's person, priority and text went unread, and read at 75 rows a page.
    instructions = Instruction.objects.filter(intervention=case).only(*INSTRUCTION_ROW_FIELDS)
    open_ones = Paginator(
        instructions.filter(status__in=OPEN_INSTRUCTION_STATUSES).overdue_first(on=today), OPEN_INSTRUCTIONS_PER_PAGE
    )
    closed = Paginator(instructions.exclude(status__in=OPEN_INSTRUCTION_STATUSES), CLOSED_INSTRUCTIONS_PER_PAGE)
    open_page = open_ones.get_page(request.GET.get("open_page"))
    closed_page = closed.get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/progress/instruction_list.html",
        {
            "intervention": case,
            "open": open_page,
            "open_rows": instruction_rows(case, open_page.object_list, today=today),
            "closed": closed_page,
            "closed_rows": instruction_rows(case, closed_page.object_list, today=today),
            "today": today,
        },
    )


def instruction_rows(case: Intervention, instructions: Any, *, today: datetime.date) -> list[dict[str, Any]]:
    """Each instruction of a page with its cells ready to show: a date filter, an address and a status
    looked up through the template cost more than the rest of a row, at 75 rows a page."""
    statuses = dict(InstructionStatus.choices)
    return [
        {
            "instruction": instruction,
            "link": reverse_ids("instruction_detail", case.pk, instruction.pk),
            "issued_on": dashboard.short_date(instruction.issued_on),
            "due_on": dashboard.short_date(instruction.due_on),
            "overdue": instruction.is_overdue_on(today),
            "status": statuses.get(instruction.status, instruction.status),
        }
        for instruction in instructions
    ]


@login_required
def instruction_detail(request: HttpRequest, pk: int, instruction_pk: int) -> HttpResponse:
    case = get_case(request, pk)
    instruction = get_object_or_404(
        Instruction.objects.filter(intervention=case).select_related("issued_by", "service_priority", "terms_item"),
        pk=instruction_pk,
    )
    responses = instruction.responses.select_related("by").prefetch_related(
        Prefetch("evidence", queryset=EvidenceFile.objects.select_related("replaced_by"))
    )
    capabilities = capabilities_on(request.user, case)
    allowed = [
        kind
        for kind, (capability, status) in RESPONSES.items()
        if capability in capabilities and status in _next_statuses(instruction)
    ]
    return render(
        request,
        "reviews/progress/instruction_detail.html",
        {
            "intervention": case,
            "instruction": instruction,
            "responses": responses,
            "allowed": allowed,
            "may_log": Capability.LOG_PROGRESS in capabilities,
            "council_email": council_email_words(instruction),
            "may_send_again": may_send_email_again(request.user, instruction),
            "history": timeline(instruction),
            "today": timezone.localdate(),
        },
    )


@login_required
def send_email_again(request: HttpRequest, pk: int, instruction_pk: int) -> HttpResponse:
    """Email the council about the instruction again: DfE and the commissioner (or an adviser who
    may issue instructions), from the instruction's page or its admin page. Asks first."""
    case = get_case(request, pk)
    instruction = get_object_or_404(Instruction.objects.filter(intervention=case), pk=instruction_pk)
    if not may_send_email_again(request.user, instruction):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            instruction = send_instruction_email_again(instruction=instruction, by=request.user)
        except ValidationError as refused:
            error = refused.messages[0]
        else:
            item = instruction.email_promise  # type: ignore[attr-defined]
            if item.dispatched is False:
                messages.warning(
                    request,
                    f"{instruction.reference}: the email to the council will be sent when the mail queue is back.",
                )
            else:
                messages.success(request, f"{instruction.reference}: the email to the council is being sent again.")
            return redirect("instruction_detail", pk=case.pk, instruction_pk=instruction.pk)
    return render(
        request,
        "reviews/progress/instruction_email_again.html",
        {
            "intervention": case,
            "instruction": instruction,
            "council_email": council_email_words(instruction),
            "error": error,
        },
    )


def _next_statuses(instruction: Instruction) -> set[str]:
    from directions.enums import INSTRUCTION_TRANSITIONS

    following = set(INSTRUCTION_TRANSITIONS[instruction.status])
    if instruction.status in ("in_progress",):
        following.add("in_progress")  # more progress can always be recorded
    return following


@login_required
def respond(request: HttpRequest, pk: int, instruction_pk: int, kind: str) -> HttpResponse:
    case = get_case(request, pk)
    instruction = get_object_or_404(Instruction.objects.filter(intervention=case), pk=instruction_pk)
    if kind not in ResponseKind.values:
        raise PermissionDenied
    require(request, case, RESPONSES[kind][0])
    form = ResponseForm(request.POST or None, request.FILES or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            progress.respond_with_evidence(
                instruction=instruction,
                kind=kind,
                text=form.cleaned_data["text"],
                by=request.user,
                evidence=form.cleaned_data.get("evidence", []),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{ResponseKind(kind).label}: {instruction.reference}")
            return redirect("instruction_detail", pk=case.pk, instruction_pk=instruction.pk)
    return render(
        request, "reviews/progress/respond.html", {"intervention": case, "instruction": instruction, "form": form}
    )


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request, pk)
    plans = ImprovementPlan.objects.filter(intervention=case).prefetch_related(
        Prefetch("objectives", queryset=PlanObjective.objects.prefetch_related("actions"))
    )
    return render(
        request,
        "reviews/progress/plan.html",
        {
            "intervention": case,
            "plans": plans,
            "today": timezone.localdate(),
            "may_log": Capability.LOG_PROGRESS in capabilities_on(request.user, case),
        },
    )


@login_required
def plan_action(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    case = get_case(request, pk)
    action = get_object_or_404(
        PlanAction.objects.filter(objective__plan__intervention=case).select_related("objective__plan"), pk=action_pk
    )
    may_log = Capability.LOG_PROGRESS in capabilities_on(request.user, case)
    initial = {
        "version": action.version,
        "status": action.status,
        "rag": action.rag,
        "owner": action.owner,
        "due_on": action.due_on,
    }
    form = PlanActionForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST":
        require(request, case, Capability.LOG_PROGRESS)
        if form.is_valid():
            data = form.cleaned_data
            changes = {
                name: data[name] for name in ("status", "rag", "owner", "due_on") if data[name] != getattr(action, name)
            }
            try:
                progress.update_plan_action(
                    action=action, version=data["version"], changes=changes, by=request.user, reason=data["reason"]
                )
            except ValidationError as error:
                if getattr(error, "code", None) == "stale":
                    conflict = _changes_since(action, data["version"])
                    action, form = _rebased(request, action, data)
                    form.is_valid()
                    form.add_error(None, progress.STALE + ". Check what they changed, below, then save again.")
                else:
                    add_service_errors(form, error)
            else:
                waits = "due_on" in changes and action.due_date_moves.filter(status="pending").exists()
                messages.success(
                    request,
                    f"Action {action.reference} updated"
                    + (". The new due date takes effect when the commissioner agrees it" if waits else ""),
                )
                return redirect("plan", pk=case.pk)
    return render(
        request,
        "reviews/progress/plan_action.html",
        {
            "intervention": case,
            "action": action,
            "form": form,
            "conflict": conflict,
            "history": timeline(action),
            "may_log": may_log,
        },
    )


def _rebased(request: HttpRequest, action: PlanAction, data: dict) -> tuple[PlanAction, PlanActionForm]:
    """The form again after a conflict, on top of the other person's change: what this person
    changed is kept, everything else shows the current value, and the version is the current one,
    so saving again is a deliberate change to what they have now seen."""
    current = PlanAction.objects.select_related("objective__plan").get(pk=action.pk)
    opened = action.history.filter(version=data["version"]).order_by("-history_date").first()
    post = request.POST.copy()
    post["version"] = str(current.version)
    for name in ("status", "rag", "owner", "due_on"):
        if opened is not None and data[name] != getattr(opened, name):
            continue  # the person changed this: keep what they typed
        value = getattr(current, name)
        if name == "due_on":
            post["due_on_0"], post["due_on_1"], post["due_on_2"] = str(value.day), str(value.month), str(value.year)
        else:
            post[name] = value
    return current, PlanActionForm(post)


def _changes_since(action: PlanAction, version: int) -> list:
    """The history entries made after the version the person's form was opened at."""
    records = list(action.history.select_related("history_user").order_by("history_date", "history_id"))
    opened = next((i for i, record in enumerate(records) if record.version == version), 0)
    return timeline(action, records)[: len(records) - opened - 1]


@login_required
def indicator_detail(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    case = get_case(request, pk)
    indicator = get_object_or_404(
        Indicator.objects.filter(service_priority__instrument__intervention=case).select_related("service_priority"),
        pk=indicator_pk,
    )
    # Newest first a page at a time; the chart draws the page's months in order.
    values = Paginator(
        indicator.measurements.select_related("recorded_by", "corrected_by").order_by("-period_end"), VALUES_PER_PAGE
    ).get_page(request.GET.get("page"))
    series = with_cells(indicator, list(values.object_list)[::-1])
    withdrawn = Paginator(
        Measurement.all_objects.filter(indicator=indicator, withdrawn_at__isnull=False)
        .select_related("withdrawn_by")
        .order_by("-withdrawn_at", "-pk"),
        VALUES_PER_PAGE,
    ).get_page(request.GET.get("withdrawn_page"))
    form = MeasurementForm(request.POST or None, indicator=indicator)
    clash = None
    if request.method == "POST":
        require(request, case, Capability.LOG_PROGRESS)
        if form.is_valid():
            data = form.cleaned_data
            try:
                progress.record_measurement(
                    indicator=indicator,
                    period_end=data["period_end"],
                    value=data["value"],
                    source_note=data["source_note"],
                    by=request.user,
                )
            except ValidationError as error:
                # "Change that one instead": link to where that one can be corrected.
                clash = indicator.measurements.filter(period_end=data["period_end"]).first()
                add_service_errors(form, error)
            else:
                messages.success(request, f"Value for {data['period_end']:%B %Y} saved")
                return redirect("indicator_detail", pk=case.pk, indicator_pk=indicator.pk)
    return render(
        request,
        "reviews/progress/indicator_detail.html",
        {
            "intervention": case,
            "indicator": indicator,
            "series": series,
            "values": values,
            "chart": indicator_chart(indicator, [(m.period_end, m.value) for m in series]),
            "form": form,
            "may_log": Capability.LOG_PROGRESS in capabilities_on(request.user, case),
            "may_set_up": planning.may_set_up_indicators(request.user, case),
            "may_correct": may_correct(request.user, case),
            "withdrawn": withdrawn,
            "clash": clash,
        },
    )


@login_required
def update_detail(request: HttpRequest, pk: int, update_pk: int) -> HttpResponse:
    case = get_case(request, pk)
    # A withdrawn update's page stays, saying so: hence every update, not only those in force.
    update = get_object_or_404(
        ProgressUpdate.all_objects.filter(intervention=case).select_related(
            "author", "service_priority", "plan_action__objective", "instruction", "corrected_by", "withdrawn_by"
        ),
        pk=update_pk,
    )
    files = EvidenceFile.all_objects.filter(progress_update=update).select_related(
        "uploaded_by", "replaced_by", "corrected_by", "withdrawn_by"
    )
    return render(
        request,
        "reviews/progress/update_detail.html",
        {
            "intervention": case,
            "update": update,
            "evidence": [file for file in files if not file.is_withdrawn],
            "withdrawn_evidence": [file for file in files if file.is_withdrawn],
            "history": timeline(update),
            "may_correct": may_correct(request.user, case) and not update.is_withdrawn,
        },
    )


@never_cache
@login_required
def evidence_download(request: HttpRequest, evidence_pk: int) -> FileResponse:
    """Evidence is served only here, after the permission module says yes; otherwise 404. Never cached,
    and with a sandboxing CSP of its own, stricter than the site's, which django-csp leaves in place."""
    evidence = get_object_or_404(EvidenceFile.objects.select_related("intervention"), pk=evidence_pk)
    if not can_view(request.user, evidence):
        from django.http import Http404

        raise Http404
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.download_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def evidence_replace(request: HttpRequest, evidence_pk: int) -> HttpResponse:
    evidence = get_object_or_404(EvidenceFile.objects.select_related("intervention__local_authority"), pk=evidence_pk)
    case = get_case(request, evidence.intervention_id)
    if not may_correct(request.user, case):
        raise PermissionDenied
    # A new version is a correction: it asks why (reviews.services.corrections).
    form = CorrectEvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = correct_evidence(
                evidence=evidence,
                upload=form.cleaned_data["file"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_service_errors(form, error)
            else:
                form.add_error("file", error.messages[0])
        else:
            messages.success(
                request, f"Version {new.version} of {new.original_name} uploaded. The earlier version is kept."
            )
            return redirect("intervention_detail", pk=case.pk)
    return render(
        request, "reviews/progress/evidence_replace.html", {"intervention": case, "evidence": evidence, "form": form}
    )


def _priorities_with_indicators(case: Intervention, today: Any) -> list[ServicePriority]:
    """The service priorities of the instruments in force, each with its latest rating and its
    indicators' latest two values (`indicator_list`), in one query: a row per indicator (or one for a
    priority with none), put back together here."""

    # The connection itself, not the proxy: each thread has its own, and the compiled query is kept per connection.
    db = connections[DEFAULT_DB_ALIAS]
    rows = _priorities_query(db, today).dicts(db, case=case.pk)
    return _group_priorities(rows)


# In place of the case in the priorities' compiled SQL (reviews.services.compiled): no case has it.
_CASE_STAND_IN = -918_273_647


@functools.lru_cache(maxsize=64)
def _priorities_query(db: Any, today: datetime.date) -> CompiledQuery:
    """The priorities' query, built and compiled once a day per connection: building its subqueries cost
    more than the database takes to answer; only the case varies, swapped in at each visit."""
    from django.db.models import F, OuterRef, Q, Subquery

    from reviews.models import Measurement

    latest_update = ProgressUpdate.objects.filter(service_priority=OuterRef("pk")).order_by(
        "-period_end", "-created_at", "-pk"
    )
    values = Measurement.objects.filter(indicator=OuterRef("indicator_pk")).order_by("-period_end").values("value")
    indicator_fields = ("name", "unit", "direction", "tolerance")
    rows = (
        ServicePriority.objects.filter(
            Q(instrument__revoked_on__isnull=True) | Q(instrument__revoked_on__gt=today),
            instrument__intervention=_CASE_STAND_IN,
            instrument__status="issued",
            instrument__issued_on__lte=today,
        )
        .annotate(
            latest_rag=Subquery(latest_update.values("rag")[:1]),
            latest_period_end=Subquery(latest_update.values("period_end")[:1]),
            latest_update_id=Subquery(latest_update.values("pk")[:1]),
            indicator_pk=F("indicators__pk"),
            **{f"indicator_{name}": F(f"indicators__{name}") for name in indicator_fields},
        )
        .annotate(latest_value=Subquery(values[:1]), previous_value=Subquery(values[1:2]))
        .order_by("instrument", "position", "pk", "indicators__position", "indicators__pk")
        .values(
            "pk",
            "instrument_id",
            "label",
            "short_name",
            "latest_rag",
            "latest_period_end",
            "latest_update_id",
            "indicator_pk",
            "latest_value",
            "previous_value",
            *(f"indicator_{name}" for name in indicator_fields),
        )
    )
    return CompiledQuery.of(rows, db, {"case": (_CASE_STAND_IN, 1)})


def _group_priorities(rows: list[dict[str, Any]]) -> list[ServicePriority]:
    """A priority per run of rows, with its indicators (`indicator_list`)."""
    indicator_fields = ("name", "unit", "direction", "tolerance")
    priorities: list[ServicePriority] = []
    for row in rows:
        if not priorities or priorities[-1].pk != row["pk"]:
            priority = ServicePriority(
                pk=row["pk"], instrument_id=row["instrument_id"], label=row["label"], short_name=row["short_name"]
            )
            priority.latest_rag = row["latest_rag"]  # type: ignore[attr-defined]
            priority.latest_period_end = row["latest_period_end"]  # type: ignore[attr-defined]
            priority.latest_update_id = row["latest_update_id"]  # type: ignore[attr-defined]
            priority.indicator_list = []  # type: ignore[attr-defined]
            priorities.append(priority)
        if row["indicator_pk"] is not None:
            indicator = Indicator(
                pk=row["indicator_pk"],
                service_priority_id=row["pk"],
                **{name: row[f"indicator_{name}"] for name in indicator_fields},
            )
            indicator.latest_value = row["latest_value"]  # type: ignore[attr-defined]
            indicator.previous_value = row["previous_value"]  # type: ignore[attr-defined]
            priorities[-1].indicator_list.append(indicator)  # type: ignore[attr-defined]
    for priority in priorities:
        priority.indicator_items = mark_safe(  # type: ignore[attr-defined]  # noqa: S308 - escaped values, fixed markup
            "".join(_indicator_item(indicator) for indicator in priority.indicator_list)  # type: ignore[attr-defined]
        )
    return priorities


def _indicator_item(indicator: Indicator) -> str:
    """An indicator's line in the overview's priorities table: its latest value and move, written here
    rather than through the template's lookups and filters, seventy-odd times a visit."""
    latest = indicator.latest_value  # type: ignore[attr-defined]
    if latest is None:
        return f"<li>{escape(indicator.name)}: no values yet</li>"
    unit = "%" if indicator.unit == "percent" else ""
    return f"<li>{escape(indicator.name)}: {escape(plain_number(latest))}{unit}{escape(latest_trend(indicator))}</li>"


# In place of the case in the overview's compiled SQL (reviews.services.compiled): no case has it.
_OVERVIEW_CASE_STAND_IN = -918_273_649


@functools.lru_cache(maxsize=64)
def _overview_queries(db: Any, today: datetime.date) -> dict[str, CompiledQuery]:
    """The overview's lists of the case's records: its first open instructions (overdue first), its next
    deadlines, its plan actions off track and who is appointed to it today. Built and compiled once a day
    per connection, as building and compiling them cost more than the database takes to answer them; only
    the case varies, swapped in at each visit (`CompiledQuery.instances`)."""
    from django.db.models import Q

    from intervention.models import Appointment
    from reviews.enums import ActionStatus, Rag
    from reviews.models import Deadline

    case = _OVERVIEW_CASE_STAND_IN
    lists: dict[str, Any] = {
        "instructions": Instruction.objects.filter(intervention=case, status__in=OPEN_INSTRUCTION_STATUSES)
        .overdue_first(on=today)
        .only(*INSTRUCTION_ROW_FIELDS)[: OVERVIEW_INSTRUCTIONS + 1],
        "next_deadlines": Deadline.objects.open()
        .with_due_on()
        .filter(intervention=case, effective_due_on__gte=today)
        .order_by("effective_due_on")[:5],
        "off_track": PlanAction.objects.filter(objective__plan__intervention=case)
        .exclude(status=ActionStatus.COMPLETE)
        .filter(Q(rag__in=[Rag.RED, Rag.AMBER]) | Q(status=ActionStatus.BLOCKED) | Q(due_on__lt=today))
        .select_related("objective")
        .order_by("due_on")[:10],
        # As intervention.views.case_record_context would read them.
        "appointments": Appointment.objects.filter(intervention=case)
        .active_on(today)
        .select_related("person")
        .order_by("role"),
    }
    return {name: CompiledQuery.of(queryset, db, {"case": (case, 1)}) for name, queryset in lists.items()}


# In place of the person in the overview's compiled SQL: no account has it.
_OVERVIEW_USER_STAND_IN = -918_273_650
# The case's compiled queries, by connection, reader (`reader_key`) and day: building and compiling the
# case's query (what the person may see, their last visit, the overdue count) and its instruments' cost
# more than the database takes to answer them. Only the SQL is kept; the rows are read each visit.
_CASE_QUERIES: dict[tuple[Any, ...], tuple[CompiledQuery, CompiledQuery]] = {}
CASE_QUERIES_MAX = 256


def _overview_case(db: Any, user: Any, pk: int, today: datetime.date) -> Intervention:
    """The case if the person may see it (else a 404), with its authority, the person's last visit
    (`last_seen_at`), its count of overdue deadlines and its instruments (as `for_list` prefetches them)."""
    key = (db, reader_key(user), today)
    queries = _CASE_QUERIES.get(key)
    if queries is None:
        if len(_CASE_QUERIES) >= CASE_QUERIES_MAX:
            _CASE_QUERIES.clear()
        try:
            queries = _case_queries(db, user, today)
        except EmptyResultSet:  # the person may see no case at all
            raise Http404("No Intervention matches the given query.") from None
        _CASE_QUERIES[key] = queries
    case_query, instruments_query = queries
    found = case_query.instances(db, case=pk, user=user.pk)
    if not found:
        raise Http404("No Intervention matches the given query.")
    case: Intervention = found[0]
    instruments = instruments_query.instances(db, case=pk)
    for instrument in instruments:
        instrument.intervention = case  # as a prefetch sets it
    # As prefetch_related("instruments") leaves them.
    prefetched = case.instruments.get_queryset()
    prefetched._result_cache = instruments
    prefetched._prefetch_done = True  # type: ignore[attr-defined]
    case._prefetched_objects_cache = {"instruments": prefetched}  # type: ignore[attr-defined]
    return case


def _case_queries(db: Any, user: Any, today: datetime.date) -> tuple[CompiledQuery, CompiledQuery]:
    from django.db.models import OuterRef

    from directions.models import Instrument
    from reviews.models import Deadline
    from reviews.services.work import SubqueryCount

    case = _OVERVIEW_CASE_STAND_IN
    overdue = (
        Deadline.objects.open()
        .with_due_on()
        .filter(intervention=OuterRef("pk"), effective_due_on__lt=today)
        .order_by()
        .values("pk")
    )
    cases = (
        Intervention.objects.visible_to(user)
        .select_related("local_authority")
        .with_last_visit(_OVERVIEW_USER_STAND_IN)
        .annotate(overdue_deadlines=SubqueryCount(overdue))
        .filter(pk=case)
    )
    return (
        CompiledQuery.of(cases, db, {"case": (case, 1), "user": (_OVERVIEW_USER_STAND_IN, 1)}),
        CompiledQuery.of(Instrument.objects.filter(intervention=case), db, {"case": (case, 1)}),
    )


@login_required
def case_overview(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's front page: what is due next, open instructions (overdue first), each service
    priority's latest rating and indicator trend, off-track plan actions, then the case record."""
    from intervention.views import case_record_context

    today = timezone.localdate()
    db = connections[DEFAULT_DB_ALIAS]
    case = _overview_case(db, request.user, pk, today)
    # The first few, overdue first; the instructions page has the rest a page at a time.
    lists = {name: query.instances(db, case=case.pk) for name, query in _overview_queries(db, today).items()}
    instructions = lists["instructions"]
    context = case_record_context(request, case, appointments=lists["appointments"])
    # Only a look at the page is a visit: anything else sent to it changes nothing.
    seen: Any = case.last_seen_at  # type: ignore[attr-defined]
    last_visit = work.record_visit(case, request.user, last_seen_at=seen) if request.method == "GET" else None
    priorities = _priorities_with_indicators(case, today)
    context.update(
        {
            "today": today,
            "since_last_visit": work.changes_since(case, request.user, last_visit),
            "priorities": priorities,
            "priority_rows": _priority_rows(case, priorities),
            "open_instructions": instructions[:OVERVIEW_INSTRUCTIONS],
            "more_open_instructions": len(instructions) > OVERVIEW_INSTRUCTIONS,
            "next_deadlines": lists["next_deadlines"],
            "overdue_deadlines": case.overdue_deadlines,  # type: ignore[attr-defined]
            "off_track_actions": lists["off_track"],
            "off_track_items": _off_track_items(case, lists["off_track"]),
            "appointment_rows": _appointment_rows(lists["appointments"]),
        }
    )
    # The latest events, a page at a time: a case's years of history are not drawn on every visit.
    window = dashboard.case_events(request.user, case, page=_page_number(request.GET.get("timeline_page")))
    context.update(timeline=window, timeline_chart=dashboard.case_timeline_chart(case, window, today=today))
    return render(request, "reviews/case_overview.html", context)


# The overview's priorities, plan actions off track and people appointed, written out here: through the
# template language (a lookup, a display, a filter and an include a cell) their fifty-odd rows cost more
# than the rest of the page's lists. The markup is the templates', byte for byte, every value escaped.


def _off_track_items(case: Intervention, actions: list[PlanAction]) -> str:
    """Each action's `<li>`, with the whitespace the template's loop wrote around it."""
    from django.utils.text import Truncator

    from intervention.templatetags.long_dates import long_date

    return mark_safe(  # noqa: S308 - escaped values in fixed markup
        "".join(
            f'\n  <li><a class="govuk-link" href="{reverse_ids("plan_action", case.pk, action.pk)}">'
            f"{_text(action.reference)} "
            f"{_text(Truncator(action.description).chars(90))}</a> "
            # The rating's tag (reviews/includes/rag_tag.html, which ends with a line break).
            f"{dashboard.RAG_TAGS.get(action.rag, dashboard.NOT_RATED_TAG)}\n "
            f'<span class="govuk-body-s">{_text(action.get_status_display())}, due {long_date(action.due_on)}</span>'
            "</li>\n  "
            for action in actions
        )
    )


def _priority_rows(case: Intervention, priorities: list[Any]) -> str:
    """Each priority's `<tr>` in the overview's table (`_group_priorities`): its name, latest rating, last
    update and indicators' lines, with the whitespace the template's loop wrote around it."""
    rows = []
    for priority in priorities:
        last_update = "None yet"
        if priority.latest_update_id:
            last_update = (
                f'<a class="govuk-link" href="{reverse_ids("update_detail", case.pk, priority.latest_update_id)}">'
                f"{dashboard.short_date(priority.latest_period_end)}</a>"
            )
        # The rating's tag, as reviews/includes/rag_tag.html drew it (its line break too).
        rating = dashboard.RAG_TAGS.get(priority.latest_rag or "", dashboard.NOT_RATED_TAG)
        rows.append(
            f'\n    <tr class="govuk-table__row">\n      <td class="govuk-table__cell"><a class="govuk-link" '
            f'href="{reverse_ids("priority_detail", case.pk, priority.pk)}">'
            f"{_text(priority.label)}. {_text(priority.short_name)}"
            f'</a></td>\n      <td class="govuk-table__cell">{rating}\n</td>\n'
            f'      <td class="govuk-table__cell">{last_update}</td>\n      <td class="govuk-table__cell">\n'
            f'        \n        <ul class="govuk-list govuk-body-s">{priority.indicator_items}</ul>\n'
            "      </td>\n    </tr>\n    "
        )
    return mark_safe("".join(rows))  # noqa: S308 - escaped values in fixed markup


def _appointment_rows(appointments: list[Any]) -> str:
    """Each appointment's `<tr>` in the case record's table, with the whitespace its loop wrote around it."""
    from intervention.templatetags.long_dates import long_date

    return mark_safe(  # noqa: S308 - escaped values in fixed markup
        "".join(
            f'\n    <tr class="govuk-table__row">\n      <td class="govuk-table__cell">{_text(appointment.person.name)}'
            f'</td>\n      <td class="govuk-table__cell">{_text(appointment.get_role_display())}</td>\n      '
            f'<td class="govuk-table__cell">{long_date(appointment.starts_on)}</td>\n    </tr>\n    '
            for appointment in appointments
        )
    )


def _text(value: Any) -> str:
    """A value as the template's autoescaping writes it (text through html.escape, as `escape` does)."""
    import html

    return html.escape(str(value))


def _page_number(value: str | None) -> int:
    """A page number from the query string; the first page for anything else, as the paginated pages do."""
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1
