"""Charts as SVG text (for web pages) or PNG bytes (for chat), from one layout.

The layout step turns series into a few shapes (lines, rectangles, text); the SVG writer and
the Pillow painter only draw shapes, so both outputs show the same chart. Pure Python; Pillow
is needed only for PNG and is imported on first use.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal
from xml.sax.saxutils import escape

PALETTE = ("#2f6fdf", "#e4572e", "#17a589", "#f1a208", "#8e44ad", "#566573")
WIDTH = 720
HEIGHT = 360
MARGIN_LEFT = 48
MARGIN_RIGHT = 16
MARGIN_TOP = 40
MARGIN_BOTTOM = 56
MAX_POINTS = 400
MAX_LABEL = 40


@dataclass(frozen=True, slots=True)
class Line:
    points: tuple[tuple[float, float], ...]
    color: str
    width: float = 2.0


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    color: str


@dataclass(frozen=True, slots=True)
class Label:
    x: float
    y: float
    text: str
    size: int = 11
    anchor: Literal["start", "middle", "end"] = "start"
    color: str = "#333333"


Shape = Line | Box | Label


@dataclass(frozen=True, slots=True)
class Layout:
    width: int
    height: int
    shapes: tuple[Shape, ...]


def _clean(text: str) -> str:
    return "".join(c for c in text if c.isprintable())[:MAX_LABEL]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** max(0, len(str(int(value))) - 1)
    return float(((int(value) // step) + 1) * step)


def series_layout(
    series: Mapping[str, Sequence[float]],
    labels: Sequence[str],
    *,
    title: str = "",
    kind: Literal["line", "bar"] = "line",
    width: int = WIDTH,
    height: int = HEIGHT,
) -> Layout:
    """Lines (or grouped bars) of several series over shared x labels, with a legend."""
    names = list(series)[: len(PALETTE)]
    count = min(
        MAX_POINTS, max((len(series[n]) for n in names), default=0), len(labels) or MAX_POINTS
    )
    top = _nice_max(max((float(v) for n in names for v in series[n][:count]), default=0.0))
    left, right = MARGIN_LEFT, width - MARGIN_RIGHT
    upper, lower = MARGIN_TOP, height - MARGIN_BOTTOM
    shapes: list[Shape] = [Label(left, 20, _clean(title), 14)]
    for i in range(5):
        y = lower - (lower - upper) * i / 4
        shapes.append(Line(((left, y), (right, y)), "#e5e5e5", 1.0))
        shapes.append(Label(left - 6, y + 4, f"{top * i / 4:g}", 10, "end", "#777777"))
    slot = (right - left) / max(1, count)
    for s, name in enumerate(names):
        values = [max(0.0, float(v)) for v in series[name][:count]]
        color = PALETTE[s]
        if kind == "bar":
            bar = slot * 0.8 / max(1, len(names))
            for i, v in enumerate(values):
                h = (lower - upper) * v / top
                x = left + slot * i + slot * 0.1 + bar * s
                shapes.append(Box(x, lower - h, max(1.0, bar - 1), h, color))
        else:
            points = tuple(
                (left + slot * (i + 0.5), lower - (lower - upper) * v / top)
                for i, v in enumerate(values)
            )
            if len(points) == 1:
                x, y = points[0]
                shapes.append(Box(x - 2, y - 2, 4, 4, color))
            elif points:
                shapes.append(Line(points, color))
        legend_x = left + 150 * s
        shapes.append(Box(legend_x, height - 18, 10, 10, color))
        shapes.append(Label(legend_x + 14, height - 9, _clean(name), 11))
    step = max(1, count // 8)
    for i in range(0, count, step):
        shapes.append(
            Label(left + slot * (i + 0.5), lower + 16, _clean(labels[i]), 10, "middle", "#555555")
        )
    return Layout(width, height, tuple(shapes))


def heatmap_layout(
    matrix: Sequence[Sequence[float]],
    row_labels: Sequence[str],
    *,
    title: str = "",
    width: int = WIDTH,
    height: int = 260,
) -> Layout:
    """A grid of cells shaded by value: rows are days of the week, columns hours."""
    rows = len(matrix)
    cols = max((len(r) for r in matrix), default=0)
    top = max((float(v) for r in matrix for v in r), default=0.0) or 1.0
    left, upper = MARGIN_LEFT + 16, MARGIN_TOP
    cell_w = (width - left - MARGIN_RIGHT) / max(1, cols)
    cell_h = (height - upper - 24) / max(1, rows)
    shapes: list[Shape] = [Label(MARGIN_LEFT, 20, _clean(title), 14)]
    for r, row in enumerate(matrix):
        label = _clean(row_labels[r]) if r < len(row_labels) else ""
        shapes.append(Label(left - 6, upper + cell_h * (r + 0.7), label, 10, "end"))
        for c, value in enumerate(row):
            shade = int(235 - 190 * max(0.0, float(value)) / top)
            color = f"#{shade:02x}{min(255, shade + 20):02x}ff"
            shapes.append(Box(left + cell_w * c, upper + cell_h * r, cell_w - 1, cell_h - 1, color))
    for c in range(0, cols, 3):
        shapes.append(Label(left + cell_w * (c + 0.5), height - 8, str(c), 10, "middle", "#555555"))
    return Layout(width, height, tuple(shapes))


def to_svg(layout: Layout) -> str:
    """The layout as a standalone SVG document."""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{layout.width}" '
        f'height="{layout.height}" viewBox="0 0 {layout.width} {layout.height}" '
        'font-family="sans-serif">',
        f'<rect width="{layout.width}" height="{layout.height}" fill="#ffffff"/>',
    ]
    for shape in layout.shapes:
        if isinstance(shape, Line):
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in shape.points)
            out.append(
                f'<polyline points="{pts}" fill="none" stroke="{shape.color}" '
                f'stroke-width="{shape.width:g}"/>'
            )
        elif isinstance(shape, Box):
            out.append(
                f'<rect x="{shape.x:.1f}" y="{shape.y:.1f}" width="{shape.w:.1f}" '
                f'height="{shape.h:.1f}" fill="{shape.color}"/>'
            )
        else:
            out.append(
                f'<text x="{shape.x:.1f}" y="{shape.y:.1f}" font-size="{shape.size}" '
                f'text-anchor="{shape.anchor}" fill="{shape.color}">{escape(shape.text)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


FONT_CANDIDATES = (
    "NotoSansCJK-Regular.ttc",
    "NotoSansSC-Regular.otf",
    "wqy-microhei.ttc",
    "DejaVuSans.ttf",
)
"""Fonts tried by name for PNG text (a CJK font shows Chinese labels); else Pillow's own."""


