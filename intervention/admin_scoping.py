"""The admin base class every model admin uses, so that commissioners and DfE staff see and change
only what intervention.permissions allows: in every list, form, dropdown, autocomplete and action."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from intervention import permissions
from intervention.widgets import QUICK_WIDGETS, QuickFilteredSelectMultiple, QuickSelect


class QuickWidgets:
    """The admin's widgets, drawn in Python (intervention.widgets): the same markup, a fraction of
    the time, which the long forms of an instrument need."""

    formfield_overrides = QUICK_WIDGETS

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper) and db_field.related_model not in self.admin_site._registry:
            # The wrapper draws links to add, change or view the related record in its own admin;
            # a model with no admin has none to draw, and the wrapper would cost a template anyway.
            formfield.widget = widget.widget
        return formfield

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        special = {*self.get_autocomplete_fields(request), *self.raw_id_fields, *self.radio_fields}
        if "widget" not in kwargs and db_field.name not in special:
            kwargs["widget"] = QuickSelect
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name not in self.radio_fields:
            kwargs["widget"] = QuickSelect
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in (*self.filter_horizontal, *self.filter_vertical):
            kwargs["widget"] = QuickFilteredSelectMultiple(db_field.verbose_name, db_field.name in self.filter_vertical)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdmin(QuickWidgets, SimpleHistoryAdmin):
    """Scope the model by the path from it to its intervention (`intervention_path`, "" for the
    intervention itself) or, for records of a local authority, to that authority (`authority_path`)."""

    intervention_path: str | None = None
    authority_path: str | None = None
    # DfE staff see every case's records: lists of them are long, and a page of a hundred rows
    # costs twice a page of fifty to draw. The GOV.UK pages show fifty too.
    list_per_page = 50

    def action_checkbox(self, obj: Model) -> str:
        # Django's draws a form widget through a template for every row; this is the same markup.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            f"Select this object for an action - {obj}",
        )

    def scope(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.intervention_path is not None:
            return queryset.filter(permissions.intervention_filter(request.user, prefix=self.intervention_path))
        if self.authority_path is not None:
            return queryset.filter(permissions.authority_filter(request.user, prefix=self.authority_path))
        return queryset

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.scope(request, super().get_queryset(request))

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        # Autocomplete widgets of other admins call this on us: scope them too.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return self.scope(request, queryset), may_have_duplicates

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if isinstance(related_admin, ScopedAdmin) and "queryset" not in kwargs:
            kwargs["queryset"] = related_admin.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not self.has_module_permission(request):
            return False
        return obj is None or permissions.can_view(request.user, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not self.has_module_permission(request):
            return False
        if obj is None:
            return self.may_change_some(request)
        return permissions.can_change(request.user, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.has_module_permission(request) and self.may_change_some(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Nothing statutory is deleted: records are closed, ended, withdrawn, revoked or superseded.
        return False

    def may_change_some(self, request: HttpRequest) -> bool:
        """Whether the user may change records of this kind on some case; by default DfE staff."""
        return permissions.access_for(request.user).sees_everything

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        obj._history_user = request.user
        super().save_model(request, obj, form, change)


class ScopedInline(QuickWidgets, admin.TabularInline):
    """Inlines follow their parent's rights; deleting a statutory row is never offered."""

    extra = 0
    can_delete = False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return obj is None or permissions.can_change(request.user, obj)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return obj is None or permissions.can_change(request.user, obj)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return obj is None or permissions.can_view(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
