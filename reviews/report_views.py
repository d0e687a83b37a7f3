"""Pages for holding reviews and preparing, generating, signing off and downloading reports. Thin:
records are found through `visible_to(user)` (a record outside a person's access is a 404, worded as
for one that does not exist), changes go through reviews.services, which ask intervention.permissions."""

from __future__ import annotations

from typing import Any

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
from reviews import report_forms as forms
from reviews.models import (
    Assessment,
    Report,
    ReportKind,
    ReportVersion,
    Review,
    ReviewStatus,
    VersionStatus,
)
from reviews.services import reports as report_services
from reviews.services import reviewing

REPORTS_PER_PAGE = 50


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def _case(request: HttpRequest, case_pk: int) -> Intervention:
    return get_object_or_404(
        Intervention.objects.visible_to(request.user).select_related("local_authority"), pk=case_pk
    )


# --- Reviews ---------------------------------------------------------------------------------------


def _review(request: HttpRequest, pk: int, *, to_change: bool = False) -> Review:
    review = get_object_or_404(
        Review.objects.visible_to(request.user).select_related("intervention__local_authority"), pk=pk
    )
    if to_change and not has_capability(request.user, review.intervention, Capability.HOLD_REVIEWS):
        raise PermissionDenied
    return review


def _apply(form: Any, action: Any) -> bool:
    """Run a service; a refusal becomes the form's error, shown in the error summary."""
    try:
        action()
    except ValidationError as error:
        form.add_error(None, _message(error))
        return False
    return True


@login_required
def case_reviews(request: HttpRequest, case_pk: int) -> HttpResponse:
    intervention = _case(request, case_pk)
    reviews = Review.objects.filter(intervention=intervention).order_by("-held_on", "-pk")
    return render(
        request,
        "reviews/reviewing/case_reviews.html",
        {
            "intervention": intervention,
            "reviews": reviews,
            "may_hold": has_capability(request.user, intervention, Capability.HOLD_REVIEWS),
        },
    )


@login_required
def review_start(request: HttpRequest, case_pk: int) -> HttpResponse:
    intervention = _case(request, case_pk)
    if not has_capability(request.user, intervention, Capability.HOLD_REVIEWS):
        raise PermissionDenied
    form = forms.ReviewDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        review = reviewing.start_review(intervention=intervention, by=request.user, **form.cleaned_data)
        messages.success(request, "Review started. Each priority's rating starts at the last review's.")
        return redirect("review_detail", pk=review.pk)
    return render(
        request,
        "reviews/reviewing/form.html",
        {
            "intervention": intervention,
            "form": form,
            "heading": "Start a review",
            "back": reverse("case_reviews", args=[intervention.pk]),
        },
    )


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    assessments = review.assessments.select_related("service_priority").order_by("position", "pk")
    may_change = has_capability(request.user, review.intervention, Capability.HOLD_REVIEWS)
    return render(
        request,
        "reviews/reviewing/review_detail.html",
        {
            "review": review,
            "intervention": review.intervention,
            "assessments": assessments,
            "may_change": may_change and review.status == ReviewStatus.DRAFT,
            "may_publish": may_change and review.status == ReviewStatus.HELD,
            "deadlines_met": review.deadlines_met.all(),
            "reports": review.reports.order_by("-created_at"),
            "may_report": report_services.may_draft(request.user, review.intervention, ReportKind.PROGRESS),
        },
    )


@login_required
def review_details(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk, to_change=True)
    fields = ("kind", "period_start", "period_end", "held_on", "attendees")
    form = forms.ReviewDetailsEditForm(request.POST or None, initial={name: getattr(review, name) for name in fields})
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(form, lambda: reviewing.update_review(review=review, by=request.user, **form.cleaned_data))
    ):
        return redirect("review_detail", pk=review.pk)
    return render(
        request,
        "reviews/reviewing/form.html",
        {
            "intervention": review.intervention,
            "review": review,
            "form": form,
            "heading": "The review",
            "back": review.get_absolute_url(),
        },
    )