def to_png(layout: Layout) -> bytes:
    """The layout painted by Pillow; raises ImportError when Pillow is not installed."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (layout.width, layout.height), "#ffffff")
    draw = ImageDraw.Draw(image)
    fonts: dict[int, ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}

    def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        if size not in fonts:
            for name in FONT_CANDIDATES:
                try:
                    fonts[size] = ImageFont.truetype(name, size)
                    break
                except OSError:
                    continue
            else:
                fonts[size] = ImageFont.load_default(size)
        return fonts[size]

    anchors = {"start": "ls", "middle": "ms", "end": "rs"}
    for shape in layout.shapes:
        if isinstance(shape, Line):
            draw.line(list(shape.points), fill=shape.color, width=max(1, round(shape.width)))
        elif isinstance(shape, Box):
            if shape.h > 0 and shape.w > 0:
                draw.rectangle(
                    (shape.x, shape.y, shape.x + shape.w, shape.y + shape.h), fill=shape.color
                )
        else:
            draw.text(
                (shape.x, shape.y),
                shape.text,
                fill=shape.color,
                font=font(shape.size),
                anchor=anchors[shape.anchor],
            )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def render_chart(
    series: Mapping[str, Sequence[float]],
    labels: Sequence[str],
    *,
    title: str = "",
    kind: Literal["line", "bar"] = "line",
) -> str:
    """A chart of ``series`` (name -> values) over the x ``labels``, as SVG text."""
    return to_svg(series_layout(series, labels, title=title, kind=kind))


def render_chart_png(
    series: Mapping[str, Sequence[float]],
    labels: Sequence[str],
    *,
    title: str = "",
    kind: Literal["line", "bar"] = "line",
) -> bytes:
    """The same chart as PNG bytes for chat (needs Pillow)."""
    return to_png(series_layout(series, labels, title=title, kind=kind))


def render_heatmap(
    matrix: Sequence[Sequence[float]], row_labels: Sequence[str], *, title: str = ""
) -> str:
    """Activity by hour of the week (rows: days, columns: hours) as SVG text."""
    return to_svg(heatmap_layout(matrix, row_labels, title=title))
