"""A filter's `<option>`s, written out in Python: the dashboard's list of commissioners and advisers
runs to hundreds, and a template loop with a comparison per option cost more than the rest of the form."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def filter_options(choices: Iterable[tuple[Any, Any]], chosen: Any) -> SafeString:
    """Each choice as `<option value="...">label</option>`, the chosen one `selected`, values compared
    as text (as the field's value arrives from the query string), values and labels escaped as the
    template's `{{ }}` escapes them."""
    chosen = str(chosen)
    return mark_safe(  # noqa: S308 - escaped values in fixed markup
        "".join(
            f'<option value="{conditional_escape(value)}"{" selected" if str(value) == chosen else ""}>'
            f"{conditional_escape(label)}</option>"
            for value, label in choices
        )
    )
