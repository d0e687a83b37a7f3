from django.contrib import admin

from intervention.admin_scoping import ScopedAdmin
from reviews.models import Deadline


class DeadlineStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("open", "Open"),
            ("met", "Met"),
            ("cancelled", "Cancelled"),
            ("historical", "Before the record"),
        ]

    def queryset(self, request, queryset):
        from django.utils import timezone

        if self.value() == "overdue":
            return queryset.overdue(on=timezone.localdate())
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


@admin.register(Deadline)
class DeadlineAdmin(ScopedAdmin):
    """Read-only here: dates come from the rules; a person marks one met or moves it on the
    deadline pages, which go through the services and ask for a note or reason."""

    intervention_path = "intervention__"
    list_display = ["what", "authority", "computed_on", "override_on", "status"]
    list_filter = [DeadlineStateFilter, "intervention__local_authority", "computed_on"]
    search_fields = ["what", "intervention__local_authority__name"]
    readonly_fields = [field.name for field in Deadline._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("intervention__local_authority")

    def may_change_some(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Authority", ordering="intervention__local_authority__name")
    def authority(self, obj: Deadline) -> str:
        return obj.authority.name


# --- Reviews and reports: read-only here. They are held, generated and signed off on the service's
# pages, whose services check who may and keep the history; the admin shows them with that history.

from intervention.admin_scoping import ScopedInline  # noqa: E402
from reviews.models import Assessment, Report, ReportVersion, Review  # noqa: E402


class ReadOnlyScopedAdmin(ScopedAdmin):
    def may_change_some(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AssessmentInline(ScopedInline):
    model = Assessment
    fields = ("service_priority", "baseline_rag", "rag", "narrative")  # a tuple, which types as readonly_fields too
    readonly_fields = fields

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyScopedAdmin):
    intervention_path = "intervention__"
    list_display = ["__str__", "authority", "period_start", "period_end", "status", "report_published_on"]
    list_filter = ["kind", "status", "intervention__local_authority", "held_on"]
    search_fields = ["intervention__local_authority__name", "conclusion", "key_developments"]
    readonly_fields = [field.name for field in Review._meta.fields]
    inlines = [AssessmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("intervention__local_authority")

    @admin.display(description="Authority", ordering="intervention__local_authority__name")
    def authority(self, obj: Review) -> str:
        return obj.intervention.local_authority.name


class ReportVersionInline(ScopedInline):
    model = ReportVersion
    fk_name = "report"
    fields = (  # a tuple, as AssessmentInline's
        "number",
        "status",
        "is_final",
        "requested_by",
        "requested_at",
        "sha256",
        "signer_name",
        "signed_off_on",
        "declaration",
        "declared_at",
        "error",
    )
    readonly_fields = fields

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyScopedAdmin):
    intervention_path = "intervention__"
    list_display = ["title", "kind", "authority", "period_start", "period_end", "created_at"]
    list_filter = ["kind", "classification", "intervention__local_authority"]
    search_fields = ["title", "intervention__local_authority__name"]
    readonly_fields = [field.name for field in Report._meta.fields]
    inlines = [ReportVersionInline]

    def scope(self, request, queryset):
        # Who may read a draft report to the Minister or DfE is narrower than who may see the case.
        return super().scope(request, queryset).filter(pk__in=Report.objects.visible_to(request.user).values("pk"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("intervention__local_authority")

    @admin.display(description="Authority", ordering="intervention__local_authority__name")
    def authority(self, obj: Report) -> str:
        return obj.intervention.local_authority.name


# --- Closing and reopening a case. Closing spans the apps (it revokes instruments and cancels
# deadlines), so its service is here (reviews.services.closing) and so are its pages: the case's admin
# is the intervention app's, extended here with them. The case's own fields stay as that app sets them.

from typing import Any  # noqa: E402

from django import forms  # noqa: E402
from django.contrib import messages  # noqa: E402
from django.core.exceptions import PermissionDenied, ValidationError  # noqa: E402
from django.http import Http404, HttpResponseRedirect  # noqa: E402
from django.template.response import TemplateResponse  # noqa: E402
from django.urls import path, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from directions.services import NEEDS_A_REFERENCE  # noqa: E402
from intervention.admin import InterventionAdmin  # noqa: E402
from intervention.models import Intervention  # noqa: E402
from intervention.services import CLOSING_NEEDS_A_REASON, REOPENING_NEEDS_A_REASON, reopen_intervention  # noqa: E402
from intervention.validators import sensible_date  # noqa: E402
from reviews.services.closing import close_case, instruments_to_revoke  # noqa: E402


class ServiceErrorsForm(forms.Form):
    def add_service_errors(self, error: ValidationError) -> None:
        """The service's refusal, next to the field it is about (or above the form), keeping what was typed."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)


class CloseCaseForm(ServiceErrorsForm):
    closed_on = forms.DateField(
        label="Closed on", widget=forms.DateInput(attrs={"type": "date"}), validators=[sensible_date]
    )
    reason = forms.CharField(label="Why it is closed", widget=forms.Textarea(attrs={"rows": 3}))
    revoke = forms.BooleanField(label="Revoke the instruments still in force on the closing date", required=False)
    reference = forms.CharField(label="The revoking letter's reference", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = CLOSING_NEEDS_A_REASON

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("revoke") and not (data.get("reference") or "").strip():
            self.add_error("reference", NEEDS_A_REFERENCE)
        return data


class ReopenCaseForm(ServiceErrorsForm):
    reason = forms.CharField(label="Why it is reopened", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = REOPENING_NEEDS_A_REASON


class CaseAdmin(InterventionAdmin):
    change_form_template = "reviews/admin/case_change_form.html"

    def get_urls(self) -> list:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/close/",
                self.admin_site.admin_view(self.close_view),
                name=f"{info[0]}_{info[1]}_close",
            ),
            path(
                "<path:object_id>/reopen/",
                self.admin_site.admin_view(self.reopen_view),
                name=f"{info[0]}_{info[1]}_reopen",
            ),
            *super().get_urls(),
        ]

    def _case_to_change(self, request, object_id: str) -> Intervention:
        case = self.get_object(request, object_id)
        if case is None or not self.has_view_permission(request, case):
            raise Http404
        if not self.has_change_permission(request, case):
            raise PermissionDenied
        return case

    def _render(self, request, case: Intervention, title: str, context: dict) -> TemplateResponse:
        base = {**self.admin_site.each_context(request), "title": title, "opts": self.opts, "original": case}
        return TemplateResponse(request, "reviews/admin/case_act.html", base | context)

    def _done(self, request, case: Intervention, message: str) -> HttpResponseRedirect:
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:intervention_intervention_change", args=[case.pk]))

    def close_view(self, request, object_id: str):
        """Close the case: a date and a reason, after saying what closing revokes, ends and cancels."""
        case = self._case_to_change(request, object_id)
        form = CloseCaseForm(request.POST or None)
        if case.closed_on is None and request.method == "POST" and form.is_valid():
            try:
                close_case(
                    intervention=case,
                    closed_on=form.cleaned_data["closed_on"],
                    reason=form.cleaned_data["reason"],
                    revoke_in_force=form.cleaned_data["revoke"],
                    reference=form.cleaned_data["reference"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return self._done(request, case, f"Closed: {case}")
        today = timezone.localdate()
        context = {
            "act": "close",
            "form": form,
            "in_force": instruments_to_revoke(case, today),
            "appointments": case.appointments.exclude(ends_on__lt=today).select_related("person"),
        }
        return self._render(request, case, "Close the intervention", context)

    def reopen_view(self, request, object_id: str):
        """Reopen a closed case, with a reason kept in its history."""
        case = self._case_to_change(request, object_id)
        form = ReopenCaseForm(request.POST or None)
        if case.closed_on is not None and request.method == "POST" and form.is_valid():
            try:
                reopen_intervention(intervention=case, reason=form.cleaned_data["reason"], by=request.user)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return self._done(request, case, f"Reopened: {case}")
        return self._render(request, case, "Reopen the intervention", {"act": "reopen", "form": form})


admin.site.unregister(Intervention)
admin.site.register(Intervention, CaseAdmin)


# --- Setting up a case's work: read-only here. A plan is agreed and a due date moved on the service's
# pages (reviews.services.planning), which check who may and keep the reasons; the admin shows the agreed
# versions and every move, with their history, scoped to the cases a person may see.

from reviews.models import DueDateMove, PlanAgreement  # noqa: E402


@admin.register(PlanAgreement)
class PlanAgreementAdmin(ReadOnlyScopedAdmin):
    intervention_path = "plan__intervention__"
    list_display = ["__str__", "authority", "number", "agreed_by", "agreed_at"]
    list_filter = ["plan__intervention__local_authority", "agreed_at"]
    search_fields = ["plan__intervention__local_authority__name", "note"]
    readonly_fields = [field.name for field in PlanAgreement._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("plan__intervention__local_authority", "agreed_by")

    @admin.display(description="Authority", ordering="plan__intervention__local_authority__name")
    def authority(self, obj: PlanAgreement) -> str:
        return obj.plan.intervention.local_authority.name


@admin.register(DueDateMove)
class DueDateMoveAdmin(ReadOnlyScopedAdmin):
    intervention_path = "action__objective__plan__intervention__"
    list_display = ["__str__", "authority", "status", "requested_by", "requested_at", "decided_by"]
    list_filter = ["status", "action__objective__plan__intervention__local_authority", "requested_at"]
    search_fields = ["action__objective__plan__intervention__local_authority__name", "reason", "action__label"]
    readonly_fields = [field.name for field in DueDateMove._meta.fields]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("action__objective__plan__intervention__local_authority", "requested_by", "decided_by")
        )

    @admin.display(description="Authority", ordering="action__objective__plan__intervention__local_authority__name")
    def authority(self, obj: DueDateMove) -> str:
        return obj.action.objective.plan.intervention.local_authority.name
