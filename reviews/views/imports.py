"""Spreadsheet imports: upload, preview, confirm. Thin: reviews.services.imports reads the file and
decides each row's outcome; a batch is found only through the case the person may see (a 404
otherwise), and only those who log progress on the case may import."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from intervention.models import Intervention
from intervention.permissions import Capability
from reviews.evidence_checks import EXCEL
from reviews.forms.imports import ImportUploadForm
from reviews.models import ImportBatch, ImportKind, ImportStatus, ImprovementPlan, Indicator
from reviews.services import imports
from reviews.views.common import get_case
from reviews.views.progress import require

ALREADY_IMPORTED = "This file has already been imported"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": EXCEL}


def _upload(request: HttpRequest, case: Intervention, kind: str, plan: ImprovementPlan | None) -> HttpResponse:
    require(request, case, Capability.LOG_PROGRESS)
    limit_mb = settings.IMPORT_MAX_BYTES // imports.MB
    form = ImportUploadForm(request.POST or None, request.FILES or None, limit_mb=limit_mb)
    if request.method == "POST" and form.is_valid():
        try:
            batch = imports.start_import(
                intervention=case, kind=kind, upload=form.cleaned_data["file"], by=request.user, plan=plan
            )
        except ValidationError as error:
            form.add_error("file", error.messages[0])
        else:
            return redirect("import_preview", pk=case.pk, batch_pk=batch.pk)
    indicators = (
        Indicator.objects.filter(service_priority__instrument__intervention=case).select_related("service_priority")
        if kind == ImportKind.VALUES
        else []
    )
    return render(
        request,
        "reviews/imports/upload.html",
        {
            "intervention": case,
            "kind": kind,
            "plan": plan,
            "form": form,
            "columns": imports.COLUMNS[ImportKind(kind)],
            "indicators": indicators,
            "excel": imports.excel_supported(),
        },
    )


@login_required
def import_values(request: HttpRequest, pk: int) -> HttpResponse:
    return _upload(request, get_case(request, pk), ImportKind.VALUES, None)


@login_required
def import_actions(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    case = get_case(request, pk)
    plan = get_object_or_404(ImprovementPlan.objects.filter(intervention=case), pk=plan_pk)
    return _upload(request, case, ImportKind.ACTIONS, plan)


@login_required
def import_preview(request: HttpRequest, pk: int, batch_pk: int) -> HttpResponse:
    """The preview of every row; a POST confirms it. A stale preview is refused and shown again, new."""
    case = get_case(request, pk)
    batch = get_object_or_404(ImportBatch.objects.filter(intervention=case).select_related("plan"), pk=batch_pk)
    require(request, case, Capability.LOG_PROGRESS)
    problem = ""
    if request.method == "POST":
        try:
            result = imports.confirm_import(batch=batch, by=request.user)
        except ValidationError as error:
            problem = error.messages[0]
        else:
            if result == imports.STALE:
                problem = imports.STALE_PREVIEW
                batch.refresh_from_db()
            elif result == imports.IMPORTED:
                counts = _counts(batch.outcomes)
                messages.success(
                    request,
                    f"Imported from {batch.file_name}: {counts['new']} new, {counts['changed']} changed, "
                    f"{counts['unchanged']} unchanged",
                )
            else:
                messages.info(request, ALREADY_IMPORTED)
            if result != imports.STALE:
                return redirect(_after(case, batch))
    counts = _counts(batch.outcomes)
    return render(
        request,
        "reviews/imports/preview.html",
        {
            "intervention": case,
            "batch": batch,
            "counts": counts,
            "problem": problem,
            "refused": [p for outcome in batch.outcomes for p in outcome["problems"]],
            "confirmed": batch.status == ImportStatus.CONFIRMED,
            "writes": counts["new"] + counts["changed"],
            "again_url": _again(case, batch),
        },
    )


def _counts(outcomes: list[dict]) -> dict[str, int]:
    return imports.count_outcomes(outcomes)


def _again(case: Intervention, batch: ImportBatch) -> str:
    if batch.kind == ImportKind.ACTIONS and batch.plan_id:
        return reverse("import_actions", args=[case.pk, batch.plan_id])
    return reverse("import_values", args=[case.pk])


def _after(case: Intervention, batch: ImportBatch) -> str:
    if batch.kind == ImportKind.ACTIONS:
        return reverse("plan", args=[case.pk])
    return case.get_absolute_url()


@login_required
def import_template(request: HttpRequest, pk: int, kind: str, extension: str) -> HttpResponse:
    """The columns an import needs, as a file to fill in."""
    get_case(request, pk)
    if kind not in ImportKind.values or extension not in CONTENT_TYPES:
        raise Http404
    if extension == "xlsx" and not imports.excel_supported():
        raise Http404
    content = imports.template_csv(kind) if extension == "csv" else imports.template_xlsx(kind)
    response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{extension}"'
    return response
