"""The admin base class every model admin uses, so that commissioners and DfE staff see and change
only what intervention.permissions allows: in every list, form, dropdown, autocomplete and action."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.forms import ChoiceField
from django.forms.formsets import ManagementForm
from django.forms.models import BaseInlineFormSet, ModelChoiceField, ModelChoiceIterator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import SafeString
from simple_history.admin import SimpleHistoryAdmin

from intervention import permissions
from intervention.admin_site import SoundInput
from intervention.stale import SEEN_FIELD, StaleRowsFormSet, refusing_stale_saves
from intervention.widgets import (
    QUICK_WIDGETS,
    QuickFilteredSelectMultiple,
    QuickHiddenInput,
    QuickRelatedFieldWidgetWrapper,
    QuickSelect,
    SharedChoicesField,
)

if TYPE_CHECKING:  # what the mixin's super() calls reach: the admin it is mixed into
    _AdminBase = admin.options.BaseModelAdmin[Any]
else:
    _AdminBase = object


class FetchedChoices(ModelChoiceIterator):
    """A dropdown's records read with one plain query, kept for the field's other uses. Django counts
    them first and then reads them through a server-side cursor (on PostgreSQL a DECLARE ... WITH
    HOLD, materialised at commit), a way for lists too long to hold; the admin's dropdowns are short,
    scoped to a case or an instrument."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:  # the field's own queryset: read once, then from its cache
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self.queryset) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.queryset)


class ReadChoices(FetchedChoices):
    """A dropdown's records as the page has read them already, with something else it needed
    (`read_choices`): no query of their own. The copy of the field each form makes shares them."""

    def __init__(self, field: ModelChoiceField) -> None:
        super().__init__(field)
        self.queryset = vars(field)["read_rows"]  # a list, iterated, counted and tested as the queryset was


def read_choices(field: ModelChoiceField, rows: list[Model]) -> None:
    """Offer `rows`, records of the field's queryset already read, as the field's options. Only
    drawing them changes: a form sent back is still checked against the queryset."""
    field.read_rows = rows  # type: ignore[attr-defined]  # read by ReadChoices
    field.iterator = ReadChoices
    field.widget.choices = field.choices


class QuickManagementForm(ManagementForm):
    """A formset's management form for a page opened (not sent back, so with no errors), drawn as
    django/forms/div.html draws it then: its four hidden inputs, in Python. Through that template
    and each input's, it cost as much as a few of an instrument's clause rows."""

    def render(self, template_name: str | None = None, context: Any = None, renderer: Any = None) -> SafeString:
        if template_name is not None or context is not None or self.is_bound or self.visible_fields():
            return super().render(template_name, context, renderer)
        return SafeString(  # each input is drawn escaped
            "".join(str(field.as_widget(QuickHiddenInput(attrs=field.field.widget.attrs))) for field in self)
        )

    __str__ = __html__ = render  # Django's are its own render


def quick_management_form(form: ManagementForm) -> ManagementForm:
    """A formset's management form, drawn quickly when it is for a page opened."""
    if not form.is_bound and type(form) is ManagementForm:
        form.__class__ = QuickManagementForm  # the same form, drawn otherwise
    return form


class FixedChoices(BaseChoiceIterator):
    """A dropdown's options, worked out once and shared by every copy of its field. Each form copies
    its fields, and Django copies a field's options with it, item by item, and checks them again for
    its widget: for an inline's rows, each with a few dropdowns, that was a fifth of the page's
    forms' cost. Nothing changes a field's options in place (they are replaced), so copies may share.
    The options are worked out when first drawn (records read then), so a dropdown no row draws
    costs nothing; once worked out they never change (`frozen`: QuickSelect escapes them once)."""

    frozen = True

    def __init__(self, choices: Any) -> None:
        self._source = choices
        self._choices: tuple[Any, ...] | None = None

    @property
    def choices(self) -> tuple[Any, ...]:
        if self._choices is None:
            self._choices = tuple(self._source)
        return self._choices

    def __iter__(self) -> Any:
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)

    def __copy__(self) -> FixedChoices:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FixedChoices:
        return self