@login_required
def review_assess(request: HttpRequest, pk: int, assessment_pk: int) -> HttpResponse:
    review = _review(request, pk, to_change=True)
    assessment = get_object_or_404(
        Assessment.objects.select_related("service_priority"), pk=assessment_pk, review=review
    )
    updates, values = reviewing.evidence_for(assessment)
    form = forms.AssessmentForm(
        request.POST or None,
        updates=updates,
        values=values,
        initial={
            "rag": assessment.rag,
            "narrative": assessment.narrative,
            "progress_updates": list(assessment.progress_updates.values_list("pk", flat=True)),
            "measurements": list(assessment.measurements.values_list("pk", flat=True)),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: reviewing.assess_priority(
                assessment=assessment,
                rag=data["rag"],
                narrative=data["narrative"],
                progress_updates=data["progress_updates"],
                measurements=data["measurements"].select_related("indicator"),
                by=request.user,
            ),
        ):
            following = review.assessments.filter(position__gt=assessment.position).order_by("position", "pk").first()
            if following is not None:
                return redirect("review_assess", pk=review.pk, assessment_pk=following.pk)
            return redirect("review_developments", pk=review.pk)
    return render(
        request,
        "reviews/reviewing/assess.html",
        {"intervention": review.intervention, "review": review, "assessment": assessment, "form": form},
    )


@login_required
def review_developments(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk, to_change=True)
    form = forms.DevelopmentsForm(
        request.POST or None, initial={"key_developments": review.key_developments, "summary": review.summary}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(form, lambda: reviewing.update_review(review=review, by=request.user, **form.cleaned_data))
    ):
        return redirect("review_conclusion", pk=review.pk)
    return render(
        request,
        "reviews/reviewing/form.html",
        {
            "intervention": review.intervention,
            "review": review,
            "form": form,
            "heading": "Key developments and overall progress",
            "back": review.get_absolute_url(),
        },
    )


@login_required
def review_conclusion(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk, to_change=True)
    initial = {
        "conclusion": review.conclusion,
        "recommendation": review.recommendation,
        "recommendation_detail": review.recommendation_detail,
    }
    if review.sufficient_progress is not None:
        initial["sufficient_progress"] = "yes" if review.sufficient_progress else "no"
    form = forms.ConclusionForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(form, lambda: reviewing.update_review(review=review, by=request.user, **form.cleaned_data))
    ):
        return redirect("review_hold", pk=review.pk)
    return render(
        request,
        "reviews/reviewing/form.html",
        {
            "intervention": review.intervention,
            "review": review,
            "form": form,
            "heading": "Conclusion and recommendation",
            "back": review.get_absolute_url(),
        },
    )


@login_required
def review_hold(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk, to_change=True)
    if review.status == ReviewStatus.HELD:
        return redirect("review_detail", pk=review.pk)
    form = forms.DeadlineChoiceForm(
        request.POST or None,
        deadlines=reviewing.deadlines_a_review_may_meet(review),
        submit_label="Record the review as held",
        label="Which deadline was this review held for?",
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(form, lambda: reviewing.hold_review(review=review, by=request.user, deadline=form.chosen()))
    ):
        messages.success(
            request, f"The {review.get_kind_display().lower()} of {review.held_on:%-d %B %Y} is recorded as held."
        )
        return redirect("review_detail", pk=review.pk)
    return render(
        request,
        "reviews/reviewing/hold.html",
        {
            "intervention": review.intervention,
            "review": review,
            "form": form,
            "incomplete": [a for a in review.assessments.select_related("service_priority") if not a.is_complete],
        },
    )


