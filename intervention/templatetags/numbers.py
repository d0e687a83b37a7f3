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
