"""An inline's rows drawn in Python, cell by cell, with the markup the tabular inline's templates give
them: a case's admin form has dozens of appointment rows of five fields, and a template drawing each
cell (with its empty error list, itself a template) was most of the page's time."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from intervention.stale import SEEN_FIELD
from intervention.widgets import _escape, _input

register = template.Library()


@register.simple_tag
def inline_rows(inline_admin_formset: Any) -> SafeString:
    """The table's rows, laid out as the template's loop over them lays them out: each row under its
    own errors, then the blank row the page's script copies to add one. A template loop over thirty
    rows, with a dozen lookups a row, cost more than the rows' own markup."""
    formset = inline_admin_formset.formset
    prefix = _escape(formset.prefix)
    parts = ["\n    "]
    for index, form in enumerate(_rows(formset)):
        parts.append("\n      ")
        errors = form.non_field_errors() if form.is_bound else None  # a form not sent back has none
        if errors:
            colspan = len(form.visible_fields()) + 1
            parts.append(f'<tr class="row-form-errors"><td colspan="{colspan}">{errors}</td></tr>')
        original = " has_original" if form.instance.pk else ""
        parts.append(f'\n      <tr class="form-row{original}" id="{prefix}-{index}">\n        ')
        parts.append(f"{row_cells(form, formset)}\n      </tr>\n    ")
    parts.append("\n    ")
    if inline_admin_formset.has_add_permission:
        parts.append(f'\n      <tr class="form-row empty-form" id="{prefix}-empty">\n        ')
        parts.append(f"{row_cells(formset.empty_form, formset)}\n      </tr>\n    ")
    parts.append("\n    ")
    return SafeString("".join(parts))  # every part is escaped or drawn by its widget


def _rows(formset: Any) -> list[Any]:
    """The rows' forms; or, where they would differ in their values alone (StaleRowsFormSet.rows_alike)
    and every field is drawn by its widget alone, the first row's form and a stand-in for each other
    row with its record and values: making a form for each of a case's dozens of appointments cost
    more than drawing them."""
    rows_alike = getattr(formset, "rows_alike", None)
    first = rows_alike() if rows_alike is not None else None
    if (
        first is None
        or type(first).get_initial_for_field is not forms.BaseForm.get_initial_for_field
        or type(first).add_prefix is not forms.BaseForm.add_prefix
        or first.use_required_attribute
        or not all(_drawn_by_widget(first, name) for name in first.fields)
    ):
        return formset.forms
    return [first, *(RowShown(first, formset, index) for index in range(1, formset.initial_form_count()))]


class RowShown:
    """A stored row as its form would draw it, not sent back (what `_widget` and `row_cells` read, and
    directions.admin.IssuedClauseRows): the fields of the first row's form, which every row's form
    shares, and this row's record and values (StaleRowsFormSet.row_as_read)."""

    is_bound = False
    get_initial_for_field = forms.BaseForm.get_initial_for_field
    add_prefix = forms.BaseForm.add_prefix

    def __init__(self, first: forms.BaseForm, formset: Any, index: int) -> None:
        self.fields = first.fields
        assert isinstance(first.auto_id, str)  # as _rows found it: each field drawn by its widget alone
        self.auto_id: str = first.auto_id
        self.use_required_attribute = first.use_required_attribute
        self.bound_field_class = first.bound_field_class
        self.renderer = first.renderer
        self.prefix = formset.add_prefix(index)
        self.instance, self.initial = formset.row_as_read(index)


def row_cells(form: Any, formset: Any) -> SafeString:
    """A row's cells: what it is with its hidden inputs (its id and its parent's), each visible field
    under its errors, and, under a stored parent, the version the row was read at."""
    if form.is_bound:  # sent back: its values and errors are the data's, drawn through its bound fields
        return _bound_row_cells(form, formset)
    # A stand-in's fields are the first row's, each found drawn by its widget alone (_rows).
    widget = _shown_widget if type(form) is RowShown else _widget
    original = f"<p>{_escape(form.instance)}</p>" if form.instance.pk else ""
    pk_name, fk_name = formset.model._meta.pk.name, formset.fk.name
    cells = [f'<td class="original">{original}{widget(form, pk_name)}{widget(form, fk_name)}</td>\n']
    # A form not sent back has no errors: each visible field is its widget alone.
    cells.extend(
        f'<td class="field-{_escape(name)}">{widget(form, name)}</td>'
        for name, field in form.fields.items()
        if not field.widget.is_hidden
    )
    cells.append("\n")
    if formset.instance.pk:
        seen = widget(form, SEEN_FIELD) if SEEN_FIELD in form.fields else ""
        cells.append(f'<td class="field-seen_version hidden">{seen}</td>')
    cells.append('\n<td class="delete"></td>\n')
    return SafeString("".join(cells))  # every part is escaped or drawn by its widget


def _bound_row_cells(form: Any, formset: Any) -> SafeString:
    original = f"<p>{_escape(form.instance)}</p>" if form.instance.pk else ""
    cells = [f'<td class="original">{original}{form[formset.model._meta.pk.name]}{form[formset.fk.name]}</td>\n']
    for field in form.visible_fields():
        errors = field.errors.as_ul() if field.errors else ""
        cells.append(f'<td class="field-{_escape(field.name)}">{errors}{field}</td>')
    cells.append("\n")
    if formset.instance.pk:
        seen = form[SEEN_FIELD] if SEEN_FIELD in form.fields else ""
        cells.append(f'<td class="field-seen_version hidden">{seen}</td>')
    cells.append('\n<td class="delete"></td>\n')
    return SafeString("".join(cells))  # every part is escaped or drawn by its widget


