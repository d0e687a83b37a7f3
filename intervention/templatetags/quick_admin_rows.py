"""An inline's rows drawn in Python, cell by cell, with the markup the tabular inline's templates give
them: a case's admin form has dozens of appointment rows of five fields, and a template drawing each
cell (with its empty error list, itself a template) was most of the page's time."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from intervention.stale import SEEN_FIELD
from intervention.widgets import _escape

register = template.Library()


@register.simple_tag
def row_cells(form: Any, formset: Any) -> SafeString:
    """A row's cells: what it is with its hidden inputs (its id and its parent's), each visible field
    under its errors, and, under a stored parent, the version the row was read at."""
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
