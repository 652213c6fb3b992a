"""Server-side SVG charts: one bar or point per value, scaled, labels escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from hub.api.charts import bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def widths(svg: str) -> list[float]:
    return [float(rect.get("width", 0)) for rect in ET.fromstring(svg).iter(f"{SVG}rect")]


def test_bars_scale_to_the_largest_value() -> None:
    svg = bar_chart("Tasks", [("MR", 10.0), ("TAX", 5.0), ("PS", 0.0)])
    mr, tax, ps = widths(svg)
    assert mr == 2 * tax
    assert ps == 1.0  # a zero still shows as a hairline
    assert ET.fromstring(svg).get("aria-label") == "Tasks"


def test_shares_scale_to_a_fixed_top_and_show_percentages() -> None:
    svg = bar_chart("On time", [("MR", 0.5)], show=lambda v: f"{v:.0%}", top=1.0)
    full = bar_chart("On time", [("MR", 1.0)], show=lambda v: f"{v:.0%}", top=1.0)
    assert widths(svg)[0] * 2 == widths(full)[0]
    assert ">50%<" in svg


def test_labels_are_escaped() -> None:
    svg = bar_chart("<b>", [("A&B", 1.0)])
    ET.fromstring(svg)  # still well-formed XML
    assert "A&amp;B" in svg


def test_a_line_has_a_point_per_day_and_an_empty_chart_says_so() -> None:
    svg = line_chart("Per day", [("2026-03-02", 3.0), ("2026-03-03", 9.0), ("2026-03-04", 0.0)])
    assert len(re.findall(r'class="point"', svg)) == 3
    assert "2026-03-02" in svg
    assert "no data yet" in line_chart("Per day", [])
    assert "no data yet" in bar_chart("Tasks", [])
