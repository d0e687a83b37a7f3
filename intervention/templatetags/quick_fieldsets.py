"""A change form's fieldsets drawn in Python, with the markup admin/includes/fieldset.html gives them
(tests compare the two). An issued instrument's page is mostly read-only fields, and the template
engine's dozen lookups and conditions a field, through nested includes, cost more than the fields'
own contents."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

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
    classes = "form-row"
    if single and line.errors():
        classes += " errors"
    if not line.has_visible_field:
        classes += " hidden"
    classes += "".join(f" field-{_escape(name)}" for name in (_name(field) for field in fields) if name)
    opening = str(line.errors()) if single else '<div class="flex-container form-multiline">'
    parts = [f'<div class="{classes}">', opening]
    parts.extend(_field(field, single=single) for field in fields)
    if not single:
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def _field(field: Any, *, single: bool) -> str:
    bound = field.field  # a BoundField, or for a read-only field a dict of its name, label and help text
    hidden = bound["is_hidden"] if field.is_readonly else bound.is_hidden
    errors = "" if field.is_readonly else str(field.errors())
    classes = "flex-container"
    if not single:
        name = _name(field)
        classes += " fieldBox" + (f" field-{_escape(name)}" if name else "")
        classes += (" errors" if errors else "") + (" hidden" if hidden else "")
    if field.is_checkbox:
        classes += " checkbox-row"
        shown = f"{bound}{field.label_tag()}"
    elif field.is_readonly:
        shown = f'{field.label_tag()}<div class="readonly">{field.contents()}</div>'
    else:
        shown = f"{field.label_tag()}{bound}"
    parts = ["<div>", errors if not single else "", f'<div class="{classes}">{shown}</div>']
    help_text = bound["help_text"] if field.is_readonly else bound.help_text
    if help_text:
        label_id = "" if field.is_readonly else bound.id_for_label
        described = f' id="{_escape(label_id)}_helptext"' if label_id else ""
        parts.append(f'<div class="help{" hidden" if hidden else ""}"{described}><div>{help_text}</div></div>')
    parts.append("</div>")
    return "".join(parts)


def _name(field: Any) -> str:
    return field.field["name"] if field.is_readonly else field.field.name
