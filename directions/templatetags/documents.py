"""Template filters for laying instruments out as the documents are."""

import datetime

from django import template

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
