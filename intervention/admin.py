from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Prefetch, Q
from django.http import HttpRequest
from django.utils import timezone

from intervention.admin_scoping import QUICK_TABULAR, ScopedAdmin, ScopedInline, SharedFieldsInline
from intervention.admin_site import SoundChangeList
from intervention.models import (
    AlternativeDeliveryModel,
    Appointment,
    ExtraBankHoliday,
    Finding,
    Inspection,
    Intervention,
    Judgement,
    LocalAuthority,
    Person,
)
from intervention.permissions import access_for
from intervention.services import record_extra_bank_holiday
from intervention.widgets import KnownAutocompleteSelect


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(ScopedAdmin):
    list_display = ["name", "gss_code", "dfe_code", "kind", "region_name"]
    list_filter = ["kind", "region_name"]
    search_fields = ["name", "gss_code", "dfe_code"]

    def may_change_some(self, request) -> bool:
        return access_for(request.user).is_admin


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = ["name", "job_title", "organisation", "local_authority", "email"]
    list_filter = ["organisation"]
    search_fields = ["name", "email", "job_title"]
    autocomplete_fields = ["local_authority"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("local_authority")
        access = access_for(request.user)
        return queryset if access.sees_everything else queryset.filter(pk=access.person_id)


class AppointmentForm(forms.ModelForm):
    """Each row's person widget draws the person fetched with the rows (AppointmentInline.get_queryset)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.row_shown(self.fields, self.instance)

    @staticmethod
    def row_shown(fields: dict[str, Any], instance: Appointment) -> None:
        """Tell the person widget the row's person (also for a row drawn without a form of its own:
        StaleRowsFormSet.row_as_read)."""
        field = fields.get("person")
        widget = getattr(field, "widget", None)
        widget = getattr(widget, "widget", widget)  # inside the wrapper that draws the add and change links
        if isinstance(widget, KnownAutocompleteSelect) and instance.person_id is not None:
            # The rows share the widget (RowsShareFields): it knows every row's person.
            widget.__dict__.setdefault("known", {})[str(instance.person_id)] = instance.person


class AppointmentInline(SharedFieldsInline):
    model = Appointment
    form = AppointmentForm
    fields = ["person", "role", "starts_on", "ends_on"]
    autocomplete_fields = ["person"]
    template = QUICK_TABULAR  # the cells written out: see the template
    # The model's ordering starts with the case, which joins every case and authority to order one
    # case's rows; and two people appointed to the same role on the same day came in either order.
    ordering = ("starts_on", "role", "pk")

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("person")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "person":
            kwargs["widget"] = KnownAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DeliveryModelInline(SharedFieldsInline):
    model = AlternativeDeliveryModel
    fields = ["name", "legal_form", "goes_live_on", "ends_on"]
    template = QUICK_TABULAR
    # The model's ordering starts with the case, which joins the case and its authority to order one
    # case's rows by what they all share; and two models going live on the same day came in either order.
    ordering = ("goes_live_on", "pk")


class CasesWithStage(SoundChangeList):
    """The list of cases, whose Stage column comes from the instruments in force: fetched with the
    page's rows, not one by one, and only those that may be in force today (issued, not revoked before
    today: revoked ones pile up with the years and never count again), with the columns that decide
    it. Only the list reads them: a case's own admin pages show no stage, so they fetch none."""

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> Any:
        instruments: Any = Intervention._meta.get_field("instruments").related_model._default_manager
        today = timezone.localdate()
        may_be_in_force = (
            instruments.issued()
            .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=today))
            .only("pk", "intervention_id", "kind", "status", "issued_on", "revoked_on")
        )
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.prefetch_related(Prefetch("instruments", queryset=may_be_in_force))


@admin.register(Intervention)
class InterventionAdmin(ScopedAdmin):
    intervention_path = ""
    list_display = ["local_authority", "service_area", "opened_on", "closed_on", "stage_label"]
    list_filter = [
        "service_area",
        ("closed_on", admin.EmptyFieldListFilter),
        "local_authority__region_name",
        "opened_on",
    ]
    search_fields = ["local_authority__name", "summary"]
    autocomplete_fields = ["local_authority"]
    inlines = [AppointmentInline, DeliveryModelInline]
    # Closing and reopening are acts with a date and a reason, on pages of their own (reviews.admin).
    readonly_fields = ["closed_on", "closure_reason"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("local_authority")

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return CasesWithStage

    @admin.display(description="Stage")
    def stage_label(self, obj: Intervention) -> str:
        return obj.stage.label


@admin.register(Appointment)
class AppointmentAdmin(ScopedAdmin):
    intervention_path = "intervention__"
    list_display = ["person", "role", "intervention", "starts_on", "ends_on"]
    list_filter = ["role", "intervention__local_authority", "starts_on"]
    search_fields = ["person__name", "intervention__local_authority__name"]
    autocomplete_fields = ["person", "intervention"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "intervention__local_authority")


class JudgementInline(ScopedInline):
    model = Judgement
    fields = ["area", "grade"]


class FindingInline(ScopedInline):
    model = Finding
    fields = ["kind", "position", "text"]


@admin.register(Inspection)
class InspectionAdmin(ScopedAdmin):
    authority_path = ""
    list_display = ["local_authority", "kind", "framework", "fieldwork_starts_on", "published_on"]
    list_filter = ["kind", "framework", "local_authority", "fieldwork_starts_on"]
    search_fields = ["local_authority__name", "lead_inspector"]
    autocomplete_fields = ["local_authority"]
    inlines = [JudgementInline, FindingInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("local_authority")


@admin.register(ExtraBankHoliday)
class ExtraBankHolidayAdmin(ScopedAdmin):
    """Read by everyone in the admin; added or corrected only by administrators, through the service
    (a bank holiday moves every working-day deadline in the country)."""

    list_display = ["date", "name"]
    search_fields = ["name"]

    def may_change_some(self, request: HttpRequest) -> bool:
        return access_for(request.user).is_admin

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        self.refuse_unless_may_write(request, obj, change=change)
        record_extra_bank_holiday(holiday=obj, by=request.user)


# Axes's sign-in records, for superusers only, with unlock actions; accounts: no password typed for
# anyone else, deactivation, second-factor resets.
from intervention import admin_accounts, admin_lockout  # noqa: E402, F401
