"""Server-rendered SVG charts of an indicator's measurements. Pure: values in, SVG text out.
A chart is never the only way to read the figures: pages and reports put a data table beside it."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape


@dataclass(frozen=True)
class Frame:
    """A chart's drawing box, in SVG units. Text sizes are in the same units, so a chart drawn
    smaller on the page needs a smaller box to keep its labels readable."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    font: int
    ticks: int  # labels on the value axis
    dates: int  # labels on the time axis: the first and last, and the middle one when 3


# A chart across a page or a screen.
FULL = Frame(width=640, height=260, left=56, right=16, top=16, bottom=40, font=12, ticks=5, dates=3)
# One of several drawn side by side (a report's small multiples): fewer labels, as large. The
# report's table beside them has every figure.
SMALL = Frame(width=320, height=170, left=52, right=10, top=20, bottom=30, font=12, ticks=2, dates=2)

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
    frame: Frame = FULL,
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
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.height}" width="100%" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" class="app-chart">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    plot_w = frame.width - frame.left - frame.right
    plot_end = frame.width - frame.right
    plot_h = frame.height - frame.top - frame.bottom
    parts.append(
        f'<line x1="{frame.left}" y1="{frame.top + plot_h}" x2="{plot_end}" y2="{frame.top + plot_h}" '
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
            return frame.top + plot_h - float((Decimal(value) - low) / span) * plot_h

        def x(index: int) -> float:
            return frame.left + (plot_w * index / (len(points) - 1) if len(points) > 1 else plot_w / 2)

        for tick in range(frame.ticks):
            value = low + span * tick / (frame.ticks - 1)
            parts.append(
                f'<text x="{frame.left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="{frame.font}" '
                f'fill="{AXIS_COLOUR}">{escape(_number(round(value, 1)))}{escape(unit_suffix)}</text>'
            )
        if target is not None:
            parts.append(
                f'<line x1="{frame.left}" y1="{y(target):.1f}" x2="{plot_end}" y2="{y(target):.1f}" '
                f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>'
                f'<text x="{plot_end}" y="{y(target) - 6:.1f}" text-anchor="end" font-size="{frame.font}" '
                f'fill="{TARGET_COLOUR}">Target {escape(_number(target))}{escape(unit_suffix)}</text>'
            )
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(points))
        parts.append(f'<path d="{path}" fill="none" stroke="{LINE_COLOUR}" stroke-width="3"/>')
        for i, (_, v) in enumerate(points):
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="4" fill="{LINE_COLOUR}"/>')
        last_index = len(points) - 1
        # The ends anchored inwards, so they are not cut off; a single value sits in the middle.
        labels = {0: "start", last_index: "end"} if last_index else {0: "middle"}
        if frame.dates > 2 and last_index > 1:
            labels[last_index // 2] = "middle"
        for i, anchor in sorted(labels.items()):
            parts.append(
                f'<text x="{x(i):.1f}" y="{frame.height - frame.bottom + 20}" text-anchor="{anchor}" '
                f'font-size="{frame.font}" fill="{AXIS_COLOUR}">{points[i][0]:%b %Y}</text>'
            )
    else:
        parts.append(
            f'<text x="{frame.width / 2}" y="{frame.height / 2}" text-anchor="middle" font-size="{frame.font + 2}" '
            f'fill="{AXIS_COLOUR}">'
            "No values recorded yet</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
