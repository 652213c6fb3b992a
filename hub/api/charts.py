"""Charts drawn on the server as inline SVG: no script, no CDN, readable offline.

>>> svg = bar_chart("Tasks decided", [("MR", 12.0), ("TAX", 3.0)])
>>> svg.count('class="bar"')
2
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

WIDTH = 560
ROW = 22
LABEL = 130
LINE_HEIGHT = 200


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, float]],
    show: Callable[[float], str] = lambda value: f"{value:,.0f}",
    top: float | None = None,
) -> str:
    """Horizontal bars, one per label, scaled to ``top`` (default: the largest value)."""
    scale = top or max((value for _, value in bars), default=0.0) or 1.0
    room = WIDTH - LABEL - 70
    rows = [
        _bar(index, label, value, value / scale * room, show(value))
        for index, (label, value) in enumerate(bars)
    ]
    height = ROW * len(bars) + 30
    return _svg(title, height, "".join(rows) or _empty(height))


def line_chart(title: str, points: Sequence[tuple[str, float]]) -> str:
    """A line with a dot per point, first and last labels under the axis."""
    if not points:
        return _svg(title, LINE_HEIGHT, _empty(LINE_HEIGHT))
    top = max(value for _, value in points) or 1.0
    step = (WIDTH - 60) / max(len(points) - 1, 1)
    xy = [
        (40 + i * step, LINE_HEIGHT - 30 - value / top * (LINE_HEIGHT - 60))
        for i, (_, value) in enumerate(points)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    dots = "".join(
        f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3">'
        f"<title>{escape(day)}: {value:,.0f}</title></circle>"
        for (x, y), (day, value) in zip(xy, points, strict=True)
    )
    axis = (
        f'<text x="40" y="{LINE_HEIGHT - 8}">{escape(points[0][0])}</text>'
        f'<text x="{WIDTH - 20}" y="{LINE_HEIGHT - 8}" text-anchor="end">'
        f"{escape(points[-1][0])}</text>"
        f'<text x="4" y="34">{top:,.0f}</text>'
    )
    return _svg(title, LINE_HEIGHT, f'<polyline class="line" points="{path}"/>{dots}{axis}')


def _bar(index: int, label: str, value: float, length: float, shown: str) -> str:
    y = 24 + index * ROW
    return (
        f'<text x="{LABEL - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
        f'<rect class="bar" x="{LABEL}" y="{y}" width="{max(length, 1):.1f}" height="{ROW - 6}">'
        f"<title>{escape(label)}: {escape(shown)}</title></rect>"
        f'<text x="{LABEL + length + 6:.1f}" y="{y + 14}">{escape(shown)}</text>'
    )


def _empty(height: int) -> str:
    return f'<text x="{WIDTH / 2}" y="{height / 2}" text-anchor="middle">no data yet</text>'


def _svg(title: str, height: int, inner: str) -> str:
    return (
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">'
        f'<text class="title" x="0" y="14">{escape(title)}</text>{inner}</svg>'
    )
