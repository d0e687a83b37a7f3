import datetime
import itertools
import re
from decimal import Decimal
from xml.etree import ElementTree

from reviews.charts import FULL, SMALL, Box, line_chart, text_box

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
        "2 values from March 2023 (51%) to June 2023 (44.5%); target 25%. The value axis starts at 20%, "
        "not zero. The figures are in the table."
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
    assert [text.text for text in small.findall(f"{SVG}text")] == ["0", "80", "10", "70", "Jan 2023", "Jul 2023"]


AGENCY_VALUES = ("52.4", "51.3", "49.3", "48.4", "49.0", "49.2", "47.8")
AGENCY = [(D(2023, m, 28), Decimal(v)) for m, v in zip(range(4, 11), AGENCY_VALUES, strict=True)]


def tick_values(svg):
    root = ElementTree.fromstring(svg)
    return [
        Decimal(text.text.rstrip("%"))
        for text in root.findall(f"{SVG}text")
        if text.get("text-anchor") == "end" and not text.get("class") and re.fullmatch(r"-?[\d.]+%?", text.text or "")
    ]


def test_the_value_axis_is_chosen_from_the_data_so_a_trend_does_not_look_flat():
    svg = line_chart(title="Agency social workers", points=AGENCY, target=Decimal(50), unit_suffix="%")
    ticks = tick_values(svg)
    assert ticks == [Decimal(46), Decimal(48), Decimal(50), Decimal(52), Decimal(54)]
    assert "The value axis starts at 46%, not zero." in ElementTree.fromstring(svg).find(f"{SVG}desc").text


def test_the_axis_takes_in_a_far_target_and_ends_on_round_ticks():
    ticks = tick_values(line_chart(title="t", points=AGENCY, target=Decimal(25), unit_suffix="%"))
    assert ticks[0] <= 25 and ticks[-1] >= Decimal("52.4")
    steps = {b - a for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1 and steps.pop() in {Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)}


def test_the_axis_starts_at_zero_when_zero_is_near_and_a_percentage_stops_at_100():
    near_zero = [(D(2023, m, 28), Decimal(m)) for m in range(1, 8)]
    svg = line_chart(title="t", points=near_zero)
    assert tick_values(svg)[0] == 0
    assert "not zero" not in svg
    high = [(D(2023, 1, 31), Decimal(96)), (D(2023, 2, 28), Decimal(99))]
    assert tick_values(line_chart(title="t", points=high, target=Decimal(100), unit_suffix="%"))[-1] == 100


def drawn(svg):
    """What a chart draws, by geometry: its points' boxes, its line's vertices, its value and target
    labels' boxes, and its size."""
    root = ElementTree.fromstring(svg)
    _, _, width, height = (float(n) for n in root.get("viewBox").split())
    circles = [
        Box(float(c.get("cx")) - 4, float(c.get("cy")) - 4, float(c.get("cx")) + 4, float(c.get("cy")) + 4)
        for c in root.findall(f"{SVG}circle")
    ]
    path = root.find(f"{SVG}path")
    vertices = [
        (float(x), float(y))
        for x, y in re.findall(r"[ML](-?[\d.]+),(-?[\d.]+)", path.get("d") if path is not None else "")
    ]
    labels = [
        (
            text.get("class"),
            text_box(
                float(text.get("x")),
                float(text.get("y")),
                text.text,
                text.get("text-anchor"),
                int(text.get("font-size")),
            ),
        )
        for text in root.findall(f"{SVG}text")
        if text.get("class") in ("app-chart__value", "app-chart__target")
    ]
    return circles, vertices, labels, (width, height)


SHAPES = {
    "falling to the target": [Decimal(v) for v in ("52.4", "51.3", "49.3", "48.4", "49.0", "49.2", "47.8")],
    "rising through the target": [Decimal(v) for v in (10, 14, 19, 25, 31, 36)],
    "ending on the target": [Decimal(v) for v in (40, 35, 30, 28, 26, 25)],
    "flat on the target": [Decimal(25)] * 5,
    "a V": [Decimal(v) for v in (30, 20, 10, 20, 30)],
    "two values": [Decimal(v) for v in (24, 26)],
    "one value": [Decimal(25)],
}


def test_labels_cover_neither_the_line_nor_its_points_nor_each_other():
    for frame in (FULL, SMALL):
        for shape, values in SHAPES.items():
            points = [(D(2023, i + 1, 28), value) for i, value in enumerate(values)]
            circles, vertices, labels, (width, height) = drawn(
                line_chart(title="t", points=points, target=Decimal(25), unit_suffix="%", frame=frame)
            )
            kinds = [kind for kind, _ in labels]
            assert "app-chart__target" in kinds, shape
            assert kinds.count("app-chart__value") >= 1, shape
            for number, (kind, box) in enumerate(labels):
                where = f"{shape}, {kind}, {frame.width} wide"
                assert box.left >= 0 and box.right <= width and box.top >= 0 and box.bottom <= height, where
                assert not any(box.overlaps(circle) for circle in circles), where
                assert not any(box.crosses(a, b) for a, b in itertools.pairwise(vertices)), where
                assert not any(box.overlaps(other) for _, other in labels[number + 1 :]), where