@register.simple_tag
def management_form(formset: Any) -> SafeString:
    """`{{ formset.management_form }}`: its four hidden inputs, drawn in Python rather than through the
    form's template and a template for each input. One sent back is drawn by Django, with any errors."""
    form = formset.management_form
    if form.is_bound:
        return SafeString(str(form))  # drawn by the form's own template
    return SafeString("".join(_widget(form, name, quick=True) for name in form.fields))


def _widget(form: forms.BaseForm, name: str, *, quick: bool = False) -> str:
    """`str(form[name])` for a form not sent back, without the bound field: a case's rows draw some
    two hundred and fifty widgets, and the bound field's work around each (its attributes, its value,
    its errors) cost as much as drawing it. Where that work adds anything but the widget's id (a
    required, disabled or described field, an id of the widget's own, a field of its own bound-field
    class), the bound field draws it. With `quick`, Django's own hidden input is drawn in Python, as
    QuickHiddenInput draws it."""
    field = form.fields[name]
    widget = field.widget
    if not _drawn_by_widget(form, name):
        return str(form[name])
    initial = form.get_initial_for_field(field, name)
    if field.required and form.use_required_attribute and widget.use_required_attribute(initial):
        return str(form[name])
    auto_id = form.auto_id
    assert isinstance(auto_id, str)  # as _drawn_by_widget found it
    html_name = form.add_prefix(name)
    value = field.prepare_value(initial)
    if quick and type(widget) is forms.HiddenInput:
        return _input(widget.get_context(html_name, value, {"id": auto_id % html_name})["widget"])
    return widget.render(name=html_name, value=value, attrs={"id": auto_id % html_name}, renderer=form.renderer)


def _shown_widget(row: RowShown, name: str) -> str:
    """`_widget(row, name)` for a stand-in, whose fields `_rows` found drawn by their widgets alone,
    with no `required` attribute asked for: the same, without asking again for each row."""
    field = row.fields[name]
    html_name = f"{row.prefix}-{name}"
    value = field.prepare_value(row.get_initial_for_field(field, name))  # type: ignore[misc]  # the form's own: it reads only `initial`
    return field.widget.render(
        name=html_name, value=value, attrs={"id": row.auto_id % html_name}, renderer=row.renderer
    )


def _drawn_by_widget(form: forms.BaseForm, name: str) -> bool:
    """Whether the bound field adds nothing to the field's widget but its id (and, for a required
    field of a form that asks for them, the `required` attribute, which `_widget` checks)."""
    field = form.fields[name]
    widget = field.widget
    auto_id = form.auto_id
    return not (
        form.is_bound
        or not isinstance(auto_id, str)
        or "%s" not in auto_id
        or field.localize
        or field.show_hidden_initial
        or field.disabled
        or (field.help_text and not widget.is_hidden)
        or "id" in widget.attrs
        or "aria-describedby" in widget.attrs
        or (field.bound_field_class or form.bound_field_class or BoundField) is not BoundField
    )


@register.simple_tag
def tabular_rows(inline_admin_formset: Any) -> SafeString | None:
    """The rows of admin/edit_inline/tabular.html, byte for byte, for an inline whose rows are only read
    and answered (an instruction's responses): the template's three nested loops and a dozen lookups a
    cell cost more than the cells. The same helpers give each row's fields and their contents; only
    the template's own work is written out. None, for the template to draw them, where a row may be
    added, deleted or followed by a link, or where a row has errors of its own."""
    formset = inline_admin_formset.formset
    if (
        inline_admin_formset.has_add_permission
        or (formset.can_delete and inline_admin_formset.has_delete_permission)
        or inline_admin_formset.opts.show_change_link  # the inline's admin
    ):
        return None
    prefix = _escape(formset.prefix)
    parts = []
    for index, inline_admin_form in enumerate(inline_admin_formset):
        if inline_admin_form.show_url or inline_admin_form.form.non_field_errors():
            return None
        original = inline_admin_form.original
        parts.append(
            f'\n        \n        <tr class="form-row {"has_original" if original else ""}"\n'
            f'             id="{prefix}-{index}">\n        <td class="original">\n          '
        )
        if original:
            gap = "\n          "
            parts.append(f"<p>{gap}{gap}{conditional_escape(original)}{gap}{gap}{gap}\n            </p>")
        parts.append("\n          ")
        if inline_admin_form.needs_explicit_pk_field():
            parts.append(conditional_escape(inline_admin_form.pk_field().field))
        parts.append("\n          ")
        if inline_admin_form.fk_field():
            parts.append(conditional_escape(inline_admin_form.fk_field().field))
        parts.append("\n        </td>\n        ")
        for fieldset in inline_admin_form:
            parts.append("\n          ")
            for line in fieldset:
                parts.append("\n            ")
                for field in line:
                    parts.append(_tabular_cell(field))
                parts.append("\n          ")
            parts.append("\n        ")
        parts.append('\n        <td class="delete"></td>\n        </tr>\n     ')
    return SafeString("".join(parts))  # every part is escaped or drawn by Django's helpers


def _tabular_cell(field: Any) -> str:
    bound = field.field  # a BoundField, or for a read-only field a dict of its name, label and help text
    name = bound["name"] if field.is_readonly else bound.name
    hidden = bound["is_hidden"] if field.is_readonly else bound.is_hidden
    classes = (f"field-{_escape(name)}" if name else "") + (" hidden" if hidden else "")
    if field.is_readonly:
        shown = f"\n                  <p>{conditional_escape(field.contents())}</p>\n              "
    else:
        errors = bound.errors.as_ul() if bound.errors else ""
        shown = f"\n                  {errors}\n                  {conditional_escape(bound)}\n              "
    return f'\n              <td class="{classes}">\n              {shown}\n              </td>\n            '
