"""Server-rendered SVG charts of an indicator's measurements. Pure: values in, SVG text out.
A chart is never the only way to read the figures: pages and reports put a data table beside it."""

from __future__ import annotations

import datetime
import itertools
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


def _nice(raw: Decimal) -> Decimal:
    """The round step (1, 2, 2.5 or 5 times a power of ten) at least `raw`."""
    base = Decimal(1).scaleb(raw.adjusted())
    for multiple in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        if raw <= multiple * base:
            return multiple * base
    return 10 * base  # pragma: no cover - raw / base < 10 by construction


@dataclass(frozen=True)
class Axis:
    low: Decimal
    high: Decimal
    step: Decimal

    @property
    def ticks(self) -> list[Decimal]:
        count = int((self.high - self.low) / self.step)
        return [self.low + self.step * i for i in range(count + 1)]


def value_axis(values: Sequence[Decimal], *, intervals: int = 4, percent: bool = False) -> Axis:
    """The value axis for the data and the target: a little room above and below, ending on round
    ticks. It starts at zero only when zero is near, so a trend does not look flat; it never goes
    below zero for data that cannot, nor above 100 for a percentage that does not."""
    low, high = min(values), max(values)
    span = high - low
    padding = span / 10 if span else max(abs(high) / 10, Decimal(1))
    step = _nice((span + 2 * padding) / intervals)
    axis_low = ((low - padding) / step).to_integral_value(rounding="ROUND_FLOOR") * step
    axis_high = ((high + padding) / step).to_integral_value(rounding="ROUND_CEILING") * step
    if low >= 0 and (axis_low < 0 or axis_low <= step):
        axis_low = Decimal(0)
    if percent and high <= 100 < axis_high:
        axis_high = Decimal(100)
    return Axis(low=axis_low, high=axis_high, step=step)


