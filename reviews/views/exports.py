"""Downloads of a case's and the nation's tables as CSV or XLSX (issue 16, item 6). Thin: the
querysets are scoped through intervention.permissions (`visible_to(user)`, `get_case`), and
reviews.services.exports builds the tables."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from directions.models import Instruction
from intervention.models import PreparedDownload
from reviews.forms.exports import DownloadRequestForm
from reviews.models import Deadline
from reviews.services import exports
from reviews.views.common import get_case


def download(table: exports.Table, fmt: str, *, stem: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404
    response = HttpResponse(exports.render(table, fmt), content_type=exports.FORMATS[fmt])
    name = exports.filename(stem, fmt, today=timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _stem(case, what: str) -> str:
    return f"{case.local_authority.dfe_code}-{what}"


@login_required
@require_GET
def case_deadlines_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    case = get_case(request, pk)
    deadlines = Deadline.objects.filter(intervention=case).for_list()
    table = exports.deadlines_table(deadlines, today=timezone.localdate())
    return download(table, fmt, stem=_stem(case, "deadlines"))


@login_required
@require_GET
def case_instructions_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    case = get_case(request, pk)
    instructions = Instruction.objects.filter(intervention=case).order_by("number")
    return download(exports.instructions_table(instructions), fmt, stem=_stem(case, "instructions"))


@login_required
@require_GET
def case_indicators_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    case = get_case(request, pk)
    return download(exports.case_indicator_values_table(case), fmt, stem=_stem(case, "indicator-values"))


@login_required
@require_GET
def deadlines_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The national deadlines list: every open deadline of the cases and authorities the person sees
    (overdue and coming up), by due date; the page's authority filter applies."""
    visible = Deadline.objects.visible_to(request.user).open()
    authority = request.GET.get("authority", "")
    if authority.isdigit():
        from django.db.models import Q

        visible = visible.filter(
            Q(intervention__local_authority_id=authority)
            | Q(intervention__isnull=True, inspection__local_authority=authority)
        )
    table = exports.deadlines_table(visible.for_list(), today=timezone.localdate(), title="Open deadlines")
    return download(table, fmt, stem="deadlines")


@login_required
def downloads(request: HttpRequest) -> HttpResponse:
    """The person's own prepared downloads with how far each has got, and the form asking for one.
    Only the tables too big to build while a person waits are prepared here (every indicator value)."""
    form = DownloadRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        exports.request_download(
            kind=PreparedDownload.Kind.INDICATOR_VALUES, file_format=form.cleaned_data["file_format"], by=request.user
        )
        messages.success(request, "Your download is being prepared. This page shows when it is ready.")
        return redirect("downloads")
    mine = PreparedDownload.objects.filter(requested_by_id=request.user.pk)[:20]
    return render(request, "reviews/exports/downloads.html", {"form": form, "downloads": mine})


@never_cache
@login_required
@require_GET
def download_file(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """A prepared download, to the person who asked for it only: anyone else gets the 404 a missing one gets."""
    download = get_object_or_404(PreparedDownload, pk=pk, requested_by_id=request.user.pk)
    if download.status == PreparedDownload.Status.EXPIRED:
        return render(request, "reviews/exports/download_expired.html", {"download": download}, status=410)
    if download.status != PreparedDownload.Status.READY or not download.file:
        raise Http404
    return FileResponse(
        download.file.open("rb"),
        as_attachment=True,
        filename=download.filename,
        content_type=exports.FORMATS[download.file_format],
    )