@login_required
def review_publication(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk, to_change=True)
    form = forms.PublicationForm(request.POST or None, initial={"published_on": review.report_published_on})
    if request.method == "POST" and form.is_valid():
        dated: list = []

        def record() -> None:
            dated.extend(
                reviewing.record_report_publication(
                    review=review, published_on=form.cleaned_data["published_on"], by=request.user
                )
            )

        if _apply(form, record):
            text = f"Publication recorded: {form.cleaned_data['published_on']:%-d %B %Y}."
            for obligation in dated:
                text += f" {obligation.what}: {obligation.describe()}."
            messages.success(request, text)
            return redirect("review_detail", pk=review.pk)
    return render(
        request,
        "reviews/reviewing/form.html",
        {
            "intervention": review.intervention,
            "review": review,
            "form": form,
            "heading": "Publication of the commissioner's report",
            "back": review.get_absolute_url(),
            "lede": (
                "The terms of reference may date the next review from the report's publication: "
                "recording it dates the next review."
            ),
        },
    )


# --- Reports ---------------------------------------------------------------------------------------


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
    intervention = _case(request, case_pk)
    reports = Report.objects.filter(intervention=intervention).for_list()
    return render(
        request,
        "reviews/reports/case_reports.html",
        {
            "intervention": intervention,
            "reports": reports,
            "may_draft": any(report_services.may_draft(request.user, intervention, kind) for kind in ReportKind),
        },
    )


@login_required
def report_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    intervention = _case(request, case_pk)
    kinds = [kind for kind in ReportKind if report_services.may_draft(request.user, intervention, kind)]
    if not kinds:
        raise PermissionDenied
    form = forms.ReportKindForm(request.POST or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        return redirect("report_new_details", case_pk=intervention.pk, kind=form.cleaned_data["kind"])
    return render(request, "reviews/reports/report_new.html", {"intervention": intervention, "form": form})


@login_required
def report_new_details(request: HttpRequest, case_pk: int, kind: str) -> HttpResponse:
    intervention = _case(request, case_pk)
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

        if _apply(form, create):
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
        messages.error(request, _message(error))
    else:
        messages.success(request, f"Version {version.number} is being generated.")


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
    form = forms.CabinetPaperForm(request.POST or None, initial=forms.cabinet_initial(report))
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if not name.startswith("reviewer_")}
        data["reviewers"] = form.reviewers()
        if _apply(form, lambda: report_services.update_cabinet_paper(report=report, by=request.user, **data)):
            messages.success(request, "The council's words are saved.")
            return redirect("report_detail", pk=report.pk)
    return render(
        request,
        "reviews/reports/cabinet_paper.html",
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


@login_required
@require_GET
def report_version_download(request: HttpRequest, pk: int, number: int) -> FileResponse:
    version = _version(request, pk, number)
    if version.status != VersionStatus.READY or not version.file:
        raise Http404
    response = FileResponse(
        version.file.open("rb"), as_attachment=True, filename=version.filename, content_type=version.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


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
        VersionStatus.FAILED: f"Version {version.number} could not be generated. {version.error}".strip(),
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
        report_services.retry_version(version=version, by=request.user)
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, f"Version {version.number} is being generated again.")
    return redirect("report_detail", pk=version.report_id)


@login_required
def report_sign_off(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _version(request, pk, number)
    report = version.report
    if not report_services.may_sign_off(request.user, report):
        raise PermissionDenied
    case = report.intervention
    may_meet = has_capability(request.user, case, Capability.HOLD_REVIEWS) or has_capability(
        request.user, case, Capability.MANAGE_CASE
    )
    deadlines = report_services.deadlines_a_report_may_meet(report) if may_meet else []
    form = forms.DeadlineChoiceForm(
        request.POST or None,
        deadlines=deadlines,
        submit_label=f"Sign off version {version.number}",
        label="Which deadline does this report meet?",
    )
    if request.method == "POST" and form.is_valid():
        final = None

        def sign() -> None:
            nonlocal final
            final = report_services.sign_off(version=version, by=request.user, deadline=form.chosen())

        if _apply(form, sign):
            assert final is not None  # sign() ran
            messages.success(
                request,
                f"Signed off. Version {final.number} is being generated without the DRAFT marking, "
                "with your name and today's date.",
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
            "may_meet": may_meet,
            "today": timezone.localdate(),
        },
    )