class QuickWidgets(_AdminBase):
    """The admin's widgets, drawn in Python (intervention.widgets): the same markup, a fraction of
    the time, which the long forms of an instrument need."""

    formfield_overrides = QUICK_WIDGETS

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper) and db_field.related_model not in self.admin_site._registry:
            # The wrapper draws links to add, change or view the related record in its own admin;
            # a model with no admin has none to draw, and the wrapper would cost a template anyway.
            assert formfield is not None  # it has a widget
            formfield.widget = widget.widget
        elif type(widget) is RelatedFieldWidgetWrapper:
            assert formfield is not None  # it has a widget
            formfield.widget = QuickRelatedFieldWidgetWrapper.of(widget)
        if isinstance(formfield, ModelChoiceField):
            formfield.iterator = FetchedChoices
            formfield.queryset = formfield.queryset  # its widget's choices made again, by this iterator
        elif isinstance(formfield, ChoiceField):
            formfield.choices = FixedChoices(formfield.choices)
        return formfield

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        special = {*self.get_autocomplete_fields(request), *self.raw_id_fields, *self.radio_fields}
        if "widget" not in kwargs and db_field.name not in special:
            kwargs["widget"] = QuickSelect
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name not in self.radio_fields:
            kwargs["widget"] = QuickSelect
        kwargs.setdefault("choices_form_class", SharedChoicesField)
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in (*self.filter_horizontal, *self.filter_vertical):
            kwargs["widget"] = QuickFilteredSelectMultiple(db_field.verbose_name, db_field.name in self.filter_vertical)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# The model an admin shows: subclasses name it (`ScopedAdmin[Instrument]`), so their overrides may
# take that model where Django's stubs say any model.
ModelT = TypeVar("ModelT", bound=Model)


