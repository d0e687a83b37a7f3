"""Server-rendered SVG charts of an indicator's measurements. Pure: values in, SVG text out.
A chart is never the only way to read the figures: pages and reports put a data table beside it."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from html import escape

WIDTH = 640
HEIGHT = 260
MARGIN_LEFT = 56
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 40
LINE_COLOUR = "#1d70b8"  # GOV.UK blue
TARGET_COLOUR = "#00703c"  # GOV.UK green
AXIS_COLOUR = "#505a5f"


def _number(value: Decimal | float) -> str:
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def line_chart(
    *,
    title: str,
    points: Sequence[tuple[datetime.date, Decimal]],
    target: Decimal | None = None,
    unit_suffix: str = "",
    chart_id: str = "chart",
) -> str:
    """A line chart of (period, value) points with an optional target line, as an SVG string."""
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    if not points:
        description = "No values have been recorded yet."
    else:
        first, last = points[0], points[-1]
        description = (
            f"{len(points)} values from {first[0]:%B %Y} ({_number(first[1])}{unit_suffix}) "
            f"to {last[0]:%B %Y} ({_number(last[1])}{unit_suffix})"
            + (f"; target {_number(target)}{unit_suffix}" if target is not None else "")
            + ". The figures are in the table."
        )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" class="app-chart">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    parts.append(
        f'<line x1="{MARGIN_LEFT}" y1="{MARGIN_TOP + plot_h}" x2="{WIDTH - MARGIN_RIGHT}" y2="{MARGIN_TOP + plot_h}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    if points:
        values = [Decimal(v) for _, v in points] + ([Decimal(target)] if target is not None else [])
        low, high = min(values), max(values)
        low = min(low, Decimal(0))
        if high == low:
            high = low + 1
        span = high - low

        def y(value: Decimal) -> float:
            return MARGIN_TOP + plot_h - float((Decimal(value) - low) / span) * plot_h

        def x(index: int) -> float:
            return MARGIN_LEFT + (plot_w * index / (len(points) - 1) if len(points) > 1 else plot_w / 2)

        for tick in range(5):
            value = low + span * tick / 4
            parts.append(
                f'<text x="{MARGIN_LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="12" '
                f'fill="{AXIS_COLOUR}">{escape(_number(round(value, 1)))}{escape(unit_suffix)}</text>'
            )
        if target is not None:
            parts.append(
                f'<line x1="{MARGIN_LEFT}" y1="{y(target):.1f}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y(target):.1f}" '
                f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>'
                f'<text x="{WIDTH - MARGIN_RIGHT}" y="{y(target) - 6:.1f}" text-anchor="end" font-size="12" '
                f'fill="{TARGET_COLOUR}">Target {escape(_number(target))}{escape(unit_suffix)}</text>'
            )
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(points))
        parts.append(f'<path d="{path}" fill="none" stroke="{LINE_COLOUR}" stroke-width="3"/>')
        for i, (_, v) in enumerate(points):
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="4" fill="{LINE_COLOUR}"/>')
        labels = {0, len(points) - 1, (len(points) - 1) // 2}
        for i in sorted(labels):
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - 14}" text-anchor="middle" font-size="12" '
                f'fill="{AXIS_COLOUR}">{points[i][0]:%b %Y}</text>'
            )
    else:
        parts.append(
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" font-size="14" fill="{AXIS_COLOUR}">'
            "No values recorded yet</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
