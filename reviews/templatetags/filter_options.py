"""A filter's `<option>`s, written out in Python: the dashboard's list of commissioners and advisers
runs to hundreds, and a template loop with a comparison per option cost more than the rest of the form."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.simple_tag
def filter_options(choices: Iterable[tuple[Any, Any]], chosen: Any) -> str:
    """Each choice as `<option value="...">label</option>`, the chosen one `selected`, values compared
    as text (as the field's value arrives from the query string)."""
    chosen = str(chosen)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if str(value) == chosen else "", label) for value, label in choices),
    )
