"""SVG text drawn a line at a time, not a letter at a time.

WeasyPrint 70 draws every SVG `<text>` letter by letter: it lays the whole string out with Pango, then
lays out and draws each character on its own (so that per-letter `x`, `dx`, `rotate` and
`letter-spacing` can move it). A report's annex has about 70 small charts and 460 labels in them,
so that is thousands of Pango layouts: a tenth of a progress report's time, and half its PDF's bytes.

Our charts' labels (reviews.charts) are plain: one `x` and one `y`, no per-letter placement. Such a
text is drawn here as one run, from the one layout of the whole string: the same glyphs, font, size,
colour and anchor, at the same place (kerned as a word rather than letter by letter). Anything else
(several `x` values, `dx`/`dy`, `rotate`, `letter-spacing`, `textLength`, a baseline alignment, child
`tspan`s) is left to WeasyPrint's own drawing.
"""

from __future__ import annotations

from math import inf
from typing import Any

# Attributes that need WeasyPrint's letter-by-letter drawing.
PER_LETTER = frozenset(
    {
        "dx",
        "dy",
        "rotate",
        "letter-spacing",
        "textLength",
        "lengthAdjust",
        "display-anchor",
        "dominant-baseline",
        "alignment-baseline",
    }
)


# The share of a left-to-right text's width it is moved left by, for each anchor.
ANCHOR_SHIFTS = {"middle": 0.5, "end": 1.0}
ANCHOR = "text_anchor_applied_by_drawer"


def _one_value(value: str | None) -> bool:
    return value is None or len(value.replace(",", " ").split()) == 1


def is_plain(node: Any) -> bool:
    """A `<text>` with its words and nothing that moves a letter on its own."""
    return (
        node.tag == "text"
        and bool(node.text)
        and next(iter(node), None) is None  # no tspan
        and _one_value(node.attrib.get("x"))
        and _one_value(node.attrib.get("y"))
        and not PER_LETTER.intersection(node.attrib)
    )


def install() -> None:
    """Route WeasyPrint's SVG text drawing through `text`, once. WeasyPrint's drawing loop treats a
    node as text (its anchor, its bounding box) by comparing its tag's drawer with its module's
    `text`, so both the table of drawers and that name are pointed at the one wrapper.

    A plain text's anchor is applied here too, from its measured width, rather than by WeasyPrint,
    which draws each anchored text into a group of its own and moves the group (a PDF object for
    every label): the loop is given the node without its `text-anchor`, which `_draw_whole` keeps."""
    from weasyprint import svg

    original = svg.text
    if getattr(original, "draws_plain_text_whole", False):
        return

    def text(drawing: Any, node: Any, font_size: float) -> None:
        if is_plain(node):
            _draw_whole(drawing, node, font_size)
        else:
            original(drawing, node, font_size)

    text.draws_plain_text_whole = True  # type: ignore[attr-defined]
    for tag, drawer in list(svg.TAGS.items()):
        if drawer is original:
            svg.TAGS[tag] = text
    svg.text = text

    draw_node = svg.SVG.draw_node

    def draw_node_anchored_here(self: Any, node: Any, font_size: float, fill_stroke: bool = True, context=None):
        if (
            node.get("text-anchor") in ANCHOR_SHIFTS
            and node.get("direction", "ltr") == "ltr"
            and not hasattr(node, ANCHOR)
            and is_plain(node)
        ):
            setattr(node, ANCHOR, node.attrib.pop("text-anchor"))
        return draw_node(self, node, font_size, fill_stroke, context)

    svg.SVG.draw_node = draw_node_anchored_here


def _draw_whole(drawing: Any, node: Any, font_size: float) -> None:
    """weasyprint.svg.text.text for one plain text: its style, position, bounding box (which the
    anchor is applied from) and cursor as WeasyPrint sets them, the string drawn in one piece."""
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.draw.text import draw_emojis, draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.text import Style, TextBox
    from weasyprint.svg.utils import normalize, size
    from weasyprint.text.line_break import split_first_line

    style = Style()
    style.update(INITIAL_VALUES)
    style.font_config = drawing.font_config
    style["font_family"] = [font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")]
    style["font_style"] = node.get("font-style", "normal")
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")
    weight = node.get("font-weight", 400)
    if weight == "normal":
        style["font_weight"] = 400
    elif weight == "bold":
        style["font_weight"] = 700
    else:
        try:
            style["font_weight"] = int(weight)
        except ValueError:
            style["font_weight"] = 400

    layout, _, _, width, height, baseline = split_first_line(node.text, style, drawing.context, inf, 0)

    x = y = None
    if "x" in node.attrib:
        x = size(normalize(node.attrib["x"]).strip(), font_size, drawing.inner_width)
    if "y" in node.attrib:
        y = size(normalize(node.attrib["y"]).strip(), font_size, drawing.inner_height)
    # As WeasyPrint does for the first letter (a zero x or y does not reset the offset).
    if x:
        drawing.cursor_d_position[0] = 0
    if y:
        drawing.cursor_d_position[1] = 0
    x = drawing.cursor_position[0] if x is None else x
    y = drawing.cursor_position[1] if y is None else y
    drawing.cursor_position = x + width, y
    x_position = x + drawing.cursor_d_position[0] - width * ANCHOR_SHIFTS.get(getattr(node, ANCHOR, "start"), 0)
    y_position = y + drawing.cursor_d_position[1]
    node.text_bounding_box = extend_bounding_box(
        node.text_bounding_box,
        ((x_position, y_position - baseline), (x_position + width, y_position - baseline + height)),
    )

    drawing.stream.push_state()
    fill, stroke = drawing.set_graphical_state(node, font_size)
    drawing.stream.begin_text()
    layout.reactivate(style)
    drawing.fill_stroke(fill, stroke, text=True)
    box = TextBox(layout, style)
    box.baseline = baseline
    emojis = draw_first_line(drawing.stream, box, "none", "none", Matrix(a=1, d=-1, e=x_position, f=y_position))
    drawing.stream.end_text()
    drawing.stream.pop_state()
    draw_emojis(drawing.stream, style, x, y, emojis)
