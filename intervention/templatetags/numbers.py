from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def plain_number(value: object) -> str:
    """A figure as people write it: 44.5, not 44.50; 100, not 1E+2."""
    if value is None or value == "":
        return ""
    try:
        text = f"{Decimal(str(value)):f}"
    except InvalidOperation:
        return str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def plain_duration(value: object) -> str:
    """A length of time as people say it: 30 minutes, 1 hour, 1 hour 30 minutes."""
    if not isinstance(value, timedelta):
        return ""
    hours, minutes = divmod(round(value.total_seconds() / 60), 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)