@dataclass(frozen=True)
class Box:
    """A label's or a point's rectangle, in SVG units (y down)."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom
        )

    def crosses(self, start: tuple[float, float], end: tuple[float, float]) -> bool:
        """Whether a line segment passes through the box (sampled finely enough for a label)."""
        # Every sample lies within the segment's own rectangle: a box clear of it (by more than rounding)
        # is crossed by none, found without sampling. A page of charts asks this hundreds of times.
        slack = 1e-6
        if (
            self.right < min(start[0], end[0]) - slack
            or self.left > max(start[0], end[0]) + slack
            or self.bottom < min(start[1], end[1]) - slack
            or self.top > max(start[1], end[1]) + slack
        ):
            return False
        steps = 24
        for i in range(steps + 1):
            x = start[0] + (end[0] - start[0]) * i / steps
            y = start[1] + (end[1] - start[1]) * i / steps
            if self.left <= x <= self.right and self.top <= y <= self.bottom:
                return True
        return False


def text_box(x: float, y: float, text: str, anchor: str, font: int) -> Box:
    """Where a label drawn at baseline (x, y) falls: generous, at 0.6 of the font size a character."""
    width = len(text) * font * 0.6
    left = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
    return Box(left, y - font * 0.9, left + width, y + font * 0.25)


def line_chart(
    *,
    title: str,
    points: Sequence[tuple[datetime.date, Decimal]],
    target: Decimal | None = None,
    unit_suffix: str = "",
    chart_id: str = "chart",
    frame: Frame = FULL,
) -> str:
    """A line chart of (period, value) points with an optional target line, as an SVG string.

    The value axis is chosen from the data and the target (`value_axis`); the first and last values
    and the target are labelled where they collide with neither the line, its points nor each other."""
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    axis = None
    if points:
        values = [Decimal(v) for _, v in points] + ([Decimal(target)] if target is not None else [])
        axis = value_axis(values, percent=unit_suffix.strip() == "%")
    if not points:
        description = "No values have been recorded yet."
    else:
        first, last = points[0], points[-1]
        description = (
            f"{len(points)} values from {first[0]:%B %Y} ({_number(first[1])}{unit_suffix}) "
            f"to {last[0]:%B %Y} ({_number(last[1])}{unit_suffix})"
            + (f"; target {_number(target)}{unit_suffix}" if target is not None else "")
            + "."
            + (
                f" The value axis starts at {_number(axis.low)}{unit_suffix}, not zero."
                if axis is not None and axis.low > 0
                else ""
            )
            + " The figures are in the table."
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
    if points and axis is not None:
        low, span = axis.low, axis.high - axis.low

        def y(value: Decimal) -> float:
            return frame.top + plot_h - float((Decimal(value) - low) / span) * plot_h

        def x(index: int) -> float:
            return frame.left + (plot_w * index / (len(points) - 1) if len(points) > 1 else plot_w / 2)

        ticks = axis.ticks
        if frame.ticks <= 2:
            ticks = [ticks[0], ticks[-1]]
        for value in ticks:
            parts.append(
                f'<text x="{frame.left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="{frame.font}" '
                f'fill="{AXIS_COLOUR}">{escape(_number(value))}{escape(unit_suffix)}</text>'
            )
        xy = [(x(i), y(v)) for i, (_, v) in enumerate(points)]
        placed = _place_labels(frame, xy, points, target, y(target) if target is not None else None, unit_suffix)
        if target is not None:
            parts.append(
                f'<line x1="{frame.left}" y1="{y(target):.1f}" x2="{plot_end}" y2="{y(target):.1f}" '
                f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>'
            )
        path = " ".join(f"{'M' if i == 0 else 'L'}{px:.1f},{py:.1f}" for i, (px, py) in enumerate(xy))
        parts.append(f'<path d="{path}" fill="none" stroke="{LINE_COLOUR}" stroke-width="3"/>')
        for px, py in xy:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{LINE_COLOUR}"/>')
        for label in placed:
            parts.append(
                f'<text x="{label.x:.1f}" y="{label.y:.1f}" text-anchor="{label.anchor}" font-size="{frame.font}" '
                f'fill="{label.colour}" class="{label.kind}">{escape(label.text)}</text>'
            )
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


@dataclass(frozen=True)
class Label:
    kind: str  # "app-chart__value" or "app-chart__target", for the tests and the stylesheet
    text: str
    x: float
    y: float
    anchor: str
    colour: str


def _place_labels(
    frame: Frame,
    xy: list[tuple[float, float]],
    points: Sequence[tuple[datetime.date, Decimal]],
    target: Decimal | None,
    target_y: float | None,
    unit_suffix: str,
) -> list[Label]:
    """The first and last values, then the target, each at the first of a few places (above or
    below, at one end or the other) where it covers neither the line nor a point nor a label placed
    before it, and stays inside the chart. A value with no free place is left to the table; the
    target always gets one (the least bad) as its line would otherwise be unexplained."""
    font = frame.font
    inside = Box(0, 0, frame.width, frame.height - frame.bottom)
    obstacles = [Box(px - 5, py - 5, px + 5, py + 5) for px, py in xy]
    segments = list(itertools.pairwise(xy))
    placed: list[Label] = []
    taken: list[Box] = []

    def free(box: Box) -> bool:
        within = inside.left <= box.left and box.right <= inside.right and inside.top <= box.top
        return (
            within
            and box.bottom <= inside.bottom
            and not any(box.overlaps(other) for other in obstacles + taken)
            and not any(box.crosses(a, b) for a, b in segments)
        )

    ends = [0, len(xy) - 1] if len(xy) > 1 else [0]
    for index in ends:
        px, py = xy[index]
        anchor = "middle" if len(xy) == 1 else ("start" if index == 0 else "end")
        nudge = -6 if anchor == "start" else 6 if anchor == "end" else 0
        text = f"{_number(points[index][1])}{unit_suffix}"
        for ly in (py - 9, py + font + 7):
            for lx in (px + nudge, px):
                box = text_box(lx, ly, text, anchor, font)
                if free(box) and (target_y is None or not box.crosses((0, target_y), (frame.width, target_y))):
                    placed.append(Label("app-chart__value", text, lx, ly, anchor, LINE_COLOUR))
                    taken.append(box)
                    break
            else:
                continue
            break
    if target is not None and target_y is not None:
        text = f"Target {_number(target)}{unit_suffix}"
        plot_end = frame.width - frame.right
        candidates = [
            (x, target_y + dy, anchor)
            for dy in (-6, font + 4)
            for x, anchor in ((plot_end, "end"), (frame.left + 4, "start"), ((frame.left + plot_end) / 2, "middle"))
        ]
        chosen = next((c for c in candidates if free(text_box(c[0], c[1], text, c[2], font))), candidates[0])
        placed.append(Label("app-chart__target", text, chosen[0], chosen[1], chosen[2], TARGET_COLOUR))
    return placed


# --- The dashboard's pictures (issue 16, item 3) -------------------------------------------------

NOW_COLOUR = "#1d70b8"  # GOV.UK blue
THEN_COLOUR = "#b1b4b6"  # GOV.UK mid grey, with a dark outline so it meets 3:1 against white
THEN_OUTLINE = "#505a5f"


def paired_bar_chart(
    *, title: str, rows: Sequence[tuple[str, int, int]], chart_id: str, then_label: str = "A year ago"
) -> str:
    """Horizontal bars, two a row: now (blue) and a year ago (grey), each labelled with its number.
    The page puts the same numbers in a table beside it."""
    label_w, bar_h, gap, row_gap, top = 230, 14, 2, 14, 28
    width = 560
    plot_w = width - label_w - 40
    biggest = max([max(now, then) for _, now, then in rows] + [1])
    height = top + len(rows) * (2 * bar_h + gap + row_gap)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    description = "; ".join(f"{label}: {now} now, {then} a year ago" for label, now, then in rows) + "."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" class="app-chart">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        f'<rect x="{label_w}" y="4" width="12" height="12" fill="{NOW_COLOUR}"/>',
        f'<text x="{label_w + 16}" y="14" font-size="12" fill="{AXIS_COLOUR}">Now</text>',
        f'<rect x="{label_w + 60}" y="4" width="12" height="12" fill="{THEN_COLOUR}" stroke="{THEN_OUTLINE}"/>',
        f'<text x="{label_w + 76}" y="14" font-size="12" fill="{AXIS_COLOUR}">{escape(then_label)}</text>',
    ]
    y = top
    for label, now, then in rows:
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h + 4}" text-anchor="end" font-size="12" fill="#0b0c0c">'
            f"{escape(label)}</text>"
        )
        for offset, value, fill, stroke in (
            (0, now, NOW_COLOUR, NOW_COLOUR),
            (bar_h + gap, then, THEN_COLOUR, THEN_OUTLINE),
        ):
            w = plot_w * value / biggest
            parts.append(
                f'<rect x="{label_w}" y="{y + offset}" width="{w:.1f}" height="{bar_h}" '
                f'fill="{fill}" stroke="{stroke}"/>'
            )
            parts.append(
                f'<text x="{label_w + w + 4:.1f}" y="{y + offset + bar_h - 3}" font-size="11" '
                f'fill="#0b0c0c">{value}</text>'
            )
        y += 2 * bar_h + gap + row_gap
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Event:
    """One thing on a case's timeline: an instrument issued (or revoked), a review held, a report signed off."""

    day: datetime.date
    kind: str  # "instrument", "review", "report"
    text: str


