"""Accounts in the admin (administrators only, as the permission module decides): no administrator
ever types or sets someone else's password, deactivating an account ends its sessions at once, and an
administrator can reset a person's second factor. The second-factor devices themselves are not listed
(django-otp registers admins that would show the secrets): resetting is the one thing to do with them.

Django's model permissions and groups grant nothing in this service (`intervention.permissions` decides
every right), so the account form does not offer them and groups have no admin: ticking a permission that
does nothing would mislead the administrator who ticked it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from intervention import accounts, sso, two_factor
from intervention.admin_lockout import AdministratorsOnly
from intervention.admin_scoping import RefusesStaleAdminSave, ScopedAdmin
from intervention.models import ExternalIdentity
from intervention.permissions import access_for

User = get_user_model()

for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


class AccountCreationForm(forms.ModelForm):
    """An account with no password: its owner chooses one (people normally join by invitation)."""

    class Meta:
        model = User
        fields = ["username", "email"]

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


_GRANTS_NOTHING = {"groups", "user_permissions"}


class AccountAdmin(AdministratorsOnly, RefusesStaleAdminSave, UserAdmin):
    add_form = AccountCreationForm
    add_fieldsets = (
        (
            None,
            {
                "fields": ("username", "email"),
                "description": "People normally join by invitation (the Invitations page). An account added "
                "here has no password: its owner sets one with \u201cI have forgotten my password\u201d.",
            },
        ),
    )
    actions = ["deactivate_accounts", "reset_second_factors"]
    list_filter = ("is_staff", "is_superuser", "is_active")
    fieldsets = tuple(
        (name, {**options, "fields": tuple(f for f in options["fields"] if f not in _GRANTS_NOTHING)})
        for name, options in UserAdmin.fieldsets or ()
    )
    filter_horizontal = ()

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        return [ExternalIdentityInline] if obj is not None else []

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        # The password is never shown or set here, not even as its hash's summary and a link to replace it.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        if str(request.user.pk) != str(id):
            raise PermissionDenied
        return redirect("change_password")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if deactivating:
            accounts.end_access(obj, by=request.user, reason="in the admin")

    @admin.action(description="Deactivate the selected accounts (their sessions end at once)")
    def deactivate_accounts(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for user in queryset.filter(is_active=True).exclude(pk=request.user.pk):
            accounts.deactivate(user=user, by=request.user, reason="in the admin")
            count += 1
        self.message_user(request, f"{count} account(s) deactivated.", messages.SUCCESS)

    @admin.action(description="Reset the second factor of the selected accounts")
    def reset_second_factors(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for user in queryset:
            two_factor.reset_second_factor(user=user, by=request.user)
            count += 1
        self.message_user(
            request,
            f"Second factor reset for {count} account(s): they set up an authenticator app at their next sign-in.",
            messages.SUCCESS,
        )


class ExternalIdentityInline(admin.TabularInline):
    """On an account's page: the single sign-on identities it has, linked and unlinked, to read."""

    model = ExternalIdentity
    fields = ["provider", "issuer", "subject", "linked_at", "ended_at"]
    readonly_fields = ["provider", "issuer", "subject", "linked_at", "ended_at"]
    extra = 0
    can_delete = False
    verbose_name = "single sign-on identity"
    verbose_name_plural = "single sign-on identities (unlink one on the External identities page)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(ScopedAdmin[ExternalIdentity]):
    """Which single sign-on identities each person has (DfE and administrators only), and unlinking
    one made in error: the link is ended, never deleted (intervention.sso.unlink_identity), so the
    history keeps that it was there and who unlinked it. Nothing here is typed: links are made by
    signing in."""

    list_display = ["user", "provider", "subject", "linked_at", "ended_at"]
    list_filter = ["provider", ("ended_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__email", "subject"]
    list_select_related = ["user"]
    fields = ["user", "provider", "issuer", "subject", "linked_at", "ended_at"]
    readonly_fields = ["user", "provider", "issuer", "subject", "linked_at", "ended_at"]
    actions = ["unlink"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        return queryset if access_for(request.user).sees_everything else queryset.none()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) and access_for(request.user).sees_everything

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # read only: unlinking is the action below

    def has_unlink_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    @admin.action(
        description="Unlink the selected identities (the next sign-in links afresh by email)", permissions=["unlink"]
    )
    def unlink(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for identity in queryset.filter(ended_at__isnull=True):
            sso.unlink_identity(identity=identity, by=request.user)
            count += 1
        self.message_user(request, f"{count} identit{'y' if count == 1 else 'ies'} unlinked.", messages.SUCCESS)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
if admin.site.is_registered(Group):
    admin.site.unregister(Group)
