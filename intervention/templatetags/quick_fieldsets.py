"""A change form's fieldsets drawn in Python, with the markup admin/includes/fieldset.html gives them
(tests compare the two). An issued instrument's page is mostly read-only fields, and the template
engine's dozen lookups and conditions a field, through nested includes, cost more than the fields'
own contents."""

from __future__ import annotations

import html
from typing import Any

from django import template
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from intervention.widgets import _escape

register = template.Library()


@register.simple_tag
def quick_fieldsets(adminform: Any, heading_level: int = 2, prefix: str = "fieldset", id_prefix: int = 0) -> SafeString:
    """Every fieldset of the form, as change_form.html's field_sets block includes them."""
    return SafeString(  # every part is escaped, or drawn safe by Django's own helpers
        "".join(
            _fieldset(fieldset, heading_level=heading_level, heading_id=f"{prefix}-{id_prefix}-{index}-heading")
            for index, fieldset in enumerate(adminform)
        )
    )


def _fieldset(fieldset: Any, *, heading_level: int, heading_id: str) -> str:
    parts = [f'<fieldset class="module aligned {_escape(fieldset.classes)}"']
    if fieldset.name:
        parts.append(f' aria-labelledby="{heading_id}">')
        name = _escape(fieldset.name)
        heading = f'<h{heading_level} id="{heading_id}" class="fieldset-heading">{name}</h{heading_level}>'
        parts.append(f"<details><summary>{heading}</summary>" if fieldset.is_collapsible else heading)
    else:
        parts.append(">")
    if fieldset.description:
        parts.append(f'<div class="description">{fieldset.description}</div>')  # shown as it is, as |safe does
    parts.extend(_line(line) for line in fieldset)
    if fieldset.name and fieldset.is_collapsible:
        parts.append("</details>")
    parts.append("</fieldset>")
    return "".join(parts)


def _line(line: Any) -> str:
    fields = list(line)  # each iteration makes new field helpers: the template made them twice
    single = len(line.fields) == 1
    # A form without errors (one just opened, most often) has an empty list for each field, drawn
    # through a template to nothing: it is not drawn.
    errors = str(line.errors()) if single and line.form.errors else ""
    classes = "form-row"
    if errors:
        classes += " errors"
    if not line.has_visible_field:
        classes += " hidden"
    classes += "".join(f" field-{_escape(name)}" for name in (_name(field) for field in fields) if name)
    opening = errors if single else '<div class="flex-container form-multiline">'
    parts = [f'<div class="{classes}">', opening]
    parts.extend(_field(field, single=single) for field in fields)
    if not single:
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def _field(field: Any, *, single: bool) -> str:
    bound = field.field  # a BoundField, or for a read-only field a dict of its name, label and help text
    hidden = bound["is_hidden"] if field.is_readonly else bound.is_hidden
    errors = "" if field.is_readonly or not bound.form.errors else str(field.errors())
    classes = "flex-container"
    if not single:
        name = _name(field)
        classes += " fieldBox" + (f" field-{_escape(name)}" if name else "")
        classes += (" errors" if errors else "") + (" hidden" if hidden else "")
    if field.is_checkbox:
        classes += " checkbox-row"
        shown = f"{bound}{_label_tag(field)}"
    elif field.is_readonly:
        shown = f'{_readonly_label_tag(field)}<div class="readonly">{field.contents()}</div>'
    else:
        shown = f"{_label_tag(field)}{bound}"
    parts = ["<div>", errors if not single else "", f'<div class="{classes}">{shown}</div>']
    help_text = bound["help_text"] if field.is_readonly else bound.help_text
    if help_text:
        label_id = "" if field.is_readonly else bound.id_for_label
        described = f' id="{_escape(label_id)}_helptext"' if label_id else ""
        parts.append(f'<div class="help{" hidden" if hidden else ""}"{described}><div>{help_text}</div></div>')
    parts.append("</div>")
    return "".join(parts)


def _label_tag(field: Any) -> str:
    """AdminField.label_tag(), written out as django/forms/label.html draws it (a template a field).
    A form that draws its labels otherwise (a template, a renderer or a required class of its own), or
    a field with no id to label, is drawn by Django."""
    bound = field.field
    form = bound.form
    widget = bound.field.widget
    label_for = widget.attrs.get("id") or bound.auto_id
    if (
        not label_for
        or form.template_name_label != "django/forms/label.html"
        or type(form.renderer) is not DjangoTemplates
        or hasattr(form, "required_css_class")
    ):
        return str(field.label_tag())
    contents = conditional_escape(bound.label)
    if field.is_checkbox:
        suffix = ""
    else:
        suffix = bound.field.label_suffix if bound.field.label_suffix is not None else form.label_suffix
    if suffix and contents and contents[-1] not in gettext(":?.!"):
        contents = format_html("{}{}", contents, suffix)
    classes = [
        *(["vCheckboxLabel"] if field.is_checkbox else []),
        *(["required"] if bound.field.required else []),
        *(["inline"] if not field.is_first else []),
    ]
    attrs: dict[str, Any] = {"class": " ".join(classes)} if classes else {}
    if id_for_label := widget.id_for_label(label_for):
        attrs["for"] = id_for_label
    # django/forms/attrs.html: in the order given, False left out, True as a bare name, any other
    # value made text (`stringformat:'s'`, so escaped even where it was safe).
    shown = "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{html.escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )
    return f"<label{shown}>{contents}</label>"


