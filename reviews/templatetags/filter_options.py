"""A filter's `<option>`s, written out in Python: the dashboard's list of commissioners and advisers
runs to hundreds, and a template loop with a comparison per option cost more than the rest of the form."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django import template
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
            f'<option value="{_escaped(value)}"{" selected" if str(value) == chosen else ""}>{_escaped(label)}</option>'
            for value, label in choices
        )
    )


def _escaped(value: Any) -> str:
    """As `conditional_escape` writes a value (what is already safe as it is, anything else through
    html.escape, as Django's `escape` does), without its lazy-text wrapper: a few microseconds a call,
    twice an option, and the dashboard lists some hundreds of people."""
    return str(value.__html__()) if hasattr(value, "__html__") else html.escape(str(value))
