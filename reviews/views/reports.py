"""Pages for preparing, generating, signing off and downloading reports. Thin: reports are found
through `visible_to(user)` (one outside a person's access is a 404, worded as for one that does not
exist), changes go through reviews.services.reports, which asks intervention.permissions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from directions.models import Instrument
from intervention.models import Intervention, LocalAuthority
from intervention.permissions import Capability, has_capability
from reviews.forms import reports as forms
from reviews.models import (
    Report,
    ReportKind,
    ReportVersion,
    VersionStatus,
)
from reviews.services import reports as report_services
from reviews.views.common import apply_service, error_text, get_case

REPORTS_PER_PAGE = 50


def _report(request: HttpRequest, pk: int) -> Report:
    return get_object_or_404(
        Report.objects.visible_to(request.user).select_related(
            "intervention__local_authority", "review", "instrument", "created_by"
        ),
        pk=pk,
    )


def _version(request: HttpRequest, pk: int, number: int) -> ReportVersion:
    return get_object_or_404(
        ReportVersion.objects.filter(report__in=Report.objects.visible_to(request.user)).select_related(
            "report__intervention__local_authority", "requested_by"
        ),
        report_id=pk,
        number=number,
    )


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """Every report the user may see, newest first: DfE sees every case's; others their own cases'."""
    visible = Report.objects.visible_to(request.user)
    authorities = list(
        LocalAuthority.objects.filter(
            pk__in=Intervention.objects.visible_to(request.user).values("local_authority")
        ).values_list("pk", "name")
    )
    form = forms.ReportFilterForm(request.GET or None, authorities=authorities)
    if form.is_valid():
        if form.cleaned_data["authority"]:
            visible = visible.filter(intervention__local_authority_id=form.cleaned_data["authority"])
        if form.cleaned_data["kind"]:
            visible = visible.filter(kind=form.cleaned_data["kind"])
    page = Paginator(visible.for_list(), REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reviews/reports/report_list.html", {"form": form, "page": page})


@login_required
def case_reports(request: HttpRequest, case_pk: int) -> HttpResponse:
    intervention = get_case(request, case_pk)
    reports = Report.objects.visible_to(request.user).filter(intervention=intervention).for_list()
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/reports/case_reports.html",
        {
            "intervention": intervention,
            "page": page,
            "may_draft": any(report_services.may_draft(request.user, intervention, kind) for kind in ReportKind),
        },
    )


@login_required
def report_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    intervention = get_case(request, case_pk)
    kinds = [kind for kind in ReportKind if report_services.may_draft(request.user, intervention, kind)]
    if not kinds:
        raise PermissionDenied
    form = forms.ReportKindForm(request.POST or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        return redirect("report_new_details", case_pk=intervention.pk, kind=form.cleaned_data["kind"])
    return render(request, "reviews/reports/report_new.html", {"intervention": intervention, "form": form})


@login_required
def report_new_details(request: HttpRequest, case_pk: int, kind: str) -> HttpResponse:
    intervention = get_case(request, case_pk)
    if kind not in ReportKind.values:
        raise Http404
    if not report_services.may_draft(request.user, intervention, kind):
        raise PermissionDenied
    reviews = report_services.review_choices(intervention)
    instruments = list(Instrument.objects.filter(intervention=intervention).order_by("-issued_on", "-pk"))
    form = forms.ReportDetailsForm(
        request.POST or None,
        kind=kind,
        reviews=reviews,
        instruments=instruments,
        initial={"classification": report_services.DEFAULT_CLASSIFICATION[kind]},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["review"] = next((r for r in reviews if str(r.pk) == data.get("review")), None)
        data["instrument"] = next((i for i in instruments if str(i.pk) == data.get("instrument")), None)
        report = None

        def create() -> None:
            nonlocal report
            report = report_services.create_report(intervention=intervention, kind=kind, by=request.user, **data)

        if apply_service(form, create):
            assert report is not None  # create() ran
            if kind == ReportKind.CABINET:
                messages.success(request, "Report started. Check the council's words, then generate it.")
                return redirect("cabinet_paper", pk=report.pk)
            _generate(request, report)
            return redirect("report_detail", pk=report.pk)
    return render(
        request,
        "reviews/reports/report_new_details.html",
        {"intervention": intervention, "form": form, "kind": ReportKind(kind), "no_reviews": not reviews},
    )


def _generate(request: HttpRequest, report: Report) -> None:
    try:
        version = report_services.request_version(report=report, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        _say_generating(request, version, f"Version {version.number} is being generated.")


def _say_generating(request: HttpRequest, version: ReportVersion, words: str) -> None:
    """The truth: being generated, or (the queue was down) saved and waiting for it."""
    if getattr(getattr(version, "promise", None), "dispatched", None) is False:
        messages.warning(
            request,
            f"Version {version.number} is requested. It will be generated when the report queue is back.",
        )
    else:
        messages.success(request, words)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    versions = list(report.versions.select_related("requested_by").defer("body_html").order_by("-number"))
    intervention = report.intervention
    signed = next((v for v in versions if v.is_final), None)
    latest_ready = next((v for v in versions if v.status == VersionStatus.READY), None)
    may_draft = report_services.may_draft(request.user, intervention, report.kind)
    may_sign = (
        report_services.may_sign_off(request.user, report)
        and signed is None
        and latest_ready is not None
        and versions[0].pk == latest_ready.pk
    )
    return render(
        request,
        "reviews/reports/report_detail.html",
        {
            "report": report,
            "intervention": intervention,
            "versions": versions,
            "signed": signed,
            "generating": [v for v in versions if v.is_generating],
            "missing": report_services.missing_for(report) if signed is None else [],
            # What is left before it can be signed off, so the author sees it before the signatory tries.
            "gaps": report_services.gaps_before_sign_off(report) if signed is None and report.sign_off_role else [],
            "signatory_words": report_services.signatory_words(report),
            "may_write_commentary": may_draft and signed is None and report.kind in report_services.COMMENTARY_KINDS,
            "may_generate": may_draft and signed is None,
            "may_retry": may_draft or report_services.may_sign_off(request.user, report),
            "may_sign": may_sign,
            "latest_ready": latest_ready,
        },
    )


@login_required
@require_POST
def report_generate(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if not report_services.may_draft(request.user, report.intervention, report.kind):
        raise PermissionDenied
    _generate(request, report)
    return redirect("report_detail", pk=report.pk)


@login_required
def cabinet_paper(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if report.kind != ReportKind.CABINET:
        raise Http404
    if not report_services.may_draft(request.user, report.intervention, report.kind):
        raise PermissionDenied
    form = forms.CabinetPaperForm(
        request.POST or None, request.FILES or None, initial=forms.cabinet_initial(report), record=report.cabinet_paper
    )
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.record_fields().items() if not name.startswith("reviewer_")}
        data["seen"] = form.seen()
        data["reviewers"] = form.reviewers()
        if not data.get("published_report"):
            data.pop("published_report", None)  # none chosen: keep the one attached
        if apply_service(form, lambda: report_services.update_cabinet_paper(report=report, by=request.user, **data)):
            messages.success(request, "The council's words are saved.")
            return redirect("report_detail", pk=report.pk)
    return render(
        request,
        "reviews/reports/cabinet_paper.html",
        {"report": report, "intervention": report.intervention, "form": form},
    )


@login_required
def ministerial_words(request: HttpRequest, pk: int) -> HttpResponse:
    """The commissioner's words in a report to the Minister: conclusion, recommendations, findings."""
    report = _report(request, pk)
    if report.kind not in report_services.WORDS_KINDS:
        raise Http404
    if not report_services.may_draft(request.user, report.intervention, report.kind):
        raise PermissionDenied
    words = report_services.ministerial_words_or_draft(report)
    form = forms.MinisterialWordsForm(request.POST or None, initial=forms.ministerial_initial(words))
    conflict: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report_services.update_ministerial_words(
                report=report, by=request.user, version=data["version"], **form.words()
            )
        except ValidationError as error:
            if getattr(error, "code", None) != "stale":
                form.add_error(None, error_text(error))
            else:
                # What this person typed is kept, beside what is saved now; the version becomes the
                # current one, so saving again is a deliberate choice over the other person's change.
                words = report_services.ministerial_words_or_draft(report)
                conflict = forms.changed_since(form, words)
                post = request.POST.copy()
                post["version"] = str(words.version)
                form = forms.MinisterialWordsForm(post)
                form.is_valid()
                form.add_error(None, report_services.STALE_WORDS)
        else:
            messages.success(request, "The commissioner's words are saved.")
            return redirect("report_detail", pk=report.pk)
    return render(
        request,
        "reviews/reports/ministerial_words.html",
        {"report": report, "intervention": report.intervention, "form": form, "conflict": conflict},
    )


