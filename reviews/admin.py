from django.contrib import admin

from intervention.admin_scoping import ScopedAdmin
from reviews.models import Deadline


class DeadlineStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("open", "Open"), ("met", "Met"), ("cancelled", "Cancelled")]

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
    date_hierarchy = "computed_on"
    readonly_fields = [field.name for field in Deadline._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("intervention__local_authority")

    def may_change_some(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Authority", ordering="intervention__local_authority__name")
    def authority(self, obj: Deadline) -> str:
        return obj.intervention.local_authority.name


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
    list_filter = ["kind", "status", "intervention__local_authority"]
    search_fields = ["intervention__local_authority__name", "conclusion", "key_developments"]
    date_hierarchy = "held_on"
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

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("intervention__local_authority")

    @admin.display(description="Authority", ordering="intervention__local_authority__name")
    def authority(self, obj: Report) -> str:
        return obj.intervention.local_authority.name
