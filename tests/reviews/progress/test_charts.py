import datetime
import re
from decimal import Decimal
from xml.etree import ElementTree

from reviews.charts import SMALL, line_chart

D = datetime.date
SVG = "{http://www.w3.org/2000/svg}"


def test_a_chart_is_valid_svg_with_a_title_and_a_description_for_screen_readers():
    svg = line_chart(
        title="Agency social workers (%)",
        points=[(D(2023, 3, 31), Decimal("51.0")), (D(2023, 6, 30), Decimal("44.5"))],
        target=Decimal("25"),
        unit_suffix="%",
    )
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Agency social workers (%)"
    assert root.find(f"{SVG}desc").text == (
        "2 values from March 2023 (51%) to June 2023 (44.5%); target 25%. The figures are in the table."
    )
    assert len(root.findall(f"{SVG}circle")) == 2


def test_more_values_draw_more_points():
    points = [(D(2023, m, 28), Decimal(m)) for m in range(1, 13)]
    root = ElementTree.fromstring(line_chart(title="t", points=points))
    assert len(root.findall(f"{SVG}circle")) == 12


def test_an_empty_chart_says_so():
    assert "No values recorded yet" in line_chart(title="t", points=[])


def test_text_is_escaped():
    svg = line_chart(title="<script>alert(1)</script>", points=[])
    assert "<script>" not in svg


def date_labels(svg: str) -> list[tuple[str | None, str | None]]:
    root = ElementTree.fromstring(svg)
    texts = root.findall(f"{SVG}text")
    return [
        (text.text, text.get("text-anchor")) for text in texts if re.fullmatch(r"[A-Z][a-z]{2} \d{4}", text.text or "")
    ]


def test_the_first_and_last_dates_are_anchored_inside_the_chart_so_they_are_not_cut_off():
    points = [(D(2023, m, 28), Decimal(m)) for m in range(1, 8)]
    assert date_labels(line_chart(title="t", points=points)) == [
        ("Jan 2023", "start"),
        ("Apr 2023", "middle"),
        ("Jul 2023", "end"),
    ]
    assert date_labels(line_chart(title="t", points=points[:1])) == [("Jan 2023", "middle")]


def test_a_small_multiple_has_fewer_labels_but_the_same_points():
    points = [(D(2023, m, 28), Decimal(m * 10)) for m in range(1, 8)]
    small = ElementTree.fromstring(line_chart(title="t", points=points, frame=SMALL))
    assert small.get("viewBox") == "0 0 320 170"
    assert len(small.findall(f"{SVG}circle")) == 7
    assert [text.text for text in small.findall(f"{SVG}text")] == ["0", "70", "Jan 2023", "Jul 2023"]