class RefusesStaleAdminSave(_AdminBase):
    """Two people with the same change form open: the second save is refused with what the first
    changed, instead of both being told "changed successfully" and the first change lost."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form = refusing_stale_saves(self.form)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        # The version rides in a hidden field of the last fieldset, on change forms the user may save.
        fieldsets: list[tuple[Any, dict[str, Any]]] = [
            (name, {**options, "fields": [field for field in options.get("fields", ()) if field != SEEN_FIELD]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if fieldsets and obj is not None and self.has_change_permission(request, obj):
            name, options = fieldsets[-1]
            fieldsets[-1] = (name, {**options, "fields": [*options["fields"], SEEN_FIELD]})
        return fieldsets


# The tabular inline whose rows are drawn in Python (intervention.templatetags.quick_admin_rows), for
# someone who may change them; anyone else reads them through Django's tabular inline.
QUICK_TABULAR = "intervention/admin/tabular.html"


class QuickMediaInlineAdminFormSet(helpers.InlineAdminFormSet):
    """Django gathers an inline's scripts and styles by wrapping every row in an admin form and adding
    up its widgets' media, row after row. Rows of one form class draw the same widgets: their media
    are gathered once for each kind of row."""

    def __iter__(self) -> Any:
        """Each row wrapped in an admin form, as Django's templates draw them; but where the quick
        template draws the rows itself (from one form standing for all, StaleRowsFormSet.rows_alike),
        only the rows not yet stored: what else reads the rows then, Django's prepopulated_fields_js
        at the foot of the change form, reads only those, and a case's dozens of stored appointments
        would each be made a form to be passed over."""
        rows_alike = getattr(self.formset, "rows_alike", None)
        # (A formset may say it draws its stored rows itself, whatever its template: `draws_stored_rows`.)
        draws_rows = getattr(self.formset, "draws_stored_rows", False)
        quick = draws_rows or (self.opts.template == QUICK_TABULAR and self.has_change_permission)
        if not (quick and rows_alike is not None):
            yield from super().__iter__()
            return
        if rows_alike() is None:
            yield from super().__iter__()
            return
        # Rows alike are stored rows only: no extra rows, only the blank row the script copies.
        if self.has_add_permission:
            yield helpers.InlineAdminForm(
                self.formset,
                self.formset.empty_form,
                self.fieldsets,
                self.prepopulated_fields,
                None,
                self.readonly_fields,
                model_admin=self.opts,
            )

    @property
    def media(self) -> Any:
        media = self.opts.media + self.formset.media
        seen: set[tuple[Any, ...]] = set()
        rows_alike = getattr(self.formset, "rows_alike", None)
        first = rows_alike() if rows_alike is not None else None  # a form standing for every row's
        forms = [first] if first is not None else self.formset.forms
        for form in [*forms, self.formset.empty_form]:
            kind = (type(form), *(_widget_kind(field.widget) for field in form.fields.values()))
            if kind not in seen:
                seen.add(kind)
                media += form.media
        return media


def _widget_kind(widget: Any) -> tuple[type, ...]:
    inner = getattr(widget, "widget", None)  # the related-field wrapper's media are its widget's
    return (type(widget), type(inner))


class ScopedAdmin(SoundInput, QuickWidgets, RefusesStaleAdminSave, SimpleHistoryAdmin, Generic[ModelT]):
    """Scope the model by the path from it to its intervention (`intervention_path`, "" for the
    intervention itself) or, for records of a local authority, to that authority (`authority_path`)."""

    intervention_path: str | None = None
    authority_path: str | None = None
    # DfE staff see every case's records: lists of them are long, and a page of a hundred rows
    # costs twice a page of fifty to draw. The GOV.UK pages show fifty too.
    list_per_page = 50
    # "50 results (12,000 total)" costs a second count of the whole table on every list page, and
    # date hierarchies a scan of it for the years: lists filter by date with list_filter instead.
    show_full_result_count = False
    # Its rows drawn with what is the same for each worked out once (intervention.templatetags.quick_admin_list).
    change_list_template = "admin/quick_change_list.html"

    def action_checkbox(self, obj: Model) -> str:
        # Django's draws a form widget through a template for every row; this is the same markup.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            f"Select this object for an action - {obj}",
        )

    def get_inline_formsets(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        inline_formsets = super().get_inline_formsets(request, *args, **kwargs)
        for inline_formset in inline_formsets:
            if type(inline_formset) is helpers.InlineAdminFormSet:
                inline_formset.__class__ = QuickMediaInlineAdminFormSet  # the same object, its media gathered once
        return inline_formsets

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
        return permissions.access_for(request.user).may_use_admin  # none for an inactive user

    def has_view_permission(self, request: HttpRequest, obj: ModelT | None = None) -> bool:
        if not self.has_module_permission(request):
            return False
        return obj is None or permissions.can_view(request.user, obj)

    def has_change_permission(self, request: HttpRequest, obj: ModelT | None = None) -> bool:
        if not self.has_module_permission(request):
            return False
        if obj is None:
            return self.may_change_some(request)
        return permissions.can_change(request.user, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.has_module_permission(request) and self.may_change_some(request)

    def has_delete_permission(self, request: HttpRequest, obj: ModelT | None = None) -> bool:
        # Nothing statutory is deleted: records are closed, ended, withdrawn, revoked or superseded.
        return False

    def may_change_some(self, request: HttpRequest) -> bool:
        """Whether the user may change records of this kind on some case; by default DfE staff."""
        return permissions.access_for(request.user).sees_everything

    @property
    def owner_field(self) -> str | None:
        """The field that says whose record this is: the case it belongs to, or for a case (and a
        record of an authority) the local authority."""
        scope_path = self.intervention_path if self.intervention_path is not None else self.authority_path
        if scope_path is None:
            return None
        return scope_path.split("__")[0] or "local_authority"

    def get_readonly_fields(self, request: HttpRequest, obj: ModelT | None = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        # A record never moves to another council's case in the admin: that would hand it, with its
        # history and evidence, to that council's officers.
        if obj is not None and self.owner_field and self.owner_field not in readonly:
            readonly.append(self.owner_field)
        return readonly

    def save_model(self, request: HttpRequest, obj: ModelT, form: Any, change: bool) -> None:
        self.refuse_unless_may_write(request, obj, change=change)
        obj._history_user = request.user  # type: ignore[attr-defined]  # simple-history reads it off the instance
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            if inline_form.has_changed() and not permissions.can_change(request.user, inline_form.instance):
                raise PermissionDenied
        super().save_formset(request, form, formset, change)

    def refuse_unless_may_write(self, request: HttpRequest, obj: ModelT, *, change: bool) -> None:
        """The last word before any admin view writes: whatever view got here (change form, history
        version, action), the user must hold change rights on the record as stored and as it would be."""
        if change:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            if stored is None or not self.has_change_permission(request, stored):
                raise PermissionDenied
        elif not self.has_add_permission(request):
            raise PermissionDenied
        if not self.has_change_permission(request, obj):
            raise PermissionDenied

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> HttpResponse:
        # simple-history looks the record up unscoped, and an id that is not a number is a server error there.
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        """An old version, to read. Reverting is switched off (it would bypass the services' rules),
        so this page never saves, whoever asks: simple-history's own view saves on POST for anyone
        who may view the record."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def render_history_view(self, request: HttpRequest, template: str, context: dict, **kwargs: Any) -> HttpResponse:
        adminform = context.get("adminform")
        if adminform is not None:  # an old version's page (the history list has no form): every field as text
            fields = flatten_fieldsets(adminform.fieldsets)
            context["adminform"] = helpers.AdminForm(
                adminform.form, adminform.fieldsets, {}, readonly_fields=fields, model_admin=self
            )
            context.update(revert_disabled=True, has_change_permission=False, has_add_permission=False)
        return super().render_history_view(request, template, context, **kwargs)


class ScopedInline(QuickWidgets, admin.TabularInline, Generic[ModelT]):
    """Inlines follow their parent's rights; deleting a statutory row is never offered."""

    extra = 0
    can_delete = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each row carries the version it was read at: a row someone else changed since is refused.
        self.form = refusing_stale_saves(self.form, rows=True)
        if self.formset is BaseInlineFormSet:
            self.formset = StaleRowsFormSet  # every row's version in two queries

    def get_fields(self, request: HttpRequest, obj: ModelT | None = None) -> Any:
        fields = [field for field in super().get_fields(request, obj) if field != SEEN_FIELD]
        if obj is not None and self.has_change_permission(request, obj):
            fields.append(SEEN_FIELD)  # a hidden input, drawn in the row's first cell
        return fields

    def has_change_permission(self, request: HttpRequest, obj: ModelT | None = None) -> bool:
        return obj is None or permissions.can_change(request.user, obj)

    def has_add_permission(self, request: HttpRequest, obj: ModelT | None = None) -> bool:
        return obj is None or permissions.can_change(request.user, obj)

    def has_view_permission(self, request: HttpRequest, obj: ModelT | None = None) -> bool:
        return obj is None or permissions.can_view(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ModelT | None = None) -> bool:
        return False


class RowsShareFields(dict):
    """An inline's fields, shared by its rows' forms: Django deep-copies every field, with its widget
    and choices, into each row's form, and a case's thirty-odd appointment rows (an instrument's
    thirty-odd clauses) spent more making the copies than drawing them. Nothing changes a field or
    widget in place per row (a row's id and parent are fields of its own, its values are the form's),
    and the fields are the page's own: the inline's form class, with its fields, is made for each
    request."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return dict(self)


class SharedFieldsInline(ScopedInline):
    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        # Copied once for the page: fields declared on a form class (the seen version) are the class's.
        formset.form.base_fields = RowsShareFields(copy.deepcopy(formset.form.base_fields))
        return formset
