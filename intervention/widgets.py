"""Form widgets for the admin screens, drawn in Python.

Django draws every widget, and every option of a dropdown, through a template: about a tenth of a
millisecond each. An instrument's admin form has some seventy rows of inlines (clauses, priorities,
obligations), each with dropdowns of the instrument's thirty clauses, and drawing its widgets took
most of its time. These widgets write the same markup as Django's templates (the attributes in the
same form, `required` and other true-or-false ones after the rest), with the same classes and media."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.db import models
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def _select(widget: dict[str, Any]) -> SafeString:
    """django/forms/widgets/select.html and select_option.html."""
    parts: list[str] = []
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(format_html('<optgroup label="{}">', group_name))
        parts.extend(
            format_html('<option value="{}"{}>{}</option>', option["value"], flatatt(option["attrs"]), option["label"])
            for option in options
        )
        if group_name:
            parts.append("</optgroup>")
    return format_html(
        '<select name="{}"{}>{}</select>',
        widget["name"],
        flatatt(widget["attrs"]),
        mark_safe("".join(parts)),  # noqa: S308 - every part was escaped by format_html
    )


class QuickSelect(forms.Select):
    """Reads the choices straight, without building Django's dictionary of context per option."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        # Widget.get_context, not Select's: that one lays out every option for a template.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        chosen = set(widget["value"])
        has_selected = False

        def option(option_value: Any, label: Any) -> SafeString:
            nonlocal has_selected
            option_value = "" if option_value is None else str(option_value)
            selected = not has_selected and option_value in chosen
            has_selected |= selected
            return format_html('<option value="{}"{}>{}</option>', option_value, " selected" if selected else "", label)

        parts: list[str] = []
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts.extend(option(*choice) for choice in label)
                parts.append("</optgroup>")
            else:
                parts.append(option(option_value, label))
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(parts)),  # noqa: S308 - every part was escaped by format_html
        )


class QuickFilteredSelectMultiple(admin_widgets.FilteredSelectMultiple):
    """The admin's two-list chooser (filter_horizontal): a multiple select its script rebuilds."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        return _select(self.get_context(name, value, attrs)["widget"])


def _input(widget: dict[str, Any]) -> SafeString:
    """django/forms/widgets/input.html."""
    value = format_html(' value="{}"', widget["value"]) if widget["value"] is not None else ""
    return format_html(
        '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value, flatatt(widget["attrs"])
    )


class QuickTextInput(admin_widgets.AdminTextInputWidget):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        return _input(self.get_context(name, value, attrs)["widget"])


class QuickIntegerInput(admin_widgets.AdminIntegerFieldWidget):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        return _input(self.get_context(name, value, attrs)["widget"])


class QuickDateInput(admin_widgets.AdminDateWidget):
    """admin/widgets/date.html: the input in a paragraph the calendar script finds."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        return format_html('<p class="date">{}</p>', _input(self.get_context(name, value, attrs)["widget"]))


class QuickTextarea(admin_widgets.AdminTextareaWidget):
    """django/forms/widgets/textarea.html."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>', widget["name"], flatatt(widget["attrs"]), widget["value"] or ""
        )


# For ModelAdmin.formfield_overrides: the admin's own widgets for these fields, drawn in Python.
QUICK_WIDGETS: dict[type[models.Field], dict[str, Any]] = {
    models.CharField: {"widget": QuickTextInput},
    models.TextField: {"widget": QuickTextarea},
    models.DateField: {"widget": QuickDateInput},
    models.IntegerField: {"widget": QuickIntegerInput},
}


class KnownAutocompleteSelect(admin_widgets.AutocompleteSelect):
    """Django's autocomplete, drawing the record already chosen from `known` (the row's own related
    record, fetched with the rows) instead of looking it up: a query a row otherwise. Anything else
    chosen, such as a value sent back with an error, is looked up as Django does."""

    known: dict[str, Any] = {}  # replaced, never changed, per form

    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        chosen = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not chosen or not chosen <= self.known.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for key in sorted(chosen):
            label = self.choices.field.label_from_instance(self.known[key])
            options.append(self.create_option(name, key, label, True, len(options)))
        return [(None, options, 0)]
