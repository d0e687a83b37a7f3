"""Correcting and withdrawing what was recorded: thin pages over reviews.services.corrections. Each
record is found through the case the person may see (a 404 otherwise), withdrawn ones included, so
that a withdrawn record's page still says what happened to it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from reviews.forms.corrections import CorrectMeasurementForm, CorrectUpdateForm, WithdrawForm
from reviews.models import EvidenceFile, Measurement, ProgressUpdate
from reviews.services import corrections
from reviews.services.progress import STALE
from reviews.views.common import get_case
from reviews.views.progress import add_service_errors

STALE_AGAIN = STALE + ". Check what it says now, then save again."


def _require(request: HttpRequest, case: Any) -> None:
    if not corrections.may_correct(request.user, case):
        raise PermissionDenied


def _refused(form: Any, error: ValidationError, current: Any, **form_kwargs: Any) -> Any:
    """A refusal shown on the form. A stale one comes back on the current revision, so that saving
    again is a deliberate change to what the person has now seen."""
    if getattr(error, "code", None) in ("stale", "withdrawn"):
        post = form.data.copy()
        post["revision"] = str(type(current).all_objects.get(pk=current.pk).revision)
        form = type(form)(post, **form_kwargs)
        form.is_valid()
        form.add_error(None, STALE_AGAIN if error.code == "stale" else error.messages[0])
        return form
    if hasattr(error, "error_dict"):
        add_service_errors(form, error)
    else:
        form.add_error(None, error.messages[0])
    return form


def _measurement(request: HttpRequest, pk: int, measurement_pk: int) -> tuple[Any, Measurement]:
    case = get_case(request, pk)
    measurement = get_object_or_404(
        Measurement.all_objects.filter(indicator__service_priority__instrument__intervention=case).select_related(
            "indicator__service_priority"
        ),
        pk=measurement_pk,
    )
    _require(request, case)
    return case, measurement


@login_required
def measurement_correct(request: HttpRequest, pk: int, measurement_pk: int) -> HttpResponse:
    case, measurement = _measurement(request, pk, measurement_pk)
    back = reverse("indicator_detail", args=[case.pk, measurement.indicator_id])
    if measurement.is_withdrawn:
        return redirect(back)
    initial = {"revision": measurement.revision, "value": measurement.value, "source_note": measurement.source_note}
    form = CorrectMeasurementForm(request.POST or None, initial=initial, indicator=measurement.indicator)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            corrections.correct_measurement(
                measurement=measurement,
                revision=data["revision"],
                value=data["value"],
                source_note=data["source_note"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form = _refused(form, error, measurement, indicator=measurement.indicator)
        else:
            messages.success(request, f"Value for {measurement.period_end:%B %Y} corrected")
            return redirect(back)
    return render(
        request,
        "reviews/corrections/correct_measurement.html",
        {"intervention": case, "measurement": measurement, "form": form, "back_url": back},
    )


@login_required
def measurement_withdraw(request: HttpRequest, pk: int, measurement_pk: int) -> HttpResponse:
    case, measurement = _measurement(request, pk, measurement_pk)
    back = reverse("indicator_detail", args=[case.pk, measurement.indicator_id])
    subject = f"the value for {measurement.period_end:%B %Y} of {measurement.indicator.name}"
    return _withdraw_page(
        request,
        case,
        measurement,
        back=back,
        subject=subject,
        consequence="It will no longer count in the chart, the figures in reports or the trend. "
        "You can then record a new value for the month.",
        withdraw=corrections.withdraw_measurement,
        keyword="measurement",
    )


def _update(request: HttpRequest, pk: int, update_pk: int) -> tuple[Any, ProgressUpdate]:
    case = get_case(request, pk)
    update = get_object_or_404(
        ProgressUpdate.all_objects.filter(intervention=case).select_related(
            "service_priority", "plan_action__objective", "instruction"
        ),
        pk=update_pk,
    )
    _require(request, case)
    return case, update


@login_required
def update_correct(request: HttpRequest, pk: int, update_pk: int) -> HttpResponse:
    case, update = _update(request, pk, update_pk)
    back = reverse("update_detail", args=[case.pk, update.pk])
    if update.is_withdrawn:
        return redirect(back)
    initial = {"revision": update.revision, "narrative": update.narrative, "rag": update.rag}
    form = CorrectUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            corrections.correct_progress_update(
                update=update,
                revision=data["revision"],
                narrative=data["narrative"],
                rag=data["rag"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form = _refused(form, error, update)
        else:
            messages.success(request, "Progress update corrected")
            return redirect(back)
    return render(
        request,
        "reviews/corrections/correct_update.html",
        {"intervention": case, "update": update, "form": form, "back_url": back},
    )


@login_required
def update_withdraw(request: HttpRequest, pk: int, update_pk: int) -> HttpResponse:
    case, update = _update(request, pk, update_pk)
    return _withdraw_page(
        request,
        case,
        update,
        back=reverse("update_detail", args=[case.pk, update.pk]),
        subject=f"the progress update on {update.subject} for {update.period_start:%-d %B %Y} "
        f"to {update.period_end:%-d %B %Y}",
        consequence="Its rating will no longer count as the latest, and it will leave the lists and reports. "
        "Its page stays, saying it was withdrawn and why.",
        withdraw=corrections.withdraw_progress_update,
        keyword="update",
    )


@login_required
def evidence_withdraw(request: HttpRequest, evidence_pk: int) -> HttpResponse:
    evidence = get_object_or_404(EvidenceFile.all_objects.select_related("progress_update"), pk=evidence_pk)
    case = get_case(request, evidence.intervention_id)
    _require(request, case)
    back = (
        reverse("update_detail", args=[case.pk, evidence.progress_update_id])
        if evidence.progress_update_id
        else case.get_absolute_url()
    )
    return _withdraw_page(
        request,
        case,
        evidence,
        back=back,
        subject=f"the evidence file {evidence.original_name}",
        consequence="It will no longer be listed as evidence. The file is kept, with its hash.",
        withdraw=corrections.withdraw_evidence,
        keyword="evidence",
    )


def _withdraw_page(
    request: HttpRequest,
    case: Any,
    record: Any,
    *,
    back: str,
    subject: str,
    consequence: str,
    withdraw: Any,
    keyword: str,
) -> HttpResponse:
    if record.is_withdrawn:
        return redirect(back)
    form = WithdrawForm(request.POST or None, initial={"revision": record.revision})
    if request.method == "POST" and form.is_valid():
        try:
            withdraw(
                **{keyword: record},
                revision=form.cleaned_data["revision"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form = _refused(form, error, record)
        else:
            messages.success(request, f"Withdrawn: {subject}")
            return redirect(back)
    return render(
        request,
        "reviews/corrections/withdraw.html",
        {"intervention": case, "form": form, "subject": subject, "consequence": consequence, "back_url": back},
    )