@login_required
def report_classification(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the marking the report's next versions carry, with a reason its history keeps."""
    report = _report(request, pk)
    if not report_services.may_draft(request.user, report.intervention, report.kind):
        raise PermissionDenied
    form = forms.ClassificationForm(
        request.POST or None, kind=report.kind, record=report, initial={"classification": report.classification}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and apply_service(
            form,
            lambda: report_services.change_classification(
                report=report,
                classification=form.cleaned_data["classification"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                seen=form.seen(),
            ),
        )
    ):
        messages.success(request, "Classification changed. Generate a new version to print it.")
        return redirect("report_detail", pk=report.pk)
    return render(
        request,
        "reviews/reports/classification.html",
        {"report": report, "intervention": report.intervention, "form": form},
    )


@login_required
def report_version_html(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The HTML version of a report: the same content as its PDF, for screen readers and small screens."""
    version = _version(request, pk, number)
    report = version.report
    from reviews.reports import renderer_for

    renderer = renderer_for(report.kind)
    return render(
        request,
        "reviews/reports/report_html.html",
        {
            "report": report,
            "intervention": report.intervention,
            "version": version,
            "body": mark_safe(version.body_html),  # noqa: S308 - our own report template's output, every field escaped
            "author": renderer.author(report),
            "is_draft": renderer.is_draft(report, version),
            "generated_at": version.finished_at or version.requested_at,
        },
    )


@never_cache
@login_required
@require_GET
def report_version_download(request: HttpRequest, pk: int, number: int) -> FileResponse:
    version = _version(request, pk, number)
    if version.status != VersionStatus.READY or not version.file:
        raise Http404
    return FileResponse(
        version.file.open("rb"), as_attachment=True, filename=version.filename, content_type=version.content_type
    )


@never_cache
@login_required
@require_GET
def report_version_status(request: HttpRequest, pk: int, number: int) -> JsonResponse:
    """A small answer for the page's script, which asks with back-off until the version is done."""
    version = _version(request, pk, number)
    status = version.shown_status
    messages_by_status: dict[str, str] = {
        VersionStatus.GENERATING: f"Version {version.number} is being generated.",
        VersionStatus.READY: f"Version {version.number} is ready.",
        VersionStatus.FAILED: version.failure_message,
    }
    return JsonResponse(
        {
            "number": version.number,
            "status": status,
            "message": messages_by_status[status],
            "download_url": version.download_url if status == VersionStatus.READY else "",
            "html_url": version.get_absolute_url() if status == VersionStatus.READY else "",
            "page_url": reverse("report_detail", args=[version.report_id]),
        }
    )


@login_required
@require_POST
def report_version_retry(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _version(request, pk, number)
    try:
        version = report_services.retry_version(version=version, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        _say_generating(request, version, f"Version {version.number} is being generated again.")
    return redirect("report_detail", pk=version.report_id)


@login_required
def report_sign_off(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Refused, with an error summary linking to each missing part, until the report is complete; then
    the signer ticks the declaration the signed version records."""
    version = _version(request, pk, number)
    report = version.report
    if not report_services.may_sign_off(request.user, report):
        raise PermissionDenied
    case = report.intervention
    gaps = report_services.gaps_before_sign_off(report)
    may_meet = has_capability(request.user, case, Capability.HOLD_REVIEWS) or has_capability(
        request.user, case, Capability.MANAGE_CASE
    )
    deadlines = report_services.deadlines_a_report_may_meet(report) if may_meet else []
    form = forms.SignOffForm(
        request.POST or None,
        deadlines=deadlines,
        submit_label=f"Sign off version {version.number}",
        label="Which deadline does this report meet?",
        declaration=report_services.declaration_text(version),
        number=version.number,
    )
    if request.method == "POST" and not gaps and form.is_valid():
        final = None

        def sign() -> None:
            nonlocal final
            final = report_services.sign_off(
                version=version, by=request.user, declared=form.cleaned_data["declaration"], deadline=form.chosen()
            )

        if apply_service(form, sign):
            assert final is not None  # sign() ran
            messages.success(
                request,
                f"Signed off. Version {final.number} is being generated without the DRAFT marking, "
                "with your name, today's date and your declaration.",
            )
            return redirect("report_detail", pk=report.pk)
    return render(
        request,
        "reviews/reports/sign_off.html",
        {
            "report": report,
            "intervention": case,
            "version": version,
            "form": form,
            "gaps": gaps,
            "may_meet": may_meet,
            "today": timezone.localdate(),
        },
        status=400 if request.method == "POST" and gaps else 200,
    )


@login_required
def report_commentary(request: HttpRequest, pk: int) -> HttpResponse:
    """The author's words: the summary of a written update, the risks and other points of a highlight report."""
    report = _report(request, pk)
    if report.kind not in report_services.COMMENTARY_KINDS:
        raise Http404
    if not report_services.may_draft(request.user, report.intervention, report.kind):
        raise PermissionDenied
    label = COMMENTARY_LABELS[report.kind]
    form = forms.CommentaryForm(
        request.POST or None,
        label=label,
        initial={"commentary": report.commentary, "seen": report_services.last_change(report)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report_services.update_commentary(
                report=report, by=request.user, commentary=data["commentary"], seen=data["seen"]
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "stale":
                # Show what the other person saved, keeping these words to copy back: saving again overwrites.
                report.refresh_from_db()
                form = forms.CommentaryForm(
                    {"commentary": data["commentary"], "seen": report_services.last_change(report)}, label=label
                )
                form.is_valid()
                form.add_error(None, f"{report_services.STALE}. They wrote: {report.commentary or '(nothing)'}")
            else:
                form.add_error(None, error_text(error))
        else:
            messages.success(request, f"{label} saved. Generate a new version to see it in the report.")
            return redirect("report_detail", pk=report.pk)
    return render(
        request,
        "reviews/reports/commentary.html",
        {"report": report, "intervention": report.intervention, "form": form, "label": label},
    )


COMMENTARY_LABELS: dict[str, str] = {
    ReportKind.MINISTERIAL_UPDATE: "Summary",
    ReportKind.HIGHLIGHT: "Risks and other points",
}
