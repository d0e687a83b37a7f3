"""Template filters for laying instruments out as the documents are."""

import datetime
import re

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


@register.filter
def legal_date(value: datetime.date | None) -> str:
    """'1st day of March 2023', as directions are dated."""
    if value is None:
        return ""
    return f"{ordinal(value.day)} day of {value:%B %Y}"


HYPHENATED = re.compile(r"[^\s<>&]+-[^\s<>&]+")


@register.filter(needs_autoescape=True)
def document_text(value: str, autoescape: bool = True) -> SafeString:
    """A paragraph's text for the printed document: escaped, line breaks kept, and a hyphenated word
    kept whole on its line. WeasyPrint (70) overfills the line after one it breaks at the hyphen and
    leaves the next word alone on a line ("permanence," in Worcestershire's recital 3(a))."""
    escaped = str(conditional_escape(value) if autoescape else value)
    kept = HYPHENATED.sub(lambda match: f'<span class="app-nowrap">{match.group(0)}</span>', escaped)
    return mark_safe(linebreaksbr(kept, autoescape=False))  # noqa: S308 - escaped above; only our spans added
