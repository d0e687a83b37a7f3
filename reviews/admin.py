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
