"""Axes's records of sign-ins in the admin, for superusers only, with actions to unlock accounts and
network addresses (intervention.lockout). AXES_ENABLE_ADMIN is off so that these replace axes's own
registrations, which any staff member given the model permissions could see."""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.http import HttpRequest
from django.utils import timezone

from intervention.permissions import access_for


class AdministratorsOnly:
    """Administrators alone reach these records, whatever model permissions anyone else holds (Django's
    model permissions grant nothing here). It also spares every admin page the two queries that reading
    a person's model permissions costs when the side menu is drawn."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access_for(request.user).is_admin

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)


class SuperusersOnly:
    """Only superusers see these records, whatever model permissions anyone else holds. Records are
    never added or changed by hand; only failed attempts are deleted, by unlocking."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access_for(request.user).is_admin

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def _failures_by(field: str, since) -> Subquery:
    recent = AccessAttempt.objects.filter(attempt_time__gte=since, **{field: OuterRef(field)})
    total = recent.order_by().values(field).annotate(total=Sum("failures_since_start")).values("total")
    return Subquery(total, output_field=IntegerField())


@admin.register(AccessAttempt)
class LockoutAttemptAdmin(SuperusersOnly, AccessAttemptAdmin):
    list_display = [
        "attempt_time",
        "username",
        "ip_address",
        "failures_since_start",
        "account_status",
        "address_status",
        "user_agent",
        "path_info",
    ]
    list_filter = ["attempt_time", "path_info"]
    actions = ["unlock_accounts", "unlock_addresses", "cleanup_expired_attempts"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        since = timezone.now() - get_cool_off()
        return (
            super()
            .get_queryset(request)
            .annotate(
                account_failures=_failures_by("username", since), address_failures=_failures_by("ip_address", since)
            )
        )

    def has_unlock_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    @admin.display(description="Account")
    def account_status(self, obj: AccessAttempt) -> str:
        return _status(obj.account_failures, settings.AXES_FAILURE_LIMIT)

    @admin.display(description="Network address")
    def address_status(self, obj: AccessAttempt) -> str:
        return _status(obj.address_failures, settings.AXES_ADDRESS_FAILURE_LIMIT)

    @admin.action(description="Unlock the accounts of the selected attempts", permissions=["unlock"])
    def unlock_accounts(self, request: HttpRequest, queryset: QuerySet) -> None:
        usernames = sorted({name for name in queryset.values_list("username", flat=True) if name})
        cleared = sum(reset(username=username) for username in usernames)
        self.message_user(
            request,
            f"Unlocked {_count(len(usernames), 'account')} ({_count(cleared, 'record')} cleared).",
            messages.SUCCESS,
        )

    @admin.action(description="Unlock the network addresses of the selected attempts", permissions=["unlock"])
    def unlock_addresses(self, request: HttpRequest, queryset: QuerySet) -> None:
        addresses = sorted({ip for ip in queryset.values_list("ip_address", flat=True) if ip})
        cleared = sum(reset(ip=address) for address in addresses)
        self.message_user(
            request,
            f"Unlocked {_count(len(addresses), 'network address', 'network addresses')} "
            f"({_count(cleared, 'record')} cleared).",
            messages.SUCCESS,
        )


def _status(failures: int | None, limit: int) -> str:
    failures = failures or 0
    return "Locked" if failures >= limit else f"{failures} of {limit} failures"


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


@admin.register(AccessLog)
class SignInLogAdmin(SuperusersOnly, AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class SignInFailureLogAdmin(SuperusersOnly, AccessFailureLogAdmin):
    pass
