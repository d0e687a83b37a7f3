import datetime
from decimal import Decimal
from xml.etree import ElementTree

from reviews.charts import line_chart

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