TIMELINE_MARKS = {
    "instrument": ("#d4351c", "Instruments"),  # GOV.UK red
    "review": ("#1d70b8", "Reviews"),  # GOV.UK blue
    "report": ("#00703c", "Reports"),  # GOV.UK green
}


def case_timeline(
    *, title: str, events: Sequence[Event], start: datetime.date, end: datetime.date, chart_id: str
) -> str:
    """A case's life on one axis, a lane a kind: instruments (red), reviews (blue), reports (green),
    from the case's opening to today (or its closing); years marked along the bottom."""
    width, left, right, lane_h, top = 640, 100, 16, 28, 8
    lanes = list(TIMELINE_MARKS)
    height = top + lane_h * len(lanes) + 28
    span = max((end - start).days, 1)
    plot_w = width - left - right

    def x(day: datetime.date) -> float:
        return left + plot_w * min(max((day - start).days, 0), span) / span

    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    counts = {kind: sum(1 for e in events if e.kind == kind) for kind in lanes}
    description = (
        f"From {start:%-d %B %Y} to {end:%-d %B %Y}: "
        + ", ".join(f"{counts[kind]} {TIMELINE_MARKS[kind][1].lower()}" for kind in lanes)
        + ". Every event is in the table."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" class="app-chart">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    axis_y = top + lane_h * len(lanes)
    for index, kind in enumerate(lanes):
        colour, label = TIMELINE_MARKS[kind]
        mid = top + lane_h * index + lane_h / 2
        parts.append(
            f'<text x="{left - 8}" y="{mid + 4:.1f}" text-anchor="end" font-size="12" fill="#0b0c0c">{label}</text>'
        )
        parts.append(
            f'<line x1="{left}" y1="{mid:.1f}" x2="{width - right}" y2="{mid:.1f}" stroke="#b1b4b6" stroke-width="1"/>'
        )
        for event in events:
            if event.kind == kind:
                parts.append(
                    f'<circle cx="{x(event.day):.1f}" cy="{mid:.1f}" r="5" fill="{colour}" '
                    'stroke="#ffffff" stroke-width="1">'
                    f"<title>{escape(f'{event.day:%-d %B %Y}: {event.text}')}</title></circle>"
                )
    parts.append(
        f'<line x1="{left}" y1="{axis_y}" x2="{width - right}" y2="{axis_y}" stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    years = list(range(start.year + 1, end.year + 1))
    step = max(1, len(years) // 6 + (1 if len(years) % 6 else 0)) if len(years) > 6 else 1
    for year in years[::step]:
        tick = x(datetime.date(year, 1, 1))
        parts.append(f'<line x1="{tick:.1f}" y1="{axis_y}" x2="{tick:.1f}" y2="{axis_y + 5}" stroke="{AXIS_COLOUR}"/>')
        parts.append(
            f'<text x="{tick:.1f}" y="{axis_y + 18}" text-anchor="middle" font-size="12" '
            f'fill="{AXIS_COLOUR}">{year}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
