"""Form widgets for the admin screens, drawn in Python.

Django draws every widget, and every option of a dropdown, through a template: about a tenth of a
millisecond each. An instrument's admin form has some seventy rows of inlines (clauses, priorities,
obligations), each with dropdowns of the instrument's thirty clauses, and drawing its widgets took
most of its time. These widgets write the same markup as Django's templates (the attributes in the
same form, `required` and other true-or-false ones after the rest), with the same classes and media."""

from __future__ import annotations

import copy
import functools
import html
from typing import Any

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.db import models
from django.forms.widgets import Input
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def _escape(value: Any) -> str:
    """django.utils.html.conditional_escape, without its wrappers for lazy text (a widget's attributes
    and options are escaped by the hundred on a long form)."""
    if type(value) is str:  # plain text, the commonest: neither lazy nor safe
        return html.escape(value)
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def flatatt(attrs: dict[str, Any]) -> SafeString:
    """django.forms.utils.flatatt, written out: the same attributes in the same order (sorted, true
    or false ones last), escaped the same way, without a format_html call for each. (Text known to be
    safe is made SafeString directly, here and below: mark_safe's check for lazy text, some hundreds
    of times a long form, cost more than the attributes.)"""
    pairs = []
    flags = []
    for name, value in attrs.items():
        if isinstance(value, bool):
            if value:
                flags.append(name)
        elif value is not None:
            pairs.append((name, value))
    pairs.sort(key=lambda pair: pair[0])
    flags.sort()
    return SafeString(  # every name and value is escaped
        "".join(
            [
                _plain_attribute(name, value)
                if type(name) is str and type(value) is str
                else f' {_escape(name)}="{_escape(value)}"'
                for name, value in pairs
            ]
            + [f" {_escape(name)}" for name in flags]
        )
    )


@functools.lru_cache(maxsize=4096)
def _plain_attribute(name: str, value: str) -> str:
    """An attribute of plain text (not safe text, which is equal to plain text but not escaped): the
    rows of a long form repeat the same ones, each escaped once."""
    return f' {html.escape(name)}="{html.escape(value)}"'


def _select(widget: dict[str, Any]) -> SafeString:
    """django/forms/widgets/select.html and select_option.html."""
    parts: list[str] = []
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(format_html('<optgroup label="{}">', group_name))
        parts.extend(
            f'<option value="{_escape(option["value"])}"{flatatt(option["attrs"])}>{_escape(option["label"])}</option>'
            for option in options
        )
        if group_name:
            parts.append("</optgroup>")
    return SafeString(  # every part is escaped
        f'<select name="{_escape(widget["name"])}"{flatatt(widget["attrs"])}>{"".join(parts)}</select>'
    )


