"""An indicator's latest move in words for the case pages, by the one trend rule (Indicator.trend)."""

from typing import Any

from django import template

from reviews.models.progress import TREND_BETTER, TREND_SAME, TREND_UNCHANGED

register = template.Library()

SAME_WORDS = {TREND_SAME: "no real change", TREND_UNCHANGED: "no change"}


@register.filter
def latest_trend(indicator: Any) -> str:
    """ " (up, better)", " (down, worse)", " (no real change)" or " (no change)": the move from the
    previous value to the latest (annotated on the indicator as `previous_value` and `latest_value`);
    empty with no previous value."""
    before, after = getattr(indicator, "previous_value", None), getattr(indicator, "latest_value", None)
    if before is None or after is None:
        return ""
    trend = indicator.trend(before, after)
    if trend in SAME_WORDS:
        return f" ({SAME_WORDS[trend]})"
    way = "up" if after > before else "down"
    return f" ({way}, {'better' if trend == TREND_BETTER else 'worse'})"
