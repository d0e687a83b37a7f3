"""Pages for holding a review, step by step, and recording its publication. Thin: reviews are found
through `visible_to(user)` (one outside a person's access is a 404, worded as for one that does not
exist), changes go through reviews.services.reviewing, which asks intervention.permissions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from intervention.permissions import Capability, has_capability
from reviews.forms import reviewing as forms
from reviews.forms.deadlines import DeadlineChoiceForm
from reviews.models import (
    Assessment,
    Report,
    ReportKind,
    Review,
    ReviewStatus,
)
from reviews.services import reports as report_services
from reviews.services import reviewing
from reviews.views.common import apply_service, get_case


def _review(request: HttpRequest, pk: int, *, to_change: bool = False) -> Review:
    review = get_object_or_404(
        Review.objects.visible_to(request.user).select_related("intervention__local_authority"), pk=pk
    )
    if to_change and not has_capability(request.user, review.intervention, Capability.HOLD_REVIEWS):
        raise PermissionDenied
    return review


def _update(review: Review, by: Any, form: Any) -> Review:
    return reviewing.update_review(review=review, by=by, seen=form.seen(), **form.record_fields())


@login_required
def case_reviews(request: HttpRequest, case_pk: int) -> HttpResponse:
    intervention = get_case(request, case_pk)
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
    intervention = get_case(request, case_pk)
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
            "reports": Report.objects.visible_to(request.user).filter(review=review).order_by("-created_at"),
            "may_report": report_services.may_draft(request.user, review.intervention, ReportKind.PROGRESS),
        },
    )


@login_required
def review_details(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk, to_change=True)
    fields = ("kind", "period_start", "period_end", "held_on", "attendees")
    form = forms.ReviewDetailsEditForm(
        request.POST or None, initial={name: getattr(review, name) for name in fields}, record=review
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and apply_service(
            form,
            lambda: _update(review, request.user, form),
        )
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
        record=assessment,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if apply_service(
            form,
            lambda: reviewing.assess_priority(
                assessment=assessment,
                rag=data["rag"],
                narrative=data["narrative"],
                progress_updates=data["progress_updates"],
                measurements=data["measurements"].select_related("indicator"),
                by=request.user,
                seen=form.seen(),
            ),
        ):
            following = review.assessments.filter(position__gt=assessment.position).order_by("position", "pk").first()
            if following is not None:
                return redirect("review_assess", pk=review.pk, assessment_pk=following.pk)
            return redirect("review_developments", pk=review.pk)
    return render(
        request,
        "reviews/reviewing/assess.html",
        {
            "intervention": review.intervention,
            "review": review,
            "assessment": assessment,
            "form": form,
            "latest_update": reviewing.latest_progress([assessment.service_priority], review.period_end).get(
                assessment.service_priority_id
            ),
        },
    )


@login_required
def review_developments(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk, to_change=True)
    form = forms.DevelopmentsForm(
        request.POST or None,
        initial={"key_developments": review.key_developments, "summary": review.summary},
        record=review,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and apply_service(
            form,
            lambda: _update(review, request.user, form),
        )
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
    form = forms.ConclusionForm(request.POST or None, initial=initial, record=review)
    if (
        request.method == "POST"
        and form.is_valid()
        and apply_service(
            form,
            lambda: _update(review, request.user, form),
        )
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
    form = DeadlineChoiceForm(
        request.POST or None,
        deadlines=reviewing.deadlines_a_review_may_meet(review),
        submit_label="Record the review as held",
        label="Which deadline was this review held for?",
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and apply_service(form, lambda: reviewing.hold_review(review=review, by=request.user, deadline=form.chosen()))
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

        if apply_service(form, record):
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