class QuickSelect(forms.Select):
    """Reads the choices straight, without building Django's dictionary of context per option."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        # Widget.get_context, not Select's: that one lays out every option for a template.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        chosen = set(widget["value"])
        has_selected = False

        def option(option_value: Any, label: Any) -> str:
            nonlocal has_selected
            option_value = "" if option_value is None else str(option_value)
            selected = not has_selected and option_value in chosen
            has_selected |= selected
            shown = " selected" if selected else ""
            return f'<option value="{_escape(option_value)}"{shown}>{_escape(label)}</option>'

        drawn = self._drawn_options()
        if drawn is not None:  # options worked out once: only which is selected differs
            parts: list[str] = []
            for option_value, escaped_value, escaped_label in drawn:
                selected = not has_selected and option_value in chosen
                has_selected |= selected
                shown = " selected" if selected else ""
                parts.append(f'<option value="{escaped_value}"{shown}>{escaped_label}</option>')
            return SafeString(  # every part is escaped
                f'<select name="{_escape(widget["name"])}"{flatatt(widget["attrs"])}>{"".join(parts)}</select>'
            )
        parts = []
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts.extend(option(*choice) for choice in label)
                parts.append("</optgroup>")
            else:
                parts.append(option(option_value, label))
        return SafeString(  # every part is escaped
            f'<select name="{_escape(widget["name"])}"{flatatt(widget["attrs"])}>{"".join(parts)}</select>'
        )

    def _drawn_options(self) -> list[tuple[str, str, str]] | None:
        """Each option's value, and its value and label escaped, for options that never change once
        made (`frozen`, as the admin's FixedChoices): the rows of an inline share the widget and draw
        the same options, escaped once for the page. None for any other options, or groups of them."""
        choices = self.choices
        if not getattr(choices, "frozen", False):
            return None
        # A copy of the widget given other options finds them not the ones these were drawn from.
        cached = self.__dict__.get("_quick_options")
        if cached is not None and cached[0] is choices:
            return cached[1]
        drawn = []
        for option_value, label in choices:
            if isinstance(label, list | tuple):
                return None
            shown = "" if option_value is None else str(option_value)
            drawn.append((shown, _escape(shown), _escape(label)))
        self.__dict__["_quick_options"] = (choices, drawn)
        return drawn


class SharedChoicesField(forms.TypedChoiceField):
    """A model field's fixed choices (a role, a kind), shared by every form of a page instead of copied
    into each: Django deep-copies them, label by label, for each row of an inline. Nothing changes a
    field's choices in place; a form that sets others assigns a new list to its own copy."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        return forms.Field.__deepcopy__(self, memo)


class QuickFilteredSelectMultiple(admin_widgets.FilteredSelectMultiple):
    """The admin's two-list chooser (filter_horizontal): a multiple select its script rebuilds."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        if type(self) is not QuickFilteredSelectMultiple:  # a context of its own making: drawn from it
            return _select(self.get_context(name, value, attrs)["widget"])
        # Widget.get_context, then the attributes Select's and FilteredSelectMultiple's add, in their
        # order: ChoiceWidget's lays out every option (an instrument's dozens of appointments) as a
        # dictionary for a template, which _select then reads back.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        widget["attrs"]["multiple"] = True
        widget["attrs"]["class"] = "selectfilter" + ("stacked" if self.is_stacked else "")
        widget["attrs"]["data-field-name"] = self.verbose_name
        widget["attrs"]["data-is-stacked"] = int(self.is_stacked)
        chosen = widget["value"]
        options = []
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # groups of options: laid out as Django lays them out
                return _select(self.get_context(name, value, attrs)["widget"])
            shown = "" if option_value is None else option_value
            selected = " selected" if str(shown) in chosen else ""  # ChoiceWidget.optgroups, every one chosen
            options.append(f'<option value="{_escape(shown)}"{selected}>{_escape(label)}</option>')
        return SafeString(  # every part is escaped
            f'<select name="{_escape(widget["name"])}"{flatatt(widget["attrs"])}>{"".join(options)}</select>'
        )


def _input(widget: dict[str, Any]) -> SafeString:
    """django/forms/widgets/input.html."""
    value = f' value="{_escape(widget["value"])}"' if widget["value"] is not None else ""
    return SafeString(  # every part is escaped
        f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"{value}{flatatt(widget["attrs"])}>'
    )


# Stand-in for a row's id in an input's attributes worked out once for the page.
_ROW_ID = "__quick_row_id__"


def _quick_input(widget: Input, name: str, value: Any, attrs: dict[str, Any] | None) -> str:
    """_input(widget.get_context(...)["widget"]), for an input given only its id, as each row of an
    inline gives its widgets: the attributes, the same on every row but the id, are put together and
    escaped once for the page and given each row's id."""
    if (
        attrs is None
        or len(attrs) != 1
        or "id" not in attrs
        or "id" in widget.attrs
        or type(widget).build_attrs is not forms.Widget.build_attrs  # attributes of its own making
    ):
        return _input(widget.get_context(name, value, attrs)["widget"])
    try:
        key = tuple(sorted(widget.attrs.items()))
    except TypeError:  # an attribute that is not plain text: worked out each time
        return _input(widget.get_context(name, value, attrs)["widget"])
    # Copies of the widget (one a row's form) share the dictionary; the key is what it comes from.
    drawn: dict[tuple[Any, ...], str] = widget.__dict__.setdefault("_quick_attributes", {})
    flat = drawn.get(key)
    if flat is None:
        flat = drawn[key] = flatatt(widget.build_attrs(widget.attrs, {"id": _ROW_ID}))
    shown = widget.format_value(value)
    value_attribute = f' value="{_escape(shown)}"' if shown is not None else ""
    attributes = flat.replace(_ROW_ID, _escape(attrs["id"]))
    return f'<input type="{_escape(widget.input_type)}" name="{_escape(name)}"{value_attribute}{attributes}>'


class QuickHiddenInput(forms.HiddenInput):
    """django/forms/widgets/hidden.html: every row of an inline carries three (its id, its parent and
    the version it was read at)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        return SafeString(_quick_input(self, name, value, attrs))  # every part is escaped


class QuickTextInput(admin_widgets.AdminTextInputWidget):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        return SafeString(_quick_input(self, name, value, attrs))  # every part is escaped


class QuickIntegerInput(admin_widgets.AdminIntegerFieldWidget):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        return SafeString(_quick_input(self, name, value, attrs))  # every part is escaped


class QuickDateInput(admin_widgets.AdminDateWidget):
    """admin/widgets/date.html: the input in a paragraph the calendar script finds."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        return SafeString(f'<p class="date">{_quick_input(self, name, value, attrs)}</p>')  # escaped


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


class QuickRelatedFieldWidgetWrapper(admin_widgets.RelatedFieldWidgetWrapper):
    """admin/widgets/related_widget_wrapper.html: the links to change, add, delete or view the chosen
    record beside its dropdown, drawn once for the page and given each row's name and dropdown."""

    related_urls: dict[Any, str]

    LINK = (
        '<a class="related-widget-wrapper-link {kind}-related" id="{kind}_id_{name}"{target}{popup} title="{title}">'
        '<img src="{icon}" alt="" width="24" height="24"></a>'
    )

    # Each link: its kind, the permission that shows it, its address and parameters, whether the script
    # fills the chosen id into the address (a template) or it is followed as it is, and its title.
    LINKS = (
        (
            "change",
            "can_change_related",
            "change_related_template_url",
            "url_params",
            True,
            "Change selected %(model)s",
        ),
        ("add", "can_add_related", "add_related_url", "url_params", False, "Add another %(model)s"),
        (
            "delete",
            "can_delete_related",
            "delete_related_template_url",
            "url_params",
            True,
            "Delete selected %(model)s",
        ),
        (
            "view",
            "can_view_related",
            "change_related_template_url",
            "view_related_url_params",
            True,
            "View selected %(model)s",
        ),
    )

    @classmethod
    def of(cls, wrapper: admin_widgets.RelatedFieldWidgetWrapper) -> QuickRelatedFieldWidgetWrapper:
        """The same wrapper, drawn quickly: it keeps the wrapped widget and every permission."""
        quick = cls.__new__(cls)
        quick.__dict__.update(wrapper.__dict__)
        quick.related_urls = {}  # shared by the copies each row's form makes: the links are the same
        return quick

    def get_related_url(self, info: tuple[str, str], action: str, *args: Any) -> str:
        key = (info, action, args)
        if key not in self.related_urls:
            self.related_urls[key] = super().get_related_url(info, action, *args)
        return self.related_urls[key]

    def icon(self, kind: str) -> str:
        from django.templatetags.static import static

        key = ("icon", kind)
        if key not in self.related_urls:
            self.related_urls[key] = static(f"admin/img/icon-{kind}link.svg")
        return self.related_urls[key]

    # Stand-ins for a row's field name and its widget in the wrapper drawn once for the page: the rows
    # differ in nothing else (the links' ids are the name's).
    NAME = "__quick_name__"
    WIDGET = "__quick_widget__"

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        if "frame" not in self.related_urls:
            self.related_urls["frame"] = self.frame(value, attrs)
        return SafeString(  # the frame and the widget are drawn escaped, the name is escaped
            self.related_urls["frame"]
            .replace(self.NAME, _escape(name))
            .replace(self.WIDGET, self.widget.render(name, value, attrs))
        )

    def frame(self, value: Any, attrs: dict[str, Any] | None) -> str:
        from django.utils.translation import gettext

        # Django's context draws the wrapped widget too (for an instrument's appointments, every
        # option): the frame has a stand-in where it goes, so a copy of the wrapper leaves it undrawn.
        undrawn = copy.copy(self)
        undrawn.widget = _Undrawn(self.widget)  # type: ignore[assignment]  # read as the widget it stands for
        context = undrawn.get_context(self.NAME, value, attrs)
        links = []
        if not context["is_hidden"]:
            model = context["model"]
            for kind, may, url, params, template, title in self.LINKS:
                if not context[may]:
                    continue
                href = f"{context[url]}?{context[params]}"
                links.append(
                    format_html(
                        self.LINK,
                        kind=kind,
                        name=self.NAME,
                        target=format_html(' data-href-template="{}"' if template else ' href="{}"', href),
                        popup=mark_safe(' data-popup="yes"' if kind != "view" else ""),  # noqa: S308 - a constant
                        title=gettext(title) % {"model": model},
                        icon=self.icon(kind),
                    )
                )
        limited = context["model_has_limit_choices_to"]
        model_ref = "" if limited else format_html(' data-model-ref="{}"', context["model_name"])
        return format_html(
            '<div class="related-widget-wrapper"{}>\n    {}\n    {}\n</div>',
            model_ref,
            mark_safe(self.WIDGET),  # noqa: S308 - a constant
            mark_safe("".join(links)),  # noqa: S308 - every part was escaped by format_html
        )


class _Undrawn:
    """A widget as the related-field wrapper's context reads it, drawn as nothing."""

    def __init__(self, widget: forms.Widget) -> None:
        self.widget = widget

    def __getattr__(self, name: str) -> Any:
        return getattr(self.widget, name)

    def render(self, *args: Any, **kwargs: Any) -> str:
        return ""


class KnownAutocompleteSelect(admin_widgets.AutocompleteSelect):
    """Django's autocomplete, drawing the record already chosen from `known` (the row's own related
    record, fetched with the rows) instead of looking it up: a query a row otherwise. Anything else
    chosen, such as a value sent back with an error, is looked up as Django does."""

    known: dict[str, Any] = {}  # never changed: a form that fills it in gives its widget a dict of its own

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.search_url: list[str] = []  # shared by the copies each row's form makes: looked up once
        self.flat_attrs: dict[tuple[Any, ...], str] = {}  # likewise, keyed by everything they come from

    def get_url(self) -> str:
        if not self.search_url:
            self.search_url.append(super().get_url())
        return self.search_url[0]

    # Stand-in for a row's id in the attributes worked out once for the page.
    ID = "__quick_id__"

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        values = self.format_value(value)
        chosen = {str(v) for v in values if str(v) not in self.choices.field.empty_values}
        if not chosen <= self.known.keys() or self.allow_multiple_selected:
            return _select(self.get_context(name, value, attrs)["widget"])
        # A known record, or none (a blank row): the select's attributes (a dozen for the search
        # script) are the same on every row but the id, so they are worked out once and given each
        # row's id.
        extra = dict(attrs or {})
        row_id = extra.pop("id", None)
        key = (tuple(sorted(self.attrs.items())), tuple(sorted(extra.items())), row_id is None, self.is_required)
        flat = self.flat_attrs.get(key)
        if flat is None:
            if row_id is not None:
                extra["id"] = self.ID
            flat = self.flat_attrs[key] = flatatt(self.build_attrs(self.attrs, extra))
        if row_id is not None:
            flat = flat.replace(self.ID, _escape(row_id))
        options = ['<option value=""></option>'] if not self.is_required else []
        label = self.choices.field.label_from_instance
        for pk in sorted(chosen):
            options.append(f'<option value="{_escape(pk)}" selected>{_escape(label(self.known[pk]))}</option>')
        return SafeString(f'<select name="{_escape(name)}"{flat}>{"".join(options)}</select>')  # escaped

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
