"""Charts' labels in a PDF are drawn a line at a time (reviews.reports.svg_text): each label is one
run of text where it was, and a text that places letters one by one is still drawn by WeasyPrint."""

from __future__ import annotations

import io
import re

import pikepdf
import pypdf

from reviews.reports import svg_text
from reviews.reports.pdf import html_to_pdf

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 100" width="300" role="img" aria-labelledby="t">'
    '<title id="t">A chart</title>'
    '<text x="150" y="20" text-anchor="end" font-size="12" fill="#505a5f">Mar 2024</text>'
    '<text x="150" y="40" text-anchor="middle" font-size="12" fill="#00703c">Target 25%</text>'
    '<text x="150" y="60" font-size="12">59.5%</text>'
    '<text x="150" y="80" dx="0 4" font-size="12">Spaced</text>'
    "</svg>"
)
PAGE = f'<!DOCTYPE html><html lang="en-GB"><head><title>Labels</title></head><body>{SVG}</body></html>'


def shown_strings(pdf: bytes) -> list[bytes]:
    """The strings of the page's text-showing operators (hex glyph ids), in drawing order."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        found = []

        def walk(stream, resources):
            for operands, operator in pikepdf.parse_content_stream(stream):
                if str(operator) in ("Tj", "TJ"):
                    found.append(bytes(pikepdf.unparse_content_stream([(operands, operator)])))
                elif str(operator) == "Do":
                    xobject = resources.XObject[operands[0]]
                    walk(xobject, xobject.get("/Resources", resources))

        page = document.pages[0]
        walk(page, page.Resources)
        return found


def test_every_label_is_in_the_text_whole():
    text = pypdf.PdfReader(io.BytesIO(html_to_pdf(PAGE).content)).pages[0].extract_text()
    for label in ("Mar 2024", "Target 25%", "59.5%"):
        assert label in text


def test_a_plain_label_is_one_run_and_a_letter_placed_text_is_drawn_letter_by_letter():
    runs = shown_strings(html_to_pdf(PAGE).content)
    # Three plain labels, a run each; "Spaced" with a dx per letter, a run a letter (six).
    assert len(runs) == 3 + len("Spaced")
    assert all(len(re.findall(rb"[0-9a-f]{4}", run)) == 1 for run in runs[3:])


def test_only_plain_texts_take_the_quick_way():
    from weasyprint.svg import SVG as Drawing

    def node(markup: str):
        from xml.etree import ElementTree

        drawing = Drawing(ElementTree.fromstring(f'<svg xmlns="http://www.w3.org/2000/svg">{markup}</svg>'), None, None)
        return next(iter(drawing.tree))

    assert svg_text.is_plain(node('<text x="1" y="2" text-anchor="end">Plain</text>'))
    assert not svg_text.is_plain(node('<text x="1 2 3" y="2">Per letter</text>'))
    assert not svg_text.is_plain(node('<text x="1" y="2" rotate="10">Rotated</text>'))
    assert not svg_text.is_plain(node('<text x="1" y="2">With <tspan>a span</tspan></text>'))