def _readonly_label_tag(field: Any) -> str:
    """AdminReadonlyField.label_tag(), written out: an issued instrument's page has a dozen and more
    read-only fields, and Django's puts each label together through format_html, flatatt and capfirst.
    A label that is not plain text (lazy, safe, or none) is drawn by Django."""
    label = field.field["label"]
    if type(label) is not str or not label:
        return str(field.label_tag())
    classes = "" if field.is_first else ' class="inline"'
    return f"<label{classes}>{html.escape(label[0].upper() + label[1:])}{_escape(field.form.label_suffix)}</label>"


def _name(field: Any) -> str:
    return field.field["name"] if field.is_readonly else field.field.name


@register.simple_tag
def fieldsets_as_django_draws_them(adminform: Any) -> SafeString:
    """change_form.html's field_sets block, byte for byte, its spacing too: its loop including
    admin/includes/fieldset.html for each fieldset, each written out here with the template's text
    between its tags (a page whose HTML is compared with Django's must not change a byte). A row's
    page (an obligation, a priority) spent two thirds of its time in that template's lookups."""
    fieldsets = (
        f"\n  {_spaced_fieldset(fieldset, heading_id=f'fieldset-0-{index}-heading')}\n"
        for index, fieldset in enumerate(adminform)
    )
    return SafeString(f"\n{''.join(fieldsets)}\n")  # every part is escaped, or drawn safe by Django's own helpers


def _spaced_fieldset(fieldset: Any, *, heading_id: str) -> str:
    named = bool(fieldset.name)
    parts = [f'<fieldset class="module aligned {_escape(fieldset.classes)}"']
    parts.append(f' aria-labelledby="{heading_id}">\n    ' if named else ">\n    ")
    if named:
        collapsible = fieldset.is_collapsible
        parts.append(
            f"\n        {'<details><summary>' if collapsible else ''}\n        "
            f'<h2 id="{heading_id}" class="fieldset-heading">{_escape(fieldset.name)}</h2>\n        '
            f"{'</summary>' if collapsible else ''}\n    "
        )
    parts.append("\n    ")
    if fieldset.description:  # shown as it is, as |safe does
        parts.append(f'\n        <div class="description">{fieldset.description}</div>\n    ')
    parts.append("\n    ")
    parts.extend(_spaced_line(line) for line in fieldset)
    parts.append(f"\n    {'</details>' if named and fieldset.is_collapsible else ''}\n</fieldset>\n")
    return "".join(parts)


def _spaced_line(line: Any) -> str:
    fields = list(line)  # each iteration makes new field helpers
    single = len(line.fields) == 1
    # The line's errors; a form without any (one just opened) draws each field's empty list to nothing.
    errors = str(line.errors()) if single and line.form.errors else ""
    classes = "form-row"
    if single and errors:
        classes += " errors"
    if not line.has_visible_field:
        classes += " hidden"
    classes += "".join(f" field-{_escape(name)}" for name in (_name(field) for field in fields) if name)
    opening = errors if single else '<div class="flex-container form-multiline">'
    parts = [f'\n        <div class="{classes}">\n            {opening}\n            ']
    parts.extend(_spaced_field(field, single=single) for field in fields)
    parts.append(f"\n            {'' if single else '</div>'}\n        </div>\n    ")
    return "".join(parts)


def _spaced_field(field: Any, *, single: bool) -> str:
    bound = field.field  # a BoundField, or for a read-only field a dict of its name, label and help text
    readonly = field.is_readonly
    hidden = bound["is_hidden"] if readonly else bound.is_hidden
    errors = "" if readonly or not bound.form.errors else str(field.errors())  # none to draw: nothing
    classes = "flex-container"
    if not single:
        name = _name(field)
        classes += " fieldBox" + (f" field-{_escape(name)}" if name else "")
        classes += (" errors" if errors else "") + (" hidden" if hidden else "")
    if field.is_checkbox:
        classes += " checkbox-row"
    parts = [f"\n                <div>\n                    {errors if not single else ''}"]
    parts.append(f'\n                        <div class="{classes}">\n                            ')
    if field.is_checkbox:
        parts.append(f"\n                                {bound}{_label_tag(field)}\n                            ")
    else:
        label = _readonly_label_tag(field) if readonly else _label_tag(field)
        parts.append(f"\n                                {label}\n                                ")
        if readonly:
            parts.append(f'\n                                    <div class="readonly">{field.contents()}</div>\n')
        else:
            parts.append(f"\n                                    {bound}\n")
        parts.append("                                \n                            ")
    parts.append("\n                        </div>\n                    ")
    help_text = bound["help_text"] if readonly else bound.help_text
    if help_text:
        label_id = "" if readonly else bound.id_for_label
        described = f' id="{_escape(label_id)}_helptext"' if label_id else ""
        parts.append(
            f'\n                        <div class="help{" hidden" if hidden else ""}"{described}>\n'
            f"                            <div>{help_text}</div>\n                        </div>\n                    "
        )
    parts.append("\n                </div>\n            ")
    return "".join(parts)
